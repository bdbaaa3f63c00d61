/**
 * `npm run bench`: Threadline's performance goals, measured in the real browser against the local
 * CRM server (issue 4). Prints a table and writes bench/results/latest.json. No time limits here:
 * these are measurements to compare between runs, not pass/fail tests.
 *
 * BENCH_PEOPLE (default 100000) sizes the CRM; BENCH_OPENS (default 200) the samples of each timed
 * case of issue 12 (thread opens, floors, woken-worker opens; half as many inbox loads for the badges):
 * a p95 of 50 samples is their third worst, and moved by more than the changes it was to judge;
 * BENCH_SKIP_LIMITED=1 skips the ~3-minute sync under Copper's 180 requests/minute;
 * BENCH_SKIP_HUBSPOT=1 skips HubSpot's initial sync at the Free tier's 100 requests per 10 s
 * (a few minutes for 100,000 contacts); BENCH_ONLY=hubspot runs that section alone.
 * The scale curve (issue 17, bench/scale-curve.ts) runs last at 10,000 and 100,000 people;
 * BENCH_SCALE=10000,100000,500000 picks the sizes, BENCH_ONLY=scale runs it alone (at 10,000,
 * 100,000 and 500,000 unless BENCH_SCALE says otherwise), BENCH_SKIP_SCALE=1 skips it;
 * BENCH_SCALE_OPENS (default 50) the warm opens at each size.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { connectThroughOptions } from '../test/e2e/connect';
import { startCrm } from '../test/e2e/crm-process';
import {
  E2E_DIST,
  GMAIL_URL,
  launchWithExtension,
  routeGmail,
  sidebarFrame,
  stopServiceWorkers,
} from '../test/e2e/fixtures';
import { linkWithConsent, markedActivities, personIdOf } from '../test/e2e/open-thread';
import { demoFixture, type GmailDoubleFixture, longThreadFixture } from '../test/gmail-double/fixture';
import {
  admin,
  closeThread,
  cpuHog,
  indexedLookupFloor,
  openAndMeasure,
  opensBesideFloors,
  pingAndMeasure,
  round,
  stats,
  type Timing,
  waitForSync,
  warmUntilQuiet,
  wokenSplit,
} from './browser-measures';
import { scaleCurve, scaleSizes } from './scale-curve';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const OPENS = Number(process.env.BENCH_OPENS ?? 200);
/** The scale curve's warm opens at each size (BENCH_SCALE_OPENS). */
const SCALE_OPENS = Number(process.env.BENCH_SCALE_OPENS ?? 50);
const SKIP_LIMITED = process.env.BENCH_SKIP_LIMITED === '1';
const SKIP_HUBSPOT = process.env.BENCH_SKIP_HUBSPOT === '1';
/** BENCH_ONLY=hubspot runs only HubSpot's section (its results are merged into latest.json). */
const LATEST = 'bench/results/latest.json';
const ONLY_HUBSPOT = process.env.BENCH_ONLY === 'hubspot';
/** BENCH_ONLY=scale runs only the scale curve (issue 17), by default at 10,000, 100,000 and 500,000 people. */
const ONLY_SCALE = process.env.BENCH_ONLY === 'scale';
const SKIP_SCALE = process.env.BENCH_SKIP_SCALE === '1';
const FULL_CURVE = [10_000, 100_000, 500_000];
/** The full bench stops the curve at 100,000: 500,000 adds about 15 minutes (seeding + sync). */
const DEFAULT_CURVE = [10_000, 100_000];

/**
 * HubSpot (issue 16): the initial sync of BENCH_PEOPLE contacts at the Free tier's limit against the
 * floor those limits set, and a delta sync with nothing changed.
 */
