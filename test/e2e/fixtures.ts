import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BrowserContext,
  test as base,
  chromium,
  type Frame,
  type Page,
  type Worker,
} from '@playwright/test';
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
    ],
  });
}

/** The extension's worker, waiting for it if it has not started (`timeoutMs` 0: no limit). */
export async function extensionWorker(context: BrowserContext, timeoutMs = 0): Promise<Worker> {
  return context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker', { timeout: timeoutMs });
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

/**
 * A spare browser launched longer ago than this is closed, not used: the test starts near a fresh
 * install's time (the worker's first alarm, retention, is due a minute after it starts).
 */
const SPARE_BROWSER_MAX_AGE_MS = 30_000;
/** Browsers readied ahead: a short test (3 s) is over before one launch (5.7 s) has settled. */
const SPARE_BROWSERS = 2;

/** Where Chromium on Linux reads machine policies (admin-policy.spec.ts writes a file there). */
const MANAGED_POLICY_DIR = '/etc/chromium/policies/managed';

/**
 * What a browser reads from the machine and a test may change: the policy folder (its change time
 * moves when a file is added or removed, even one added and removed again while a spare waited,
 * which Chromium may have loaded meanwhile) and each policy file's name, size and change time.
 */
function machinePolicies(): string {
  try {
    const folder = statSync(MANAGED_POLICY_DIR);
    const files = readdirSync(MANAGED_POLICY_DIR)
      .sort()
      .map((name) => {
        const file = statSync(join(MANAGED_POLICY_DIR, name));
        return `${name}:${file.size}:${file.mtimeMs}:${file.ctimeMs}`;
      });
    return [`${folder.mtimeMs}:${folder.ctimeMs}`, ...files].join('|');
  } catch {
    return 'none';
  }
}

interface SpareBrowser {
  context: BrowserContext;
  /** `machinePolicies()` when it was launched. */
  policies: string;
  /** Its profile: removed once the context is closed. */
  dir: string;
  /** When its launch began. */
  launchedAt: number;
}

/**
 * Every test gets a new browser profile and a new CRM server, and both are slow to start: Chromium
 * starts in about 1.5 s, then the worker decides nothing before it has read the policy (ADMIN.md),
 * and Chromium answers its first `chrome.storage.managed` read about 2.4 s later, so a launch settles
 * (welcome page decided) in about 5.7 s; a CRM server starts and seeds in about 1.2 s. The next test's browser and CRM are readied while this test
 * runs, mostly waiting, so the next test starts on them at once. A spare is what the test would have
 * launched itself: a fresh profile with the welcome page closed, a CRM with the default seed. A spare
 * browser whose worker is gone, that is older than SPARE_BROWSER_MAX_AGE_MS, or that started under
 * other machine policy files than there are now is closed instead.
 */
export interface Spares {
  /** A settled spare browser, or null (none readied, or not usable): the test launches its own. */
  takeBrowser(): Promise<SpareBrowser | null>;
  /** A spare CRM speaking `api` with the default seed, or null. */
  takeCrm(api: ServerApiKind): Promise<CrmProcess | null>;
  /** Readies the next tests' browsers (up to SPARE_BROWSERS on their way, launched in turn). */
  readyBrowser(): void;
  /** Readies the next test's CRM speaking `api` (if none is on its way). */
  readyCrm(api: ServerApiKind): void;
}

export async function closeBrowser(spare: SpareBrowser): Promise<void> {
  try {
    await spare.context.close();
  } finally {
    rmSync(spare.dir, { recursive: true, force: true });
  }
}

function createSpares(): Spares & { dispose(): Promise<void> } {
  const browsers: Promise<SpareBrowser | null>[] = [];
  let crm: { api: ServerApiKind; made: Promise<CrmProcess | null> } | null = null;
  /**
   * Closes every spare made, queued or handed to a test (closing twice is harmless): a test whose
   * set-up timed out while it waited for one never reaches its own close.
   */
  const closers = new Set<() => Promise<unknown>>();
  let disposed = false;
  // A spare that fails to start is dropped: the test then starts its own, and sees the error there.
  const launch = async (): Promise<SpareBrowser | null> => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-e2e-profile-'));
    const policies = machinePolicies();
    const launchedAt = Date.now();
    try {
      const spare = { context: await launchWithExtension(dir), policies, dir, launchedAt };
      closers.add(() => closeBrowser(spare));
      if (disposed) await closeBrowser(spare);
      return disposed ? null : spare;
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return null;
    }
  };
  const start = async (api: ServerApiKind): Promise<CrmProcess | null> => {
    const made = await startCrmProcess({ api }).catch(() => null);
    if (made) closers.add(() => made.dispose());
    if (made && disposed) await made.dispose();
    return disposed ? null : made;
  };
  return {
    async takeBrowser() {
      const spare = await browsers.shift();
      if (!spare) return null;
      const alive = spare.context.serviceWorkers().length > 0;
      const young = Date.now() - spare.launchedAt < SPARE_BROWSER_MAX_AGE_MS;
      if (alive && young && spare.policies === machinePolicies()) return spare;
      await closeBrowser(spare).catch(() => undefined);
      return null;
    },
    async takeCrm(api) {
      const spare = crm;
      crm = null;
      if (!spare) return null;
      const made = await spare.made;
      if (made && spare.api === api) return made;
      await made?.dispose().catch(() => undefined);
      return null;
    },
    readyBrowser() {
      // One after another: a launch's first 1.5 s are busy, the rest is waiting for Chromium.
      while (!disposed && browsers.length < SPARE_BROWSERS) {
        const before = browsers.at(-1) ?? Promise.resolve(null);
        browsers.push(before.then(() => (disposed ? null : launch())));
      }
    },
    readyCrm(api) {
      if (!disposed) crm ??= { api, made: start(api) };
    },
    async dispose() {
      disposed = true;
      await Promise.all([crm?.made, ...browsers.splice(0)]);
      crm = null;
      await Promise.allSettled([...closers].map((close) => close()));
      closers.clear();
    },
  };
}

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

