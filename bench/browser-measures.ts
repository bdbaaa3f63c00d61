/**
 * What the benchmarks measure in the browser, shared by run-bench.ts and its scale curve (issue 17):
 * statistics, the CRM's admin API, waiting for the initial sync, timing a card into the sidebar, and
 * the floors those figures are compared with.
 */
import { spawn } from 'node:child_process';
import type { BrowserContext, Frame, Page, Worker } from '@playwright/test';
import { expect } from '@playwright/test';
import { accountKey as emailKey } from '../src/db/key-prefix';
import type { CrmProcess } from '../test/e2e/crm-process';
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
export const stats = (values: number[]) => ({
  n: values.length,
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  max: round(Math.max(...values)),
});

export async function admin(crm: CrmProcess, path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${crm.origin}/__admin${path}`, {
    ...init,
    headers: { 'X-Admin-Token': crm.adminToken, 'Content-Type': 'application/json' },
  });
  return response.json();
}

/** Every entity of the account has finished its first pass. */
export async function syncDone(worker: Worker): Promise<boolean> {
  return worker.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('threadline');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = await new Promise<{ phase: string }[]>((resolve) => {
      const request = db.transaction('syncState').objectStore('syncState').getAll();
      request.onsuccess = () => resolve(request.result as { phase: string }[]);
    });
    db.close();
    return rows.length >= 8 && rows.every((r) => r.phase === 'delta');
  });
}

export async function waitForSync(context: BrowserContext, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const worker = context.serviceWorkers()[0];
    if (worker && (await syncDone(worker).catch(() => false))) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error('sync did not finish in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Resolves in the sidebar frame when `selector` is in the DOM: when it got there, and the next frame. */
export function whenShown(frame: Frame, selector: string): Promise<{ dom: number; painted: number }> {
  // No named inner functions here: tsx would wrap them in a helper that does not exist in the page.
  return frame.evaluate(
    (wanted) =>
      new Promise<{ dom: number; painted: number }>((resolve) => {
        const observer = new MutationObserver(() => {
          if (!document.querySelector(wanted)) return;
          observer.disconnect();
          const dom = performance.timeOrigin + performance.now();
          requestAnimationFrame(() => resolve({ dom, painted: performance.timeOrigin + performance.now() }));
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      }),
    selector,
  );
}

export interface Timing {
  dom: number;
  painted: number;
}

/** A time in the sidebar (`whenShown`) as ms after `from`, on the same wall clock. */
const since = (at: Timing, from: number): Timing => ({ dom: at.dom - from, painted: at.painted - from });

/** The benchmark pong numbered `seq` shown in the sidebar (src/sidebar/app.tsx, `BenchPong`). */
const pongShown = (frame: Frame, seq: number) =>
  whenShown(frame, `[data-testid="bench-pong"][data-seq="${seq}"]`);

/** Opens `threadId`: ms from the thread-open event to the person card in the sidebar's DOM, and painted. */
export async function openAndMeasure(
  page: Page,
  frame: Frame,
  threadId: string,
  address: string,
): Promise<Timing> {
  const shown = whenShown(
    frame,
    `[data-testid="contact-card"][data-address="${address}"][data-state="person"]`,
  );
  await page.evaluate((id) => {
    location.hash = `#inbox/${id}`;
  }, threadId);
  const at = await shown;
  const openedAt = Number(await page.evaluate(() => document.documentElement.dataset.threadlineOpenedAt));
  return since(at, openedAt);
}

/** Where a woken worker's time went, from the note its e2e build makes at its first statement. */
export interface WokenSplit {
  /** From the worker's creation to its first statement: Chromium loading the script (ms). */
  loadMs: number;
  /** From the thread-open event to that statement; negative when the sidebar's reconnect woke it earlier. */
  fromOpenMs: number;
}

/**
 * For a woken worker's open just measured: when the new worker was created and when its first
 * statement ran (the e2e build notes it: vite.config.ts), on the wall clock the page's open uses.
 * Null if no worker started after `stoppedAt` says (a worker that was not replaced is not counted).
 */
