/**
 * Issue 17's scale curve: the same measures at several CRM sizes, each in a fresh CRM and a fresh
 * browser profile, beside floors measured in the same run, and how each grows against the smallest
 * size. Sizes come from BENCH_SCALE (people; companies, leads and deals are seeded in proportion:
 * people/8, people/10, people/5).
 *
 * What each column is, and how it is measured:
 * - sync s: connect → every entity's first pass done (syncState all `delta`), as the main bench.
 *   Floor: the very requests the sync made (from the server's request log), sent again one after
 *   the other from Node with plain fetch and their bodies parsed: the server's and the network's
 *   share, with no extension (the sync sends its requests one at a time too).
 * - cache B/person and B/record: `navigator.storage.estimate().usage` read in the extension's
 *   service worker (what Chromium counts on disk for the origin: IndexedDB's files, so index
 *   entries, log and compaction slack included), divided by the people cached (companies, leads
 *   and deals included in the bytes, as the issue asks per person), and by every cached row
 *   of people, companies, leads and deals. Beside it, the JSON size of a sample of people rows plus
 *   their index keys: the logical bytes a person costs, which the disk figure can hide in slack.
 * - settled B/person: the same usage after the browser is closed and started again on the same
 *   profile (what stays on the laptop's disk: LevelDB has then written its log into its tables and
 *   compacted what the sync left), read once it stops changing (three equal reads 2 s apart, at most
 *   40 s).
 * - worker heap MB: V8's used heap of the extension's service worker after a forced garbage
 *   collection (CDP `HeapProfiler.collectGarbage` then `Runtime.getHeapUsage` on the worker's
 *   target), read right after the sync: what the worker keeps, not what it churned through.
 * - lookup p95 ms: one `people.emailKeys` index get for each of 200 random cached addresses, in
 *   the worker. Floor: the same index get on a table of a few rows (`users.emailKey`), so what
 *   grows with size shows as the ratio.
 * - time-to-card p95 ms: warm opens of two threads, the card in the sidebar's DOM (the main bench's
 *   measure). Floor: the messaging floor (a constant payload over the same path), same run.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { connectThroughOptions } from '../test/e2e/connect';
import { type CrmProcess, startCrm } from '../test/e2e/crm-process';
import {
  extensionWorker,
  GMAIL_URL,
  launchWithExtension,
  relaunchWithExtension,
  routeGmail,
  sidebarFrame,
} from '../test/e2e/fixtures';
import { demoFixture } from '../test/gmail-double/fixture';
import {
  admin,
  closeThread,
  indexedLookupFloor,
  pingAndMeasure,
  round,
  stats,
  type Timing,
  waitForSync,
  warmOpensOn,
  warmUntilQuiet,
} from './browser-measures';

export interface ScalePoint {
  people: number;
  records: number;
  seedSeconds: number;
  sync: { seconds: number; requests: number; floorSeconds: number; ratioToFloor: number };
  cache: {
    usageBytes: number;
    bytesPerPerson: number;
    settledUsageBytes: number;
    settledBytesPerPerson: number;
    bytesPerRecord: number;
    rows: Record<string, number>;
    sampledPersonRowJsonBytes: number;
    sampledPersonIndexKeyBytes: number;
  };
  workerHeap: { usedBytes: number; totalBytes: number } | null;
  lookupMs: { p50: number; p95: number; floorP95: number; ratioToFloor: number };
  timeToCardMs: { p50: number; p95: number; floorP95: number; ratioToFloor: number };
}

/** The sizes to run: BENCH_SCALE=10000,100000,500000, or `fallback`. */
export function scaleSizes(fallback: number[]): number[] {
  const given = process.env.BENCH_SCALE;
  if (!given) return fallback;
  return given
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Sends again, one after the other, every read the sync made; seconds taken. */
async function replayFloor(crm: CrmProcess, log: { method: string; url: string; body: string }[]) {
  const base = new URL(crm.baseUrl).pathname;
  const reads = log.filter(
    (r) => r.url.startsWith(base) && (r.method === 'GET' || (r.method === 'POST' && /\/search$/.test(r.url))),
  );
  const started = performance.now();
  for (const r of reads)
    await crm.api(r.method, r.url.slice(base.length), r.body === '' ? undefined : JSON.parse(r.body));
  return { seconds: (performance.now() - started) / 1000, requests: reads.length };
}

/** Used V8 heap of the extension's service worker after a forced GC, through its CDP target. */
async function workerHeap(
  context: BrowserContext,
  page: Page,
): Promise<{ usedBytes: number; totalBytes: number } | null> {
  const cdp = await context.newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'),
    );
    if (!target) return null;
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    const replies = new Map<number, (result: unknown) => void>();
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      const message = JSON.parse(event.message) as { id?: number; result?: unknown };
      if (message.id !== undefined) replies.get(message.id)?.(message.result);
    });
    let next = 0;
    const call = (method: string): Promise<unknown> => {
      next += 1;
      const id = next;
      const reply = new Promise<unknown>((resolve) => replies.set(id, resolve));
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
      return reply;
    };
    await call('HeapProfiler.enable');
    await call('HeapProfiler.collectGarbage');
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    await cdp.send('Target.detachFromTarget', { sessionId });
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  } catch (error) {
    console.warn('worker heap not read:', error);
    return null;
  } finally {
    await cdp.detach();
  }
}

