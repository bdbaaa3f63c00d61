import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type BrowserContext,
  test as base,
  chromium,
  type Frame,
  type Page,
  type Worker,
} from '@playwright/test';
import { DEBUG_SWITCH } from '../../src/shared/logger';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { renderGmailDouble } from '../gmail-double/render-page';
import type { ServerApiKind } from './crm-probe';
import { type CrmProcess, startCrm as startCrmProcess } from './crm-process';

export const E2E_DIST = fileURLToPath(new URL('../../dist-e2e', import.meta.url));
export const GMAIL_URL = 'https://mail.google.com/mail/u/0/';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/lib/chromium/chromium'];
  const found = candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
  if (!found)
    throw new Error(
      'Chromium not found: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)',
    );
  return found;
}

/** What a fresh install does with the welcome tab it opens (src/background/welcome.ts). */
export type WelcomeTab = 'close' | 'keep';

export async function launchWithExtension(
  profileDir: string,
  dist = E2E_DIST,
  /** The browser's UI language (what chrome.i18n picks messages for), e.g. "de". */
  lang?: string,
  /**
   * A fresh profile installs the extension, which opens its welcome page once. Tests that are not
   * about it get it closed ('close', the default) so every test starts with no tab of ours open;
   * either way this returns only after the worker has decided (opened, or skipped under policy).
   */
  welcome: WelcomeTab = 'close',
): Promise<BrowserContext> {
  const context = await launchBrowser(profileDir, dist, lang);
  try {
    await settleWelcome(context, welcome);
  } catch (error) {
    await context.close().catch(() => undefined); // no browser is left running behind the error
    throw error;
  }
  return context;
}

/**
 * Starts the browser again on a profile that already has the extension (a browser restart): no
 * install, so no welcome decision to wait for.
 */
export async function relaunchWithExtension(profileDir: string, dist = E2E_DIST): Promise<BrowserContext> {
  return launchBrowser(profileDir, dist, undefined);
}

export const WELCOME_PATH = '/src/welcome/index.html';
export const isWelcome = (page: Page): boolean => page.url().includes(WELCOME_PATH);

/**
 * Waits for the install's welcome decision (the worker keeps it in storage.session; waited for as a
 * storage event, not polled), then closes the welcome tab unless it is kept.
 */
async function settleWelcome(context: BrowserContext, welcome: WelcomeTab): Promise<void> {
  // Bounded like the decision's own wait below: a worker that never starts fails the launch.
  const worker = await extensionWorker(context, 20_000);
  type Area = { get(key: string): Promise<Record<string, unknown>> };
  type Changes = Record<string, { newValue?: unknown }>;
  type WithChrome = {
    chrome: {
      storage: {
        session: Area;
        onChanged: { addListener(l: (changes: Changes, area: string) => void): void };
      };
    };
  };
  const decided = worker.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const { storage } = (globalThis as unknown as WithChrome).chrome;
        storage.onChanged.addListener((changes, area) => {
          if (area === 'session' && changes.welcome?.newValue !== undefined)
            resolve(changes.welcome.newValue);
        });
        void storage.session.get('welcome').then((v) => v.welcome !== undefined && resolve(v.welcome));
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the worker never decided about the welcome page')), 20_000);
  });
  const state = await Promise.race([decided, timeout]).finally(() => clearTimeout(timer));
  if (state !== 'opened') return;
  // tabs.create has resolved in the worker; Playwright may learn of the page a moment later.
  let page = context.pages().find(isWelcome);
  while (!page) {
    const next = await context.waitForEvent('page', { timeout: 10_000 });
    await next.waitForLoadState('domcontentloaded');
    if (isWelcome(next)) page = next;
  }
  if (welcome === 'close') await page.close();
}

/**
 * Chromium runs no BEST_EFFORT task until it calls its start-up complete, and its policy loader's
 * reload is one; `chrome.storage.managed` answers nothing before the policy is loaded, so the
 * worker's first policy read (and with it the welcome decision and every first answer) waited for
 * it. Headless, with Playwright's blank tab, start-up completed about 3 s after launch: the first
 * managed answer came 4.2-4.4 s after the launch call. With Chromium's
 * ImprovedStartupBestEffortDelay and its visible-tab wait set to 0 (start-up still waits for the
 * first paint), it came at 1.6-1.8 s (Chromium 156; an unknown feature or parameter is silently
 * ignored, and the launch is then as slow as before). The extension's code is unchanged and its
 * policy read still comes first; it answers sooner, as in a browser whose start-up was long over
 * when the extension was installed. A browser that starts with Gmail open still holds the read
 * until Gmail's tab has loaded: no test covers that wait.
 *
 * Chromium keeps only the last `--enable-features`, so this one repeats Playwright's own
 * (`chromiumSwitches` in playwright-core): without CDPScreenshotNewSurface, full-page screenshots
 * of our pages hung.
 */