export async function wokenSplit(
  context: BrowserContext,
  page: Page,
  extensionId: string,
  stoppedAt: number,
): Promise<WokenSplit | null> {
  const openedAt = Number(await page.evaluate(() => document.documentElement.dataset.threadlineOpenedAt));
  for (const worker of context.serviceWorkers().filter((w) => new URL(w.url()).host === extensionId)) {
    const noted = await worker
      .evaluate(() => ({
        createdAt: performance.timeOrigin,
        startedAt: (globalThis as { __threadlineScriptStartedAt?: unknown }).__threadlineScriptStartedAt,
      }))
      .catch(() => null);
    if (!noted || typeof noted.startedAt !== 'number' || noted.createdAt < stoppedAt) continue;
    if (!Number.isFinite(openedAt)) return null;
    return { loadMs: noted.startedAt - noted.createdAt, fromOpenMs: noted.startedAt - openedAt };
  }
  return null;
}

/**
 * The messaging floor: the page asks the content script to send `benchPing`, the worker echoes a
 * constant to the sidebar, which renders it. The same path a thread open takes, with no work on it.
 */
export async function pingAndMeasure(page: Page, frame: Frame, seq: number): Promise<Timing> {
  const shown = pongShown(frame, seq);
  const sentAt = await page.evaluate((n) => {
    document.documentElement.dataset.threadlinePing = String(n);
    const at = performance.timeOrigin + performance.now();
    window.dispatchEvent(new Event('threadline-bench-ping'));
    return at;
  }, seq);
  const at = await shown;
  return since(at, sentAt);
}

/**
 * The same floor sent right behind a same-document navigation (a URL fragment change, as Gmail makes
 * on every thread open) that opens no thread: what the browser's own navigation work adds to any
 * extension message from the tab. Measured because a thread open always pays it (issue 12).
 */
export async function navigatingPingAndMeasure(page: Page, frame: Frame, seq: number): Promise<Timing> {
  const shown = pongShown(frame, seq);
  const sentAt = await page.evaluate((n) => {
    const at = performance.timeOrigin + performance.now();
    location.hash = `#inbox?floor=${n}`;
    document.documentElement.dataset.threadlinePing = String(n);
    window.dispatchEvent(new Event('threadline-bench-ping'));
    return at;
  }, seq);
  const at = await shown;
  return since(at, sentAt);
}

/**
 * The same floor sent at the moment the Gmail double announces a thread (test/gmail-double/
 * double-host.ts: in its `hashchange` listener), from a `hashchange` listener of the page, and timed
 * from that event, as the time-to-card is timed from the thread-open event: what a navigation
 * leaves of the machine to a message sent right behind it, with no work of ours (issue 12). A lower
 * bound for an open rather than an open: the double shows no thread for this hash, so the page's
 * frame for a thread view is not in it.
 */
export async function atOpenPingAndMeasure(page: Page, frame: Frame, seq: number): Promise<Timing> {
  const shown = pongShown(frame, seq);
  await page.evaluate((n) => {
    const root = document.documentElement;
    window.addEventListener(
      'hashchange',
      () => {
        root.dataset.threadlinePingAt = String(performance.timeOrigin + performance.now());
        root.dataset.threadlinePing = String(n);
        window.dispatchEvent(new Event('threadline-bench-ping'));
      },
      { once: true },
    );
    location.hash = `#inbox?opening=${n}`;
  }, seq);
  const at = await shown;
  const sentAt = Number(await page.evaluate(() => document.documentElement.dataset.threadlinePingAt));
  return since(at, sentAt);
}

/** Warm opens alternating between targets: the card in the DOM and painted, per open. */
export async function warmOpensOn(
  page: Page,
  frame: Frame,
  targets: { id: string; address: string }[],
  opens: number,
): Promise<Timing[]> {
  const out: Timing[] = [];
  for (let i = 0; i < opens; i += 1) {
    const t = targets[i % targets.length];
    if (!t) break;
    out.push(await openAndMeasure(page, frame, t.id, t.address));
    await closeThread(page, frame);
  }
  return out;
}