/** Rows per cached table, and the JSON size of a sample of people rows and of their index keys. */
async function cacheFacts(worker: Worker) {
  return worker.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('threadline');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows: Record<string, number> = {};
    for (const name of ['people', 'companies', 'leads', 'opportunities', 'activities']) {
      if (!db.objectStoreNames.contains(name)) continue;
      rows[name] = await new Promise<number>((resolve) => {
        const request = db.transaction(name).objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
      });
    }
    const store = db.transaction('people').objectStore('people');
    const sample = await new Promise<unknown[]>((resolve) => {
      const request = store.getAll(null, 1000);
      request.onsuccess = () => resolve(request.result);
    });
    // Every index of the store: its key path's values per row, each stored with the primary key.
    const indexPaths = [...store.indexNames].map((n) => store.index(n).keyPath);
    const primary = store.keyPath;
    let json = 0;
    let keys = 0;
    // No named inner functions here: tsx would wrap them in a helper that does not exist in the page.
    for (const row of sample as Record<string, unknown>[]) {
      json += JSON.stringify(row).length;
      const primaryBytes = JSON.stringify(
        typeof primary === 'string' ? row[primary] : (primary as string[]).map((p) => row[p]),
      ).length;
      for (const path of indexPaths) {
        const value = typeof path === 'string' ? row[path] : (path as string[]).map((p) => row[p]);
        const entries = Array.isArray(value) && typeof path === 'string' ? value : [value];
        for (const entry of entries)
          if (entry !== undefined && entry !== null) keys += JSON.stringify(entry).length + primaryBytes;
      }
    }
    db.close();
    const usage = (await navigator.storage.estimate()).usage ?? 0;
    const n = Math.max(1, sample.length);
    return { rows, usage, rowJson: json / n, indexKeys: keys / n };
  });
}

/** The origin's usage after a browser restart on `profileDir`, once it stops changing. */
async function settledUsage(profileDir: string): Promise<number> {
  const context = await relaunchWithExtension(profileDir);
  try {
    const worker = await extensionWorker(context);
    const reads: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 40_000) {
      reads.push(await worker.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0));
      const last = reads.slice(-3);
      if (last.length === 3 && last.every((u) => u === last[0])) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return reads[reads.length - 1] ?? 0;
  } finally {
    await context.close();
  }
}

