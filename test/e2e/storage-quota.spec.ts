/**
 * Issue 17, storage pressure, in the real browser: the profile lives on a small disk of its own
 * (small-disk-chromium.sh), which the test fills until the disk refuses every write, then frees.
 *
 * Why a full disk and not `Storage.overrideQuotaForOrigin`: on Chromium 156 that CDP override takes
 * effect for web origins (an https page's IndexedDB write aborts with QuotaExceededError) but not
 * for the extension's origin, whose quota is "usage + a large share" whatever the override says,
 * so its writes kept succeeding. A full disk is what a user really meets: Chromium then aborts the
 * extension's transaction with `UnknownError … FILE_ERROR_NO_SPACE` and closes the database until
 * space returns — the refusal db/storage-full.ts recognises alongside QuotaExceededError.
 *
 * Where the machine refuses user namespaces it skips and says why. Chromium sometimes deletes the
 * database it closed on the full disk once space returns (it finds it damaged): then the outbox comes
 * back from its copy and the user connects again, and nothing may be lost either way.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Frame, Worker } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import type { CrmProcess } from './crm-process';
import {
  test as base,
  chromiumPath,
  E2E_DIST,
  expect,
  extensionWorker,
  launchWithExtension,
  stopServiceWorkers,
} from './fixtures';
import { openConnected, personIdOf } from './open-thread';

const WRAPPER = fileURLToPath(new URL('./small-disk-chromium.sh', import.meta.url));
const [pricing] = demoFixture.threads;
const NOTES = ['Quota note one: call back Monday.', 'Quota note two: send the price list.'];

/** The profile's own disk, reached through the browser's mount namespace. */
interface SmallDisk {
  /** Writes a filler file until the disk refuses another byte. */
  fill(): void;
  /** Deletes the filler: space returns. */
  free(): void;
  bytesFree(): number;
}

const test = base.extend<{ disk: SmallDisk }>({
  context: async ({ welcomeTab }, use, testInfo) => {
    const profile = testInfo.outputPath('profile');
    const saved = process.env.CHROMIUM_PATH;
    // launchWithExtension starts whatever CHROMIUM_PATH names: the wrapper, which starts Chromium.
    process.env.THREADLINE_REAL_CHROMIUM = chromiumPath();
    process.env.THREADLINE_DISK_SIZE = '96m';
    process.env.CHROMIUM_PATH = WRAPPER;
    let context: BrowserContext;
    try {
      context = await launchWithExtension(profile, E2E_DIST, undefined, welcomeTab);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
    await use(context);
    await context.close();
  },
  disk: async ({ context }, use, testInfo) => {
    void context; // the disk exists once the browser has started
    const profile = testInfo.outputPath('profile');
    const pid = readFileSync(`${profile}.pid`, 'utf8').trim();
    const root = `/proc/${pid}/root${profile}`;
    const filler = `${root}/threadline-test-filler`;
    const bytesFree = () => {
      const stats = statfsSync(root);
      return stats.bavail * stats.bsize;
    };
    expect(bytesFree()).toBeGreaterThan(0);
    await use({
      fill() {
        const fd = openSync(filler, 'a');
        try {
          for (const size of [1 << 20, 1 << 16, 1 << 12]) {
            const chunk = Buffer.alloc(size, 7);
            try {
              for (;;) writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            }
          }
        } finally {
          closeSync(fd);
        }
      },
      free: () => rmSync(filler, { force: true }),
      bytesFree,
    });
    rmSync(filler, { force: true });
  },
});

interface QueuedRow {
  seq: number;
  op: string;
  state: string;
  payload: unknown;
}

/** The outbox as IndexedDB holds it, read in the worker (no Threadline code in between). */
async function outboxRows(worker: Worker): Promise<QueuedRow[]> {
  return worker.evaluate(
    () =>
      new Promise<QueuedRow[]>((resolve, reject) => {
        const open = indexedDB.open('threadline');
        open.onerror = () => reject(new Error(`open: ${open.error?.name} ${open.error?.message}`));
        open.onsuccess = () => {
          const db = open.result;
          // A database recreated empty (no outbox store) fails here, at once, instead of never answering.
          if (!db.objectStoreNames.contains('outbox')) {
            db.close();
            reject(new Error(`no outbox: the database holds ${db.objectStoreNames.length} stores`));
            return;
          }
          const read = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
          read.onerror = () => reject(new Error(`read: ${read.error?.name}`));
          read.onsuccess = () => {
            db.close();
            resolve(
              (read.result as QueuedRow[]).map(({ seq, op, state, payload }) => ({
                seq,
                op,
                state,
                payload,
              })),
            );
          };
        };
      }),
  );
}

/** Whether Threadline found that the browser deleted its database (sync/cache-loss.ts). */
async function databaseWasLost(context: BrowserContext): Promise<boolean> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as {
      chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } };
    };
    return typeof (await chrome.storage.local.get('databaseLostAt')).databaseLostAt === 'number';
  });
}