/** The browser and CRM the next test will start on, readied while a test runs (one per test worker). */
interface WorkerFixtures {
  spares: Spares;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  crmOptions: [{}, { option: true }],
  crmApi: ['copper', { option: true }],
  welcomeTab: ['close', { option: true }],
  spares: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const spares = createSpares();
      await use(spares);
      await spares.dispose();
    },
    { scope: 'worker' },
  ],
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
  crm: async ({ startCrm, crmOptions, crmApi, spares }, use) => {
    // Only a CRM with the default seed has a spare; `crmOptions` set by a test start their own.
    const plain = Object.keys(crmOptions).length === 0;
    const spare = plain ? await spares.takeCrm(crmApi) : null;
    if (!spare) {
      const own = await startCrm(crmOptions);
      if (plain) spares.readyCrm(crmApi); // after the test's own start, not beside it
      await use(own);
      return;
    }
    spares.readyCrm(crmApi);
    try {
      await use(spare);
    } finally {
      await spare.dispose();
    }
  },
  context: async ({ welcomeTab, spares }, use, testInfo) => {
    // A spare is a fresh profile with the welcome page closed: a test that keeps it launches its own.
    const spare = welcomeTab === 'close' ? await spares.takeBrowser() : null;
    if (spare) {
      spares.readyBrowser();
      try {
        await use(spare.context);
      } finally {
        await closeBrowser(spare);
      }
      return;
    }
    const context = await launchWithExtension(
      testInfo.outputPath('profile'),
      E2E_DIST,
      undefined,
      welcomeTab,
    );
    // After the test's own launch, not beside it: launches that start together slow each other.
    spares.readyBrowser();
    await use(context);
    await context.close();
  },
  extensionId: async ({ context }, use) => {
    const worker = await extensionWorker(context);
    await use(new URL(worker.url()).host);
  },
});
export { expect } from '@playwright/test';
