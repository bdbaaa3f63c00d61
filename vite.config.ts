import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import baseManifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import e2eKey from './test/e2e/extension-key.json' with { type: 'json' };

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * InboxSDK's content script asks the worker to run `pageWorld.js` in Gmail's main world; the file
 * must sit, unhashed, at the root of the built extension (reference/inboxsdk.md).
 */
function inboxSdkPageWorld(): Plugin {
  return {
    name: 'threadline:inboxsdk-page-world',
    apply: 'build',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'pageWorld.js',
        source: readFileSync(`${root}node_modules/@inboxsdk/core/pageWorld.js`),
      });
    },
  };
}

/**
 * Modes:
 * - production (`vite build`): `dist/`, real InboxSDK.
 * - e2e (`vite build --mode e2e`): `dist-e2e/`, the InboxSDK adapter replaced by the Gmail double
 *   (test/gmail-double/). Only this alias differs; the double never reaches `dist/`.
 */
export default defineConfig(({ mode }) => {
  const e2e = mode === 'e2e';
  // The e2e build gets a fixed id (a public key) so policy files can name it; production has none.
  const manifest = {
    ...baseManifest,
    version: pkg.version,
    ...(e2e ? { key: e2eKey.key } : {}),
  } as ManifestV3Export;
  return {
    plugins: [preact(), crx({ manifest }), inboxSdkPageWorld()],
    resolve: {
      alias: e2e
        ? [
            {
              find: /^\.\/gmail-host\/inboxsdk-host$/,
              replacement: `${root}test/gmail-double/double-host.ts`,
            },
          ]
        : [],
    },
    build: {
      outDir: e2e ? 'dist-e2e' : 'dist',
      emptyOutDir: true,
      // InboxSDK is ~1 MB minified and deliberately its own lazily loaded chunk.
      chunkSizeWarningLimit: 1500,
      sourcemap: false,
      target: 'chrome116',
      rollupOptions: {
        input: { sidebar: 'src/sidebar/index.html', welcome: 'src/welcome/index.html' },
      },
    },
    // Vite's WebSocket token check stays on (it stops any web page from connecting to the dev
    // server and reading its messages): @crxjs/vite-plugin 3 puts the token in its worker client's
    // WebSocket URL, and lets chrome-extension:// origins through the dev server's CORS.
    server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
  };
});