/** How many people the cache holds with an address ending in `suffix` (read as IndexedDB holds them). */
async function cachedPeopleAt(worker: Worker, suffix: string): Promise<number> {
  return worker.evaluate(
    (end) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('threadline');
        open.onerror = () => reject(new Error(`open: ${open.error?.name}`));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('people')) {
            db.close();
            reject(new Error(`no people: the database holds ${db.objectStoreNames.length} stores`));
            return;
          }
          const read = db.transaction('people', 'readonly').objectStore('people').getAll();
          read.onsuccess = () => {
            db.close();
            const rows = read.result as { emails: { value: string }[] }[];
            resolve(rows.filter((p) => p.emails.some((e) => e.value.endsWith(end))).length);
          };
        };
      }),
    suffix,
  );
}

async function notesInCrm(crm: CrmProcess, personId: number): Promise<string[]> {
  return (await crm.probe.activityTexts({ type: 'person', id: personId })).filter((details) =>
    NOTES.includes(details),
  );
}

/** No note reached the CRM twice. */
async function expectNoDuplicates(crm: CrmProcess, personId: number): Promise<void> {
  const inCrm = await notesInCrm(crm, personId);
  expect(new Set(inCrm).size).toBe(inCrm.length);
}

/**
 * A row without its retry bookkeeping: `before`, queued as null, is the ids the CRM had with the
 * note's text, stored by an attempt that read them and then failed (earlier-attempts.ts); CI saw
 * one stored as [] by an attempt once the CRM was back, while the disk was still full.
 */
const withoutBefore = (row: QueuedRow): QueuedRow => {
  const { before: _before, ...payload } = row.payload as { before?: unknown };
  return { ...row, payload };
};
const beforeIsBookkeeping = (row: QueuedRow): boolean => {
  const { before } = row.payload as { before?: unknown };
  return before === null || (Array.isArray(before) && before.every((id) => Number.isInteger(id)));
};

/**
 * Every queued note is still in the outbox as it was queued (pending, same payload but for its
 * retry bookkeeping), or in the CRM — both for a moment while one is being sent, never neither,
 * never twice in the CRM.
 */
async function expectNothingLost(
  worker: Worker,
  crm: CrmProcess,
  personId: number,
  queued: QueuedRow[],
): Promise<void> {
  const rows = await outboxRows(worker);
  const inCrm = await notesInCrm(crm, personId);
  expect(new Set(inCrm).size).toBe(inCrm.length);
  for (const row of rows) {
    expect(queued.map(withoutBefore)).toContainEqual(withoutBefore(row));
    expect(beforeIsBookkeeping(row)).toBe(true);
  }
  for (const note of NOTES)
    expect(rows.some((r) => (r.payload as { text: string }).text === note) || inCrm.includes(note)).toBe(
      true,
    );
}

async function addNote(frame: Frame, text: string): Promise<void> {
  await frame.getByTestId('note-record').selectOption({ label: 'Person: Bob Buyer' });
  await frame.getByTestId('note-text').fill(text);
  await frame.getByTestId('note-save').click();
}

/**
 * Why this machine cannot give the browser a small disk of its own, or null when it can: the
 * wrapper needs a user and a mount namespace (`unshare`), which containers and hardened kernels
 * often refuse (kernel.unprivileged_userns_clone=0, AppArmor's restrict_unprivileged_userns).
 */
function smallDiskRefused(): string | null {
  const tried = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (tried.error) return `unshare could not run (${tried.error.message})`;
  if (tried.status === 0) return null;
  return `user namespaces are not permitted here: ${tried.stderr.trim() || `exit ${tried.status}`}`;
}

// Runs wherever the machine grants user namespaces (about a minute); where it refuses them it
// skips and says why (asked once, when the file loads). Before the outbox's copy, 2 of 8 runs here
// failed when Chromium deleted the database; with it, 8 of 8 passed.
const refused = smallDiskRefused();
test.skip(refused !== null, `no small disk for the browser: ${refused}`);

/** The worker's own log lines of the running test, printed when it fails: what the worker saw. */
const workerLog: string[] = [];
test.afterEach(async ({ context: _context }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && workerLog.length > 0)
    console.log(`the worker's log:\n${workerLog.slice(-300).join('\n')}`);
  workerLog.length = 0;
});

