import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { bundleSizes } from '../../scripts/bundle-sizes';
import { BENCH_PING_EVENT } from '../../src/content/bench-ping';
import { GMAIL_DOUBLE_MARKER } from '../gmail-double/double-host';
import { expect, extensionWorker, launchWithExtension, test } from './fixtures';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface BuiltManifest {
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  optional_permissions?: string[];
  content_security_policy?: unknown;
  content_scripts: { matches: string[] }[];
  externally_connectable?: unknown;
  key?: string;
  background?: { service_worker?: string; type?: string };
}

test.describe('production dist/', () => {
  const manifest = (): BuiltManifest =>
    JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as BuiltManifest;

  test('asks only for the permissions Threadline uses', () => {
    const m = manifest();
    expect([...(m.permissions ?? [])].sort()).toEqual([
      'alarms',
      'declarativeNetRequest',
      'scripting',
      'storage',
    ]);
    expect(m.host_permissions).toEqual(['https://mail.google.com/*']);
    expect(m.optional_host_permissions).toEqual(['https://api.copper.com/*', 'https://api.hubapi.com/*']);
    expect(m.optional_permissions ?? []).toEqual([]);
    expect(m.content_scripts.flatMap((c) => c.matches)).toEqual(['https://mail.google.com/*']);
    const everything = JSON.stringify(m);
    for (const broad of ['<all_urls>', '"tabs"', '*://*/*', 'http://*/*', 'https://*/*'])
      expect(everything).not.toContain(broad);
    // No loosened CSP (remote code or eval), no external messaging, no fixed test key.
    expect(m.content_security_policy).toBeUndefined();
    expect(m.externally_connectable).toBeUndefined();
    expect(m.key).toBeUndefined();
  });

  test('runs the worker as one classic script (it starts sooner than a module graph: vite.config.ts)', () => {
    const { background } = manifest();
    expect(background).toEqual({ service_worker: 'service-worker.js' });
    const text = readFileSync(join(DIST, 'service-worker.js'), 'utf8');
    // Compiles as a classic script: no import or export statement, nothing loaded beside it.
    expect(() => new Script(text, { filename: 'service-worker.js' })).not.toThrow();
    expect(text.startsWith('"use strict";')).toBe(true);
    expect(existsSync(join(DIST, 'service-worker-loader.js'))).toBe(false);
  });

  test('builds every script as ASCII (Chromium decodes it faster: vite.config.ts ASCII_OUTPUT)', () => {
    const scripts = filesUnder(DIST).filter((f) => f.endsWith('.js') && !f.endsWith('pageWorld.js'));
    expect(scripts.length).toBeGreaterThan(3);
    for (const file of scripts) {
      const offset = readFileSync(file).findIndex((byte) => byte > 0x7f);
      expect(offset, `${file.slice(DIST.length)} has a non-ASCII byte`).toBe(-1);
    }
    // The worker's "·" (a separator it writes into logged text) is there, escaped.
    expect(readFileSync(join(DIST, 'service-worker.js'), 'utf8')).toMatch(/\\u00b7/i);
  });

  test('has InboxSDK’s pageWorld.js, unhashed, at its root', () => {
    const built = readFileSync(join(DIST, 'pageWorld.js'));
    expect(built.equals(readFileSync(join(ROOT, 'node_modules/@inboxsdk/core/pageWorld.js')))).toBe(true);
  });

  test('contains no Gmail double, no bench instrument, no unresolved import, no dev-server references and no remote scripts', () => {
    for (const file of filesUnder(DIST)) {
      const text = readFileSync(file, 'utf8');
      const name = file.slice(DIST.length);
      expect(text.includes(GMAIL_DOUBLE_MARKER), `${name} contains the Gmail double`).toBe(false);
      // The bench's messaging floor (content/bench-ping.ts) is bundled in e2e builds only.
      expect(text.includes(BENCH_PING_EVENT), `${name} listens for the bench's ping`).toBe(false);
      // Nor the woken worker's start note (vite.config.ts, E2E_SCRIPT_STARTED).
      expect(text.includes('__threadlineScriptStartedAt'), `${name} notes the worker's start`).toBe(false);
      // Vite builds an import it cannot resolve (a React library without preact/compat: vite.config.ts)
      // into a script that throws when loaded, instead of failing the build.
      expect(text.includes('Could not resolve'), `${name} has an import that did not resolve`).toBe(false);
      expect(/localhost:5173|@vite\/client|\/@crx\//.test(text), `${name} references the dev server`).toBe(
        false,
      );
      if (file.endsWith('.html')) expect(text, name).not.toMatch(/<script[^>]+src="https?:/);
    }
  });

  test('splits InboxSDK from the content script and reports bundle sizes', () => {
    const sizes = bundleSizes(DIST);
    expect(sizes.inboxSdk.files.some((f) => f.includes('inboxsdk-host'))).toBe(true);
    expect(sizes.contentScript.files.some((f) => f.includes('inboxsdk-host'))).toBe(false);
    // Kept small on purpose: the content script runs in every Gmail tab.
    expect(sizes.contentScript.gzipBytes).toBeLessThan(sizes.inboxSdk.gzipBytes / 10);
    console.log(
      `bundle sizes (gzip bytes): ${JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, v.gzipBytes])))}`,
    );
  });

  // biome-ignore lint/correctness/noEmptyPattern: -- reason: Playwright fixtures are declared by destructuring; this test needs none
  test('loads in Chromium: the worker starts and the options page shows the Limited Use statement', async ({}, testInfo) => {
    const context = await launchWithExtension(testInfo.outputPath('profile'), DIST);
    try {
      const worker = await extensionWorker(context);
      const id = new URL(worker.url()).host;
      type WithChrome = { chrome: { runtime: { getManifest(): { version: string } } } };
      const version = await worker.evaluate(
        () => (globalThis as unknown as WithChrome).chrome.runtime.getManifest().version,
      );
      expect(version).toBe('0.1.0');
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`chrome-extension://${id}/src/options/index.html#privacy`);
      // The statement in both forms (reference/limited-use.md, rule 10), each once, in Privacy & data.
      await expect(page.getByTestId('limited-use')).toHaveText(
        'The use of information received from Google APIs will adhere to the Chrome Web Store User Data Policy, including the Limited Use requirements.',
      );
      await expect(page.getByTestId('limited-use-google')).toHaveText(
        'The use of information received from Google APIs will adhere to the Google User Data Policy, including the Limited Use requirements.',
      );
      await expect(page.getByText('Limited Use requirements')).toHaveCount(2);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