/**
 * Warm opens, each beside its floors: the constant ping, the same ping behind a same-document
 * navigation, and the same ping at the double's thread-open moment. Taken in the same moments, so
 * each ratio compares like with like while the machine's load drifts within a run (issue 12):
 * measured in blocks one after the other, the same build's ratio moved between runs more than any
 * change made to it. Their order within a round follows `ORDERS`, a balanced Latin square: over
 * every four rounds each measure comes at each place once and right after each other one once, so
 * each floor follows an open (whose background work, such as auto-logging's check, is not waited
 * for) as often as the others do.
 */
const ORDERS = [
  [0, 1, 3, 2],
  [1, 2, 0, 3],
  [2, 3, 1, 0],
  [3, 0, 2, 1],
] as const;

export async function opensBesideFloors(
  page: Page,
  frame: Frame,
  targets: { id: string; address: string }[],
  opens: number,
  nextSeq: () => number,
): Promise<{ floor: Timing[]; navigatingFloor: Timing[]; atOpenFloor: Timing[]; warm: Timing[] }> {
  const floor: Timing[] = [];
  const navigatingFloor: Timing[] = [];
  const atOpenFloor: Timing[] = [];
  const warm: Timing[] = [];
  for (let i = 0; i < opens; i += 1) {
    const t = targets[i % targets.length];
    if (!t) break;
    const measures = [
      async () => floor.push(await pingAndMeasure(page, frame, nextSeq())),
      async () => navigatingFloor.push(await navigatingPingAndMeasure(page, frame, nextSeq())),
      async () => atOpenFloor.push(await atOpenPingAndMeasure(page, frame, nextSeq())),
      async () => {
        warm.push(await openAndMeasure(page, frame, t.id, t.address));
        await closeThread(page, frame);
      },
    ];
    for (const k of ORDERS[i % ORDERS.length] ?? []) await measures[k]?.();
  }
  return { floor, navigatingFloor, atOpenFloor, warm };
}

/** Keeps one core busy in another process until stopped (the "machine busy" figures). */
export function cpuHog(): { stop(): void } {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  return { stop: () => void child.kill('SIGKILL') };
}

export async function closeThread(page: Page, frame: Frame): Promise<void> {
  await page.evaluate(() => {
    location.hash = '#inbox';
  });
  await expect(frame.getByTestId('empty-state')).toBeVisible();
}

/**
 * One `people.emailKeys` index get per address in the worker, keyed as the cache keys them
 * (src/db/key-prefix.ts). Every address must be cached: a lookup that misses measures nothing.
 */
export async function indexedLookupFloor(
  worker: Worker,
  addresses: string[],
  account: string,
): Promise<number[]> {
  const { times, misses } = await worker.evaluate(
    async ({ keys }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('threadline');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const times: number[] = [];
      let misses = 0;
      for (const key of keys) {
        const t0 = performance.now();
        const found = await new Promise<unknown>((resolve) => {
          const request = db.transaction('people').objectStore('people').index('emailKeys').get(key);
          request.onsuccess = () => resolve(request.result);
        });
        times.push(performance.now() - t0);
        if (found === undefined) misses += 1;
      }
      db.close();
      return { times, misses };
    },
    { keys: addresses.map((a) => emailKey(account, a)) },
  );
  if (misses > 0) throw new Error(`${misses} of ${addresses.length} looked-up addresses are not cached`);
  return times;
}

/**
 * Warm means the cache answers everything: opens the targets until a round of opens sends nothing to
 * the CRM (card checks, activity fetches and the sweep after a sync are done), so the figures measure
 * the hot path, not background work that happens to overlap it.
 */
export async function warmUntilQuiet(
  crm: CrmProcess,
  page: Page,
  frame: Frame,
  targets: { id: string; address: string }[],
): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await admin(crm, '/requests', { method: 'DELETE' });
    for (const t of targets)
      await openAndMeasure(page, frame, t.id, t.address).then(() => closeThread(page, frame));
    if (((await admin(crm, '/requests')) as unknown[]).length === 0) break;
  }
}