test('storage full: sync pauses with a clear message, the outbox keeps its writes, and it all resumes when space returns', async ({
  context,
  extensionId,
  crm,
  disk,
}) => {
  test.setTimeout(240_000);
  const started = Date.now();
  const listen = (w: Worker) =>
    w.on('console', (m) => workerLog.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${m.text()}`));
  context.on('serviceworker', listen);
  const worker = await extensionWorker(context);
  listen(worker);
  const { frame, options } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const bob = await personIdOf(crm, 'bob@acme.test');
  const footer = frame.getByTestId('sync-footer');
  await expect(footer).toContainText('Synced');

  // Two notes queued while the CRM is down: they wait in the outbox.
  await crm.stop();
  for (const note of NOTES) await addNote(frame, note);
  await expect(footer).toContainText('2 changes waiting to be sent');
  const queued = await outboxRows(worker);
  expect(queued.map((r) => [r.op, r.state, (r.payload as { text: string }).text])).toEqual(
    NOTES.map((text) => ['addNote', 'pending', text]),
  );

  // The disk fills; then the CRM is back, with more people than the cache holds.
  disk.fill();
  expect(disk.bytesFree()).toBe(0);
  await crm.start();
  for (let n = 0; n < 60; n += 1) {
    const answer = await crm.api('POST', '/people', {
      name: `Quota Person ${n}`,
      emails: [{ email: `quota.person.${n}@bigco.test`, category: 'work' }],
    });
    expect(answer.status).toBe(200);
  }
  // "Sync now", unless a sync met the full disk first: with the CRM back, the outbox's retry may
  // start one, and the button stays disabled while a sync runs (a run that waits on the database
  // Chromium holds closed until space returns). Clicking regardless waited out the test once.
  const notice = frame.getByTestId('storage-full');
  const syncNow = frame.getByRole('button', { name: 'Sync now' });
  await expect(async () => {
    if (await notice.isVisible()) return;
    await syncNow.click({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // The sidebar says it in plain words, in a status region.
  await expect(notice).toBeVisible({ timeout: 30_000 });
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toContainText('Sync is paused: this computer is out of storage space.');
  await expect(notice).toContainText('Nothing waiting to be sent is lost');
  await expect(notice).toContainText('Free up disk space');
  // The settings page too (it re-reads the status while open).
  await options.bringToFront();
  const optionsNotice = options.getByTestId('options-storage-full');
  await expect(optionsNotice).toBeVisible({ timeout: 30_000 });
  await expect(optionsNotice).toContainText('sync then resumes by itself');
  // Nothing doubled. (A full disk may still take a write of a few bytes into a file's last block, so
  // a note may already have gone out.) The outbox itself cannot be read now, by us or by Threadline:
  // Chromium fails or holds every open of the database until space returns; it is read once
  // Threadline has reopened it (below).
  await expectNoDuplicates(crm, bob);
  // The toolbar popup says it as well.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/src/popup/index.html`);
  await expect(popup.getByTestId('popup-storage-full')).toContainText('Nothing waiting to be sent is lost');
  await expect(popup.getByTestId('popup-connected')).toContainText('Threadline Demo Co.');
  // Chrome stops an idle worker after 30 s, long before a full disk is freed. The worker it starts
  // next cannot open the database: the popup still names the connection and says why sync is paused.
  await worker.evaluate(() => {
    (globalThis as { beforeStop?: boolean }).beforeStop = true;
  });
  await stopServiceWorkers(context, popup);
  await popup.reload();
  await expect(popup.getByTestId('popup-storage-full')).toContainText('Nothing waiting to be sent is lost');
  await expect(popup.getByTestId('popup-connected')).toContainText('Threadline Demo Co.');
  await expect(popup.getByTestId('popup-read-error')).toHaveCount(0);
  // Playwright keeps one Worker object for the extension's worker across the restart; a new start
  // has a fresh global scope.
  expect(await worker.evaluate(() => (globalThis as { beforeStop?: boolean }).beforeStop)).toBeUndefined();
  await popup.close();
  // Space returns: nobody presses anything. The retry alarm syncs, the notice clears, the notes land.
  disk.free();
  await expect(notice).toBeHidden({ timeout: 120_000 });
  // Read only now that Threadline holds the database open again. Reading it first, from a connection
  // of our own opened and closed before Threadline's retry, made Chromium 156 find the LevelDB
  // corrupt at the next open and delete it more often (3 of 4 runs against 2 of 8 without).
  await expectNothingLost(worker, crm, bob, queued);
  if (await databaseWasLost(context)) {
    console.log('Chromium deleted the database after the full disk: the outbox came back from its copy');
    // Chromium deleted the database it had closed on the full disk, finding it damaged ("IndexedDB
    // recovering from a corrupted (and deleted) database"; 2 of 8 runs here). The outbox came back
    // from its copy (checked just above, seq, payload and all); the saved connection did not: the
    // sidebar says what happened, and the user connects again.
    await expect(frame.getByTestId('cache-lost')).toContainText(
      "Threadline's data on this computer was lost.",
    );
    await expect(frame.getByTestId('not-connected')).toBeVisible();
    const again = await connectThroughOptions(context, extensionId, crm);
    await again.close();
    await frame.getByTestId('cache-lost').getByRole('button', { name: 'Got it' }).click();
  }
  await expect(optionsNotice).toBeHidden({ timeout: 30_000 });
  await expect
    .poll(async () => (await notesInCrm(crm, bob)).sort(), { timeout: 60_000 })
    .toEqual([...NOTES].sort());
  await expect(footer).not.toContainText('waiting to be sent', { timeout: 30_000 });
  // Exactly once each, and the new people reached the cache.
  expect((await notesInCrm(crm, bob)).sort()).toEqual([...NOTES].sort());
  expect(await outboxRows(worker)).toEqual([]);
  expect(await cachedPeopleAt(worker, '@bigco.test')).toBe(60);
  await expect(frame.getByTestId('failed-writes')).toHaveCount(0);
});