async function measureSize(people: number, profile: () => string, opens: number): Promise<ScalePoint> {
  const [pricing, intro] = demoFixture.threads;
  const seedStarted = Date.now();
  const crm = await startCrm({ people });
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const profileDir = profile();
  const context = await launchWithExtension(profileDir);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    await connectThroughOptions(context, extensionId, crm, 100_000);
    await routeGmail(context);
    const page = await context.newPage();
    const syncStart = Date.now();
    await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId ?? ''}`);
    const frame = await sidebarFrame(page, extensionId);
    await waitForSync(context, 60 * 60_000);
    const syncSeconds = (Date.now() - syncStart) / 1000;
    const log = (await admin(crm, '/requests')) as { method: string; url: string; body: string }[];
    const heap = await workerHeap(context, page);
    const floor = await replayFloor(crm, log);

    // Time-to-card against the messaging floor, warm: the floor, then the opens, in blocks (the main
    // section now measures each open beside its floors: its ratios are not comparable with these).
    await closeThread(page, frame);
    const targets = [
      { id: pricing?.threadId ?? '', address: 'alice.doe@acme.test' },
      { id: intro?.threadId ?? '', address: 'carol.chen@globex.test' },
    ];
    await warmUntilQuiet(crm, page, frame, targets);
    const pings: Timing[] = [];
    for (let i = 0; i < opens * 2; i += 1) {
      const t = await pingAndMeasure(page, frame, i + 1);
      if (i >= opens) pings.push(t); // the first half warms up
    }
    await closeThread(page, frame);
    const warm = await warmOpensOn(page, frame, targets, opens);

    // Lookups of random cached addresses against the same get on a table of a few rows.
    const live = context.serviceWorkers()[0];
    if (!live) throw new Error('no worker');
    // From the middle of what the sync read: Copper's search window is 100,000 records, and people
    // are read newest first (copper-client.ts), so beyond it only the newest 100,000 are cached.
    const sample = (
      await crm.api('POST', '/people/search', {
        page_size: 200,
        page_number: Math.max(1, Math.floor(Math.min(people, 100_000) / 400)),
        sort_by: 'date_modified',
        sort_direction: 'desc',
      })
    ).body as { emails: { email: string }[] }[];
    const addresses = sample.map((p) => (p.emails[0]?.email ?? '').toLowerCase()).filter(Boolean);
    const lookups = stats(await indexedLookupFloor(live, addresses, demoFixture.account));
    const lookupFloor = stats(await tinyTableLookups(live, addresses.length));

    const facts = await cacheFacts(live);
    const records =
      (facts.rows.people ?? 0) +
      (facts.rows.companies ?? 0) +
      (facts.rows.leads ?? 0) +
      (facts.rows.opportunities ?? 0);
    const card = stats(warm.map((x) => x.dom));
    const msg = stats(pings.map((x) => x.dom));
    await context.close(); // closing twice (again in `finally`) is harmless
    const settled = await settledUsage(profileDir);
    return {
      people,
      records,
      seedSeconds: round(seedSeconds, 1),
      sync: {
        seconds: round(syncSeconds, 1),
        requests: floor.requests,
        floorSeconds: round(floor.seconds, 1),
        ratioToFloor: round(syncSeconds / floor.seconds),
      },
      cache: {
        usageBytes: facts.usage,
        bytesPerPerson: Math.round(facts.usage / Math.max(1, facts.rows.people ?? 0)),
        settledUsageBytes: settled,
        settledBytesPerPerson: Math.round(settled / Math.max(1, facts.rows.people ?? 0)),
        bytesPerRecord: Math.round(facts.usage / Math.max(1, records)),
        rows: facts.rows,
        sampledPersonRowJsonBytes: Math.round(facts.rowJson),
        sampledPersonIndexKeyBytes: Math.round(facts.indexKeys),
      },
      workerHeap: heap,
      lookupMs: {
        p50: lookups.p50,
        p95: lookups.p95,
        floorP95: lookupFloor.p95,
        ratioToFloor: round(lookups.p95 / lookupFloor.p95),
      },
      timeToCardMs: {
        p50: card.p50,
        p95: card.p95,
        floorP95: msg.p95,
        ratioToFloor: round(card.p95 / msg.p95),
      },
    };
  } finally {
    await context.close();
    await crm.dispose();
  }
}

/** The lookup floor: `n` index gets of the same kind on the `users` table (a few rows). */
async function tinyTableLookups(worker: Worker, n: number): Promise<number[]> {
  return worker.evaluate(async (count) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('threadline');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const request = db.transaction('users').objectStore('users').index('emailKey').getAllKeys();
      request.onsuccess = () => resolve(request.result);
    });
    const all = await new Promise<{ emailKey: string }[]>((resolve) => {
      const request = db.transaction('users').objectStore('users').getAll();
      request.onsuccess = () => resolve(request.result as { emailKey: string }[]);
    });
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const key = all[i % Math.max(1, all.length)]?.emailKey ?? String(keys[0] ?? '');
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const request = db.transaction('users').objectStore('users').index('emailKey').get(key);
        request.onsuccess = () => resolve();
      });
      times.push(performance.now() - t0);
    }
    db.close();
    return times;
  }, n);
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
const growth = (value: number, base: number | undefined) => (base ? `${round(value / base, 1)}×` : '—');

/** Runs every size in turn; prints the table and returns the points for latest.json. */
export async function scaleCurve(
  sizes: number[],
  profile: () => string,
  opens: number,
): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const people of sizes) {
    console.log(`scale curve: ${people} people…`);
    const point = await measureSize(people, profile, opens);
    console.log(JSON.stringify(point)); // each size as it finishes: a long run shows progress
    points.push(point);
  }
  const base = points[0];
  console.log('\nScale curve (issue 17). Growth is against the first size; floors are from the same run.');
  console.table(
    points.map((p) => ({
      people: p.people,
      'people cached': p.cache.rows.people ?? 0,
      records: p.records,
      'seed s': p.seedSeconds,
      'sync s (÷ floor)': `${p.sync.seconds} (${p.sync.ratioToFloor}× of ${p.sync.floorSeconds})`,
      'sync growth': growth(p.sync.seconds, base?.sync.seconds),
      'cache MB': mb(p.cache.usageBytes),
      'B/person': p.cache.bytesPerPerson,
      'settled B/person': p.cache.settledBytesPerPerson,
      'B/record': p.cache.bytesPerRecord,
      'row+keys B (sample)': p.cache.sampledPersonRowJsonBytes + p.cache.sampledPersonIndexKeyBytes,
      'worker heap MB': p.workerHeap ? mb(p.workerHeap.usedBytes) : 'n/a',
      'heap growth':
        p.workerHeap && base?.workerHeap ? growth(p.workerHeap.usedBytes, base.workerHeap.usedBytes) : '—',
      'lookup p95 ms (÷ floor)': `${p.lookupMs.p95} (${p.lookupMs.ratioToFloor}×)`,
      'lookup growth': growth(p.lookupMs.p95, base?.lookupMs.p95),
      'card p95 ms (÷ floor)': `${p.timeToCardMs.p95} (${p.timeToCardMs.ratioToFloor}×)`,
      'card growth': growth(p.timeToCardMs.p95, base?.timeToCardMs.p95),
    })),
  );
  return points;
}