async function hubspotSync(
  results: Record<string, unknown>,
  rows: { benchmark: string; result: string; goal: string }[],
  profile: () => string,
): Promise<void> {
  const [pricing] = demoFixture.threads;
  // The floor is what HubSpot's limits alone allow for the requests the sync made: searches at 5 per
  // second, every other request at 100 per 10 s (reference/hubspot-api.md, "Rate limits"), one
  // after the other as the sync sends them.
  const hub = await startCrm({
    api: 'hubspot',
    people: PEOPLE,
    extraArgs: ['--hubspot-tier', 'free', '--rate-limit', '100'],
  });
  const ctx = await launchWithExtension(profile());
  try {
    const worker = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    await connectThroughOptions(ctx, extensionId, hub);
    await routeGmail(ctx);
    const page = await ctx.newPage();
    await admin(hub, '/requests', { method: 'DELETE' });
    const before = (await admin(hub, '/stats')) as { requests: number; rateLimited: number };
    const started = Date.now();
    await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId ?? ''}`);
    const frame = await sidebarFrame(page, extensionId);
    await waitForSync(ctx, 60 * 60_000);
    const seconds = (Date.now() - started) / 1000;
    const after = (await admin(hub, '/stats')) as {
      requests: number;
      rateLimited: number;
      refusedBy?: Record<string, number>;
    };
    // Which of HubSpot's limits refused them (SECONDLY: searches; TEN_SECONDLY_ROLLING: the rest).
    const refusedBy = Object.entries(after.refusedBy ?? {})
      .map(([policy, n]) => `${n} ${policy}`)
      .join(', ');
    const made = (await admin(hub, '/requests')) as { method: string; url: string }[];
    const searches = made.filter(
      (r) => r.method === 'POST' && /\/search$/.test(new URL(r.url, hub.origin).pathname),
    ).length;
    const requests = after.requests - before.requests;
    const floorSeconds = searches / 5 + (made.length - searches) / 10;
    results.hubspotInitialSyncFreeTier = {
      contacts: (await hub.probe.totals()).people,
      seconds: round(seconds),
      requests,
      searches,
      rateLimited: after.rateLimited - before.rateLimited,
      refusedBy: after.refusedBy ?? {},
      floorSeconds: round(floorSeconds),
      ratioToFloor: round(seconds / floorSeconds),
    };
    rows.push({
      benchmark: `HubSpot: initial sync of ${PEOPLE} people at the Free tier's 100 requests / 10 s`,
      result: `${round(seconds, 1)} s for ${requests} requests (${searches} searches): ${round(seconds / floorSeconds)} × the floor of ${round(floorSeconds, 1)} s; ${after.rateLimited - before.rateLimited} refused (429)${refusedBy ? `: ${refusedBy}` : ''}`,
      goal: '≤ 1.1 × floor, 0 refused',
    });

    await expect(frame.getByTestId('sync-footer')).toContainText('Synced', { timeout: 60_000 });
    await admin(hub, '/requests', { method: 'DELETE' });
    await frame.getByRole('button', { name: 'Sync now' }).click();
    // The run is over when its last step (the look-back over thread marks) has been asked.
    const deltaLog = async () =>
      (await admin(hub, '/requests')) as { method: string; url: string; body: string }[];
    await expect
      .poll(async () => (await deltaLog()).some((r) => hub.probe.isMarksSync(r)), { timeout: 120_000 })
      .toBe(true);
    await expect(frame.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
    const delta = await deltaLog();
    const byCall: Record<string, number> = {};
    for (const r of delta) {
      const call = `${r.method} ${new URL(r.url, hub.origin).pathname.replace(/\/\d+/g, '/:id')}`;
      byCall[call] = (byCall[call] ?? 0) + 1;
    }
    results.hubspotDeltaNothingChanged = { requests: delta.length, byCall };
    rows.push({
      benchmark: 'HubSpot: delta sync, nothing changed',
      result: `${delta.length} requests (${Object.entries(byCall)
        .map(([call, n]) => `${n} × ${call}`)
        .join(', ')})`,
      goal: '1 search per synced object type',
    });
  } finally {
    await ctx.close();
    await hub.dispose();
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    machine: { cores: cpus().length, node: process.version },
    people: PEOPLE,
  };
  const rows: { benchmark: string; result: string; goal: string }[] = [];
  const [pricing, intro] = demoFixture.threads;
  const account = demoFixture.account;
  const profiles: string[] = [];
  const profile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-'));
    profiles.push(dir);
    return dir;
  };
  if (ONLY_SCALE) {
    const previous = existsSync(LATEST)
      ? (JSON.parse(readFileSync(LATEST, 'utf8')) as Record<string, unknown>)
      : {};
    const scale = await scaleCurve(scaleSizes(FULL_CURVE), profile, SCALE_OPENS);
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(LATEST, `${JSON.stringify({ ...previous, machine: results.machine, scale }, null, 2)}\n`);
    return;
  }
  if (ONLY_HUBSPOT) {
    await hubspotSync(results, rows, profile);
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
    const previous = existsSync(LATEST)
      ? (JSON.parse(readFileSync(LATEST, 'utf8')) as Record<string, unknown>)
      : {};
    writeFileSync(
      LATEST,
      `${JSON.stringify({ ...previous, ...results, people: previous.people ?? PEOPLE, hubspotPeople: PEOPLE }, null, 2)}\n`,
    );
    console.table(rows);
    return;
  }

  // --- 1. initial sync, rate limit off; delta; time-to-card; lookup at scale -------------------
  const crm = await startCrm({ people: PEOPLE });
  const context = await launchWithExtension(profile());
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    // The server's limit is off; let Threadline's own limiter go as fast as the server answers.
    await connectThroughOptions(context, extensionId, crm, 100_000);
    await routeGmail(context);
    const page = await context.newPage();
    const syncStart = Date.now();
    await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId ?? ''}`);
    const frame = await sidebarFrame(page, extensionId);
    await waitForSync(context, 30 * 60_000);
    const syncSeconds = (Date.now() - syncStart) / 1000;
    const serverStats = (await admin(crm, '/stats')) as { requests: number; rateLimited: number };
    const recordsTotal = PEOPLE + Math.ceil(PEOPLE / 8) + Math.ceil(PEOPLE / 10) + Math.ceil(PEOPLE / 5);
    results.initialSyncUnlimited = {
      seconds: round(syncSeconds),
      requests: serverStats.requests,
      peoplePerSecond: Math.round(PEOPLE / syncSeconds),
      recordsPerSecond: Math.round(recordsTotal / syncSeconds),
    };
    rows.push({
      benchmark: `initial sync of ${PEOPLE} people (+ companies, leads, deals), rate limit off`,
      result: `${round(syncSeconds, 1)} s, ${Math.round(recordsTotal / syncSeconds)} records/s (${serverStats.requests} requests)`,
      goal: '—',
    });

    // Delta sync when nothing changed.
    await expect(frame.getByTestId('sync-footer')).toContainText('Synced', { timeout: 60_000 });
    await admin(crm, '/requests', { method: 'DELETE' });
    await frame.getByRole('button', { name: 'Sync now' }).click();
    await expect(frame.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 500));
    const deltaRequests = (await admin(crm, '/requests')) as { url: string; body: string }[];
    const byPath: Record<string, number> = {};
    for (const r of deltaRequests)
      byPath[r.url.replace('/developer_api/v1', '')] =
        (byPath[r.url.replace('/developer_api/v1', '')] ?? 0) + 1;
    // The reconciliation sweep's id checks (issue 13: Copper has no deletion feed) ask by `ids`;
    // the rest are the delta searches and whatever the open card reads.
    const sweepIdChecks = deltaRequests.filter((r) => r.body.includes('"ids":')).length;
    results.deltaSyncNothingChanged = { requests: deltaRequests.length, sweepIdChecks, byPath };
    rows.push({
      benchmark: 'delta sync, nothing changed',
      result: `${deltaRequests.length} requests for 8 entity types: ${sweepIdChecks} of them the reconciliation sweep's id checks`,
      goal: "1 per entity type, plus the sweep's id checks (≤ 5 per run)",
    });

    // --- issue 13: the reconciliation sweep's request cost (deletions) -- BEGIN ----------------
    // Copper has no deletion feed: each sync run checks a fixed budget of cached ids against the
    // CRM (sync/reconcile.ts). Measured: one full round over every cached person, with 10 people
    // deleted in the CRM first, driven by "Sync now" (the alarm does the same every 5 minutes).
    {
      const cursor = async (): Promise<number> => {
        const w = context.serviceWorkers()[0];
        if (!w) return -1;
        return w.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const open = indexedDB.open('threadline');
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
          });
          const rows = await new Promise<{ entity: string; reconcileAfterId?: number }[]>((resolve) => {
            const request = db.transaction('syncState').objectStore('syncState').getAll();
            request.onsuccess = () =>
              resolve(request.result as { entity: string; reconcileAfterId?: number }[]);
          });
          db.close();
          return rows.find((r) => r.entity === 'people')?.reconcileAfterId ?? 0;
        });
      };
      const syncRun = async (): Promise<number> => {
        const before = await cursor();
        await expect(frame.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
        await frame.getByRole('button', { name: 'Sync now' }).click();
        await expect.poll(cursor, { timeout: 120_000 }).not.toBe(before);
        await expect(frame.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
        return cursor();
      };
      const maxRuns = Math.ceil(PEOPLE / 200) + 10;
      // Finish the round the earlier runs started, so the measured one starts at the first id.
      for (let i = 0; i < maxRuns && (await cursor()) !== 0; i += 1) await syncRun();
      const victims = (
        (await crm.api('POST', '/people/search', { page_size: 10, page_number: 3 })).body as {
          id: number;
        }[]
      ).map((p) => p.id);
      for (const id of victims) await crm.api('DELETE', `/people/${id}`);
      await admin(crm, '/requests', { method: 'DELETE' });
      const counts = { runs: 0, idChecks: 0, idsChecked: 0, confirmations: 0, allRequests: 0 };
      const started = Date.now();
      do {
        await syncRun();
        counts.runs += 1;
        const log = (await admin(crm, '/requests')) as { method: string; url: string; body: string }[];
        await admin(crm, '/requests', { method: 'DELETE' });
        counts.allRequests += log.length;
        for (const r of log) {
          if (r.url.endsWith('/search') && r.body.includes('"ids"')) {
            counts.idChecks += 1;
            counts.idsChecked += (JSON.parse(r.body) as { ids: number[] }).ids.length;
          } else if (r.method === 'GET' && /\/(people|companies)\/\d+$/.test(r.url))
            counts.confirmations += 1;
        }
      } while ((await cursor()) !== 0 && counts.runs < maxRuns);
      results.reconciliation = {
        cachedPeople: PEOPLE,
        deletedInCrm: victims.length,
        ...counts,
        seconds: round((Date.now() - started) / 1000),
        roundAtAlarmMinutes: counts.runs * 5,
      };
      rows.push({
        benchmark: `reconciliation sweep, one full round over ${PEOPLE} cached people (${victims.length} deleted in the CRM)`,
        result: `${counts.idChecks + counts.confirmations} requests (${counts.idChecks} id checks of ≤200 + ${counts.confirmations} confirmations) over ${counts.runs} sync runs = ${counts.runs * 5} min at the 5-min alarm`,
        goal: `≤ 5 id checks per run (4 × 200 people, 1 × 200 companies) + 1 per deletion; ${Math.ceil(PEOPLE / 800)} runs`,
      });
    }
    // --- issue 13: the reconciliation sweep's request cost (deletions) -- END ------------------

    // Time-to-card: warm worker, then cold (stopped before each open); alternate two threads. Each
    // figure beside the messaging floor measured in the same run (issue 12).
    await closeThread(page, frame);
    const targets = [
      { id: pricing?.threadId ?? '', address: 'alice.doe@acme.test' },
      { id: intro?.threadId ?? '', address: 'carol.chen@globex.test' },
    ];
    let pings = 0;
    const nextPing = () => {
      pings += 1;
      return pings;
    };
    // Warm means the cache answers everything: open both threads until a round of opens sends
    // nothing to the CRM (card checks, activity fetches and the sweep after a sync are done), so
    // the figures measure the hot path, not background work that happens to overlap it.
    await warmUntilQuiet(crm, page, frame, targets);
    // Unrecorded pings first, as the bench always did: the floor is the steady state, not the first
    // messages after the warm-up opens.
    for (let i = 0; i < 20; i += 1) await pingAndMeasure(page, frame, nextPing());
    const {
      floor: floorQuiet,
      navigatingFloor: floorNavigating,
      atOpenFloor: floorAtOpen,
      warm,
    } = await opensBesideFloors(page, frame, targets, OPENS, nextPing);
    const cold: number[] = [];
    // Split at the woken worker's first statement: before it, Chromium loading the script (top-level
    // parse, or its code cache; it grows with the script's size); after it, our code.
    const scriptLoad: number[] = [];
    const fromScript: number[] = [];
    let wokenBeforeOpen = 0;
    for (let i = 0; i < OPENS; i += 1) {
      const t = targets[i % 2] ?? targets[0];
      if (!t) break;
      const stoppedAt = await page.evaluate(() => performance.timeOrigin + performance.now());
      await stopServiceWorkers(context, page);
      const { dom } = await openAndMeasure(page, frame, t.id, t.address);
      cold.push(dom);
      const split = await wokenSplit(context, page, extensionId, stoppedAt);
      if (split) {
        scriptLoad.push(split.loadMs);
        fromScript.push(dom - split.fromOpenMs);
        if (split.fromOpenMs < 0) wokenBeforeOpen += 1;
      }
      await closeThread(page, frame);
    }
    const builtManifest = JSON.parse(readFileSync(join(E2E_DIST, 'manifest.json'), 'utf8')) as {
      background: { service_worker: string };
    };
    const workerBytes = statSync(join(E2E_DIST, builtManifest.background.service_worker)).size;
    const liveWorker = context.serviceWorkers()[0];
    if (!liveWorker) throw new Error('no worker');
    const floor = await indexedLookupFloor(
      liveWorker,
      Array.from({ length: OPENS }, (_, i) => targets[i % 2]?.address ?? ''),
      account,
    );
    const dom = (list: Timing[]) => list.map((x) => x.dom);
    const painted = (list: Timing[]) => list.map((x) => x.painted);
    const msgFloor = stats(dom(floorQuiet));
    const warmDom = stats(dom(warm));
    const navFloor = stats(dom(floorNavigating));
    const openFloor = stats(dom(floorAtOpen));
    results.messagingFloorMs = { dom: msgFloor, painted: stats(painted(floorQuiet)) };
    results.messagingFloorNavigatingMs = { dom: navFloor, painted: stats(painted(floorNavigating)) };
    results.messagingFloorAtOpenMs = {
      dom: openFloor,
      painted: stats(painted(floorAtOpen)),
      p95OverMessagingFloorP95: round(openFloor.p95 / msgFloor.p95),
    };
    results.timeToCardMs = {
      warm: warmDom,
      warmPainted: stats(painted(warm)),
      warmP95OverMessagingFloorP95: round(warmDom.p95 / msgFloor.p95),
      warmP95OverNavigatingFloorP95: round(warmDom.p95 / navFloor.p95),
      warmP95OverAtOpenFloorP95: round(warmDom.p95 / openFloor.p95),
      cold: stats(cold),
      coldSplit: {
        workerScriptBytes: workerBytes,
        opensSplit: scriptLoad.length,
        wokenBeforeOpen,
        workerCreatedToFirstStatement: stats(scriptLoad),
        workerFirstStatementToCard: stats(fromScript),
      },
      indexedDbLookupFloor: stats(floor),
    };
    rows.push({
      benchmark: 'floor: messaging, content script → worker → sidebar DOM, constant payload (p50 / p95 ms)',
      result: `${msgFloor.p50} / ${msgFloor.p95}`,
      goal: '—',
    });
    rows.push({
      benchmark:
        'floor: the same, sent behind a same-document navigation as each thread open makes (p50 / p95 ms)',
      result: `${navFloor.p50} / ${navFloor.p95}`,
      goal: '—',
    });
    rows.push({
      benchmark:
        'floor at the open: the same, sent from a hashchange listener of the page, when the Gmail double announces a thread, and timed from that event as the card is; no work of ours (p50 / p95 ms; p95 ÷ messaging floor p95)',
      result: `${openFloor.p50} / ${openFloor.p95}; ${round(openFloor.p95 / msgFloor.p95)}×`,
      goal: '—',
    });
    rows.push({
      benchmark: 'floor: one IndexedDB index lookup in the worker (p50 / p95 ms)',
      result: `${stats(floor).p50} / ${stats(floor).p95}`,
      goal: '—',
    });
    rows.push({
      benchmark: 'time-to-card, warm worker, card in the DOM (p50 / p95 ms; p95 ÷ messaging floor p95)',
      result: `${warmDom.p50} / ${warmDom.p95}; ${round(warmDom.p95 / msgFloor.p95)}× (${round(warmDom.p95 / navFloor.p95)}× the navigating floor, ${round(warmDom.p95 / openFloor.p95)}× the floor at the open)`,
      goal: 'p95 ≤ 20 ms and ≤ 2× floor',
    });
    rows.push({
      benchmark: 'time-to-card, warm worker, painted (next frame) (p50 / p95 ms)',
      result: `${stats(painted(warm)).p50} / ${stats(painted(warm)).p95}`,
      goal: '—',
    });
    rows.push({
      benchmark: 'worker start to first card: worker stopped before each open (p50 / p95 ms)',
      result: `${stats(cold).p50} / ${stats(cold).p95}`,
      goal: 'p95 ≤ 120 ms',
    });
    rows.push({
      benchmark: `  split at the woken worker's first statement: its creation → that statement (Chromium loading the ${Math.round(workerBytes / 1024)} KB e2e script) / that statement → card (our code) (p50 / p95 ms)`,
      result:
        scriptLoad.length === 0
          ? 'no worker noted its start'
          : `${stats(scriptLoad).p50} / ${stats(scriptLoad).p95}; ${stats(fromScript).p50} / ${stats(fromScript).p95} (${scriptLoad.length} of ${cold.length} opens; in ${wokenBeforeOpen} the sidebar's reconnect had woken the worker before the open)`,
      goal: '—',
    });

    // Lookup at scale: random cached addresses, and the cache's size on disk.
    const sample = (await crm.api('POST', '/people/search', { page_size: 200, page_number: 7 })).body as {
      emails: { email: string }[];
    }[];
    const addresses = sample.map((p) => (p.emails[0]?.email ?? '').toLowerCase()).filter(Boolean);
    const scale = await indexedLookupFloor(liveWorker, addresses, account);
    const usage = await liveWorker.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    results.lookupAtScale = { cachedPeople: PEOPLE, lookupMs: stats(scale), cacheBytes: usage };
    rows.push({
      benchmark: `address lookup with ${PEOPLE} people cached (p50 / p95 ms)`,
      result: `${stats(scale).p50} / ${stats(scale).p95}`,
      goal: '—',
    });
    // Inbox badges: a page of 100 rows whose senders are CRM contacts, badged from the cache.
    const inbox: GmailDoubleFixture = {
      account,
      threads: addresses.slice(0, 100).map((address, i) => ({
        threadId: `18c0bad9e${String(i).padStart(7, '0')}`,
        subject: `Row ${i}`,
        messages: [
          {
            messageId: `<row-${i}@bench>`,
            from: { name: `Sender ${i}`, address },
            to: [{ name: 'Sam Seller', address: account }],
            date: 'Nov 20, 2026, 9:00 AM',
            body: '.',
          },
        ],
      })),
    };
    const badgePage = await context.newPage();
    const badgeRuns = async (): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < Math.max(10, Math.floor(OPENS / 2)) + 2; i += 1) {
        // A new document each time: the new fixture's rows, handed to the content script on load.
        if (i === 0) await badgePage.goto(`${GMAIL_URL}#inbox`);
        else await badgePage.reload();
        await expect(badgePage.locator('.threadline-badge')).toHaveCount(inbox.threads.length, {
          timeout: 30_000,
        });
        const ms = await badgePage.evaluate(() => {
          const d = document.documentElement.dataset;
          return Number(d.threadlineBadgedAt) - Number(d.threadlineRowsAt);
        });
        if (i >= 2) times.push(ms); // the first loads warm the worker and the page
      }
      return times;
    };
    await context.unroute('https://mail.google.com/**');
    await routeGmail(context, inbox);
    const badgeTimes = await badgeRuns();
    results.rowBadgesMs = { rows: inbox.threads.length, ...stats(badgeTimes) };
    rows.push({
      benchmark: `inbox badges for a page of ${inbox.threads.length} rows from the cache (p50 / p95 ms, rows handed over → last badge in the DOM)`,
      result: `${stats(badgeTimes).p50} / ${stats(badgeTimes).p95}`,
      goal: 'p95 ≤ 20 ms',
    });

    // The same two figures with one core kept busy by another process: work on the hot path shows
    // here as a p95 that grows more than the machine's share of CPU explains.
    await context.unroute('https://mail.google.com/**');
    await routeGmail(context);
    await page.goto(`${GMAIL_URL}#inbox`);
    const busyFrame = await sidebarFrame(page, extensionId);
    await expect(busyFrame.getByTestId('empty-state')).toBeVisible();
    const hog = cpuHog();
    let busyFloor: Timing[];
    let busyNavigatingFloor: Timing[];
    let busyAtOpenFloor: Timing[];
    let busyWarm: Timing[];
    let busyBadges: number[];
    try {
      ({
        floor: busyFloor,
        navigatingFloor: busyNavigatingFloor,
        atOpenFloor: busyAtOpenFloor,
        warm: busyWarm,
      } = await opensBesideFloors(page, busyFrame, targets, OPENS, nextPing));
      await context.unroute('https://mail.google.com/**');
      await routeGmail(context, inbox);
      busyBadges = await badgeRuns();
    } finally {
      hog.stop();
    }
    const busyCard = stats(dom(busyWarm));
    const busyBadge = stats(busyBadges);
    const busyNavFloor = stats(dom(busyNavigatingFloor));
    const busyOpenFloor = stats(dom(busyAtOpenFloor));
    results.busy = {
      messagingFloorMs: stats(dom(busyFloor)),
      // How much of the card's growth the thread open's navigation brings with it (no work of ours).
      messagingFloorNavigatingMs: busyNavFloor,
      navigatingFloorP95OverQuiet: round(busyNavFloor.p95 / navFloor.p95),
      messagingFloorAtOpenMs: busyOpenFloor,
      atOpenFloorP95OverQuiet: round(busyOpenFloor.p95 / openFloor.p95),
      timeToCardMs: busyCard,
      rowBadgesMs: busyBadge,
      timeToCardP95OverQuiet: round(busyCard.p95 / warmDom.p95),
      rowBadgesP95OverQuiet: round(busyBadge.p95 / stats(badgeTimes).p95),
    };
    rows.push({
      benchmark: 'one core busy: time-to-card, warm, in the DOM (p50 / p95 ms; p95 ÷ quiet p95)',
      result: `${busyCard.p50} / ${busyCard.p95}; ${round(busyCard.p95 / warmDom.p95)}× (the navigating floor: ${busyNavFloor.p50} / ${busyNavFloor.p95}, ${round(busyNavFloor.p95 / navFloor.p95)}×; the floor at the open: ${busyOpenFloor.p50} / ${busyOpenFloor.p95}, ${round(busyOpenFloor.p95 / openFloor.p95)}×)`,
      goal: '≤ 2× quiet',
    });
    rows.push({
      benchmark: 'one core busy: inbox badges, 100 rows (p50 / p95 ms; p95 ÷ quiet p95)',
      result: `${busyBadge.p50} / ${busyBadge.p95}; ${round(busyBadge.p95 / stats(badgeTimes).p95)}×`,
      goal: '≤ 2× quiet',
    });
    rows.push({
      benchmark: 'cache size on disk (navigator.storage.estimate)',
      result: `${round(usage / 1024 / 1024, 1)} MB`,
      goal: '—',
    });
  } finally {
    await context.close();
    await crm.dispose();
  }

  // --- 2. initial sync under Copper's limit (180 requests/minute) ------------------------------
  if (!SKIP_LIMITED) {
    const limited = await startCrm({ people: PEOPLE, extraArgs: ['--rate-limit', '180'] });
    const ctx = await launchWithExtension(profile());
    try {
      const worker = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
      const extensionId = new URL(worker.url()).host;
      await connectThroughOptions(ctx, extensionId, limited);
      await routeGmail(ctx);
      const page = await ctx.newPage();
      const before = (await admin(limited, '/stats')) as { requests: number };
      const started = Date.now();
      await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId ?? ''}`);
      await waitForSync(ctx, 60 * 60_000);
      const seconds = (Date.now() - started) / 1000;
      const after = (await admin(limited, '/stats')) as { requests: number; rateLimited: number };
      const requests = after.requests - before.requests;
      const floorSeconds = (requests / 180) * 60;
      results.initialSyncAt180PerMinute = {
        seconds: round(seconds),
        requests,
        rateLimited: after.rateLimited,
        floorSeconds: round(floorSeconds),
        ratioToFloor: round(seconds / floorSeconds),
      };
      rows.push({
        benchmark: `initial sync of ${PEOPLE} people at 180 requests/minute`,
        result: `${round(seconds, 1)} s for ${requests} requests: ${round(seconds / floorSeconds)} × the floor; ${after.rateLimited} refused (429)`,
        goal: '≤ 1.1 × floor, 0 lost',
      });
    } finally {
      await ctx.close();
      await limited.dispose();
    }
  }

  // --- 3. logging a 50-message thread under Copper's limit -------------------------------------
  {
    const limited = await startCrm({ people: 300, extraArgs: ['--rate-limit', '180'] });
    const ctx = await launchWithExtension(profile());
    try {
      const worker = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
      const extensionId = new URL(worker.url()).host;
      await connectThroughOptions(ctx, extensionId, limited);
      const fixture = longThreadFixture(50);
      await routeGmail(ctx, fixture);
      const page = await ctx.newPage();
      await page.goto(`${GMAIL_URL}#inbox/${fixture.threads.at(-1)?.threadId ?? ''}`);
      const frame = await sidebarFrame(page, extensionId);
      await expect(frame.getByTestId('thread-links')).toBeVisible({ timeout: 60_000 });
      await waitForSync(ctx, 10 * 60_000);
      await linkWithConsent(frame, 'Person: Alice Doe');
      const alice = await personIdOf(limited, 'alice.doe@acme.test');
      await expect
        .poll(async () => (await markedActivities(limited, { type: 'person', id: alice })).length)
        .toBe(1);
      await admin(limited, '/requests', { method: 'DELETE' });
      const before = (await admin(limited, '/stats')) as { rateLimited: number };
      const started = Date.now();
      await frame.getByTestId('log-thread').click();
      await expect
        .poll(
          async () =>
            ((await admin(limited, '/requests')) as { method: string; url: string }[]).filter(
              (r) => r.method === 'POST' && r.url.endsWith('/activities'),
            ).length,
          { timeout: 5 * 60_000, intervals: [100] },
        )
        .toBeGreaterThanOrEqual(50);
      const seconds = (Date.now() - started) / 1000;
      const made = (await admin(limited, '/requests')) as { method: string; url: string }[];
      const after = (await admin(limited, '/stats')) as { rateLimited: number };
      const byCall: Record<string, number> = {};
      for (const r of made) {
        const call = `${r.method} ${r.url.replace('/developer_api/v1', '').replace(/\/\d+/g, '/:id')}`;
        byCall[call] = (byCall[call] ?? 0) + 1;
      }
      results.logThread50 = {
        seconds: round(seconds),
        requests: made.length,
        byCall,
        rateLimited: after.rateLimited - before.rateLimited,
      };
      rows.push({
        benchmark: 'log a 50-message thread at 180 requests/minute',
        result: `${made.length} requests in ${round(seconds, 1)} s; ${after.rateLimited - before.rateLimited} refused (429)`,
        goal: '1 per message + 1 duplicate check',
      });
    } finally {
      await ctx.close();
      await limited.dispose();
    }
  }

  if (!SKIP_HUBSPOT) await hubspotSync(results, rows, profile);

  // --- 4. the scale curve (issue 17) ---------------------------------------------------------
  if (!SKIP_SCALE) {
    const sizes = scaleSizes(DEFAULT_CURVE);
    if (!process.env.BENCH_SCALE)
      console.log(
        'scale curve: 10,000 and 100,000 people; BENCH_SCALE=10000,100000,500000 (or BENCH_ONLY=scale) adds 500,000 (~15 min more)',
      );
    results.scale = await scaleCurve(sizes, profile, SCALE_OPENS);
  }

  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(LATEST, `${JSON.stringify({ ...results, hubspotPeople: PEOPLE }, null, 2)}\n`);
  console.table(rows);
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
