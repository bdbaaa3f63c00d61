import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // As in vite.config.ts: no preact/compat, so no `react` alias.
  plugins: [preact({ reactAliasesEnabled: false })],
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/unit/**/*.test.ts', 'server/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
