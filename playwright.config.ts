import { defineConfig } from '@playwright/test';
import type { ServerApiKind } from './test/e2e/crm-probe';

/**
 * The core flows (issue 16: lookup, add a contact, link, log exactly once across a worker restart,
 * note, task, deal stage, offline from cache, the privacy canary) run once per CRM the local server
 * speaks, from the same specs; every other spec runs against the Copper personality.
 */
const CORE_FLOWS = ['contact-lookup', 'threads-and-records', 'privacy-canary', 'hubspot-connect'].map(
  (name) => `**/${name}.spec.ts`,
);

// Browser tests load the built extension (dist-e2e/) into Debian's Chromium; see test/e2e/fixtures.ts.
export default defineConfig<{ crmApi: ServerApiKind }>({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  outputDir: 'test-results/e2e',
  projects: [
    { name: 'copper', use: { crmApi: 'copper' }, testIgnore: '**/hubspot-*.spec.ts' },
    { name: 'hubspot', use: { crmApi: 'hubspot' }, testMatch: CORE_FLOWS },
  ],
});