const ENABLE_FEATURES = `--enable-features=${[
  'CDPScreenshotNewSurface',
  'SkipListAccountsWithoutGaiaCookies',
  'ImprovedStartupBestEffortDelay:StartupDelayVisibleTabTimeout/0s',
].join(',')}`;

async function launchBrowser(profileDir: string, dist: string, lang: string | undefined) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    ...(lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang, LANG: `${lang}.UTF-8` } } : {}),
    args: [
      ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ENABLE_FEATURES,
    ],
  });
}

/** The extension's worker, waiting for it if it has not started (`timeoutMs` 0: no limit). */
export async function extensionWorker(context: BrowserContext, timeoutMs = 0): Promise<Worker> {
  return context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker', { timeout: timeoutMs });
}

/**
 * Lets the worker's debug lines reach its console (src/shared/logger.ts): on the running worker, and
 * on each one started later (a stopped worker's switch goes with it).
 */
export async function workerDebugOn(context: BrowserContext): Promise<void> {
  const on = (worker: Worker) =>
    worker
      .evaluate((name) => {
        (globalThis as Record<string, unknown>)[name] = true;
      }, DEBUG_SWITCH)
      .catch(() => undefined); // a worker that stopped meanwhile: its successor gets it
  context.on('serviceworker', (worker) => void on(worker));
  await on(await extensionWorker(context));
}

/** Serves the Gmail double for every https://mail.google.com/ document. */
export async function routeGmail(
  context: BrowserContext,
  fixture: GmailDoubleFixture = demoFixture,
): Promise<void> {
  const html = renderGmailDouble(fixture);
  await context.route('https://mail.google.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
}

export async function sidebarFrame(page: Page, extensionId: string): Promise<Frame> {
  const prefix = `chrome-extension://${extensionId}/src/sidebar/index.html`;
  const isSidebar = (f: Frame) => f.url().startsWith(prefix);
  const iframe = page.locator('iframe[data-threadline="sidebar"]');
  await iframe.waitFor({ state: 'attached' });
  // Listen before looking, so a navigation between the two is not missed.
  const navigated = page.waitForEvent('framenavigated', { predicate: isSidebar, timeout: 10_000 });
  const loaded = page.frames().find(isSidebar);
  if (loaded) {
    navigated.catch(() => undefined); // not needed: the frame is already there
    return loaded;
  }
  return navigated.catch(() => {
    throw new Error('sidebar iframe did not load');
  });
}

/** Stops every service worker of the profile (CDP), as Chrome does to an idle worker. */
export async function stopServiceWorkers(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

export type CrmOptions = NonNullable<Parameters<typeof startCrmProcess>[0]>;

interface Fixtures {
  context: BrowserContext;
  extensionId: string;
  /**
   * The repo's CRM server in its own process (test/e2e/crm-process.ts) with a fresh seeded database,
   * started when a test asks for it and disposed after the test, whatever the test did to it
   * (`crm.stop()` / `crm.start()` are fine). Seeding and flags: `test.use({ crmOptions: … })`.
   */
  crm: CrmProcess;
  /** How the `crm` fixture starts the server: `{ people, extraArgs }` (default: 300 people). */
  crmOptions: CrmOptions;
  /**
   * Which API the CRM servers of this run speak: set per Playwright project (playwright.config.ts),
   * so the specs of the core flows run once against each CRM.
   */
  crmApi: ServerApiKind;
  /** The welcome tab a fresh install opens: closed before the test (default) or kept (`test.use`). */
  welcomeTab: WelcomeTab;
  /**
   * Starts more CRM servers, or one with options chosen inside the test; every server it started is
   * disposed after the test.
   */
  startCrm: (options?: CrmOptions) => Promise<CrmProcess>;
}

export const test = base.extend<Fixtures>({
  crmOptions: [{}, { option: true }],
  crmApi: ['copper', { option: true }],
  welcomeTab: ['close', { option: true }],
  startCrm: async ({ crmApi }, use) => {
    const started: CrmProcess[] = [];
    await use(async (options) => {
      const crm = await startCrmProcess({ api: crmApi, ...options });
      started.push(crm);
      return crm;
    });
    const stopped = await Promise.allSettled(started.map((crm) => crm.dispose()));
    const failed = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  },
  crm: async ({ startCrm, crmOptions }, use) => {
    await use(await startCrm(crmOptions));
  },
  context: async ({ welcomeTab }, use, testInfo) => {
    const context = await launchWithExtension(
      testInfo.outputPath('profile'),
      E2E_DIST,
      undefined,
      welcomeTab,
    );
    await use(context);
    await context.close();
  },
  extensionId: async ({ context }, use) => {
    const worker = await extensionWorker(context);
    await use(new URL(worker.url()).host);
  },
});
export { expect } from '@playwright/test';
