/**
 * Issue 17: when IndexedDB refuses a write for lack of space, sync pauses (watermark where it was),
 * the outbox keeps every queued write, the status says so, and the next run after space returns
 * stores what it fetched and clears the pause. The refusal is made by a Dexie middleware below the
 * tables, with the errors as Dexie raises them, on the real schema over fake-indexeddb.
 */
import Dexie, { type DBCore, type DBCoreMutateRequest } from 'dexie';
import { describe, expect, it } from 'vitest';
import { isStorageFull, StorageFullError } from '../../db/storage-full';
import { type OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import { type Person, type RecordRef, recordKeyOf, type Task } from '../../shared/crm-model';
import { createLogger } from '../../shared/logger';
import { OUTBOX_ALARM, STORAGE_RETRY_ALARM, wakeups } from '../alarms';
import type { CrmClient, NewTask, PageQuery } from '../crm/crm-client';
import { createOutbox } from '../outbox/outbox';
import type { KeyValueArea } from '../platform';
import { readStatus } from '../read-models/status';
import { createBackgroundJobs } from './background-jobs';
import { createStoragePause, STORAGE_RETRY_BASE_MS } from './storage-pause';
import { createSyncEngine } from './sync-engine';

const ACCOUNT = 'me@corp.test';
const NOW = 1_700_000_000_000;

/** The two shapes Dexie gives a refused write: the error itself, or inside the aborted transaction's. */
const QUOTA_SHAPES = {
  'QuotaExceededError itself': () =>
    new Dexie.QuotaExceededError(
      'QuotaExceededError',
      new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    ),
  'AbortError with the quota error as inner': () =>
    new Dexie.AbortError(
      'Transaction aborted',
      new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    ),
} as const;
type Shape = keyof typeof QUOTA_SHAPES;

/** The real schema, with every write refused while `full.on` (reads still work, as in a browser). */
function fullableDb(name: string, shape: Shape) {
  const full = { on: false, refused: 0 };
  const db = new ThreadlineDb(name);
  db.use({
    stack: 'dbcore',
    name: 'storage-full-double',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (tableName) => {
        const table = down.table(tableName);
        return {
          ...table,
          mutate: (request: DBCoreMutateRequest) => {
            if (!full.on) return table.mutate(request);
            full.refused += 1;
            return Promise.reject(QUOTA_SHAPES[shape]());
          },
        };
      },
    }),
  });
  return { db, full };
}

function memorySession(): KeyValueArea {
  const values = new Map<string, unknown>();
  return {
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, structuredClone(value)),
    remove: async (key) => void values.delete(key),
  };
}

const person = (id: number): Person => ({
  id,
  name: `P ${id}`,
  title: null,
  companyId: null,
  companyName: null,
  emails: [{ value: `p${id}@x.test`, category: 'work' }],
  phones: [],
  address: null,
  tags: [],
  ownerId: null,
  lastContactedAt: null,
  modifiedAt: 1000 + id,
});

/** A CRM with people and tasks, counting the pages and creates it answered. */
function fakeCrm(people: Person[]) {
  const tasks: Task[] = [];
  const notes: { parent: RecordRef; details: string }[] = [];
  const calls = { peoplePages: 0, taskCreates: 0 };
  const empty = async () => ({ records: [], total: 0, skipped: 0, received: 0 });
  const client = {
    deltaStyle: {
      people: 'modifiedFrom',
      companies: 'modifiedFrom',
      leads: 'modifiedFrom',
      opportunities: 'modifiedFrom',
      tasks: 'modifiedFrom',
    },
    listUsers: async () => [],
    listPipelines: async () => [],
    pageCompanies: empty,
    pageLeads: empty,
    pageOpportunities: empty,
    pageTasks: empty,
    pageThreadActivities: empty,
    existingIds: async () => null,
    pagePeople: async (q: PageQuery) => {
      calls.peoplePages += 1;
      const matching = people.filter((p) => q.modifiedFrom === undefined || p.modifiedAt >= q.modifiedFrom);
      const records = matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
      return { records, total: matching.length, skipped: 0, received: records.length };
    },
    threadActivitiesOf: async (record: RecordRef) =>
      notes
        .filter((n) => recordKeyOf(n.parent) === recordKeyOf(record))
        .map((n, i) => ({
          id: 700 + i,
          parentType: n.parent.type,
          parentId: n.parent.id,
          details: n.details,
          at: 1,
        })),
    createActivity: async (input: { parent: RecordRef; details: string }) => {
      notes.push({ parent: input.parent, details: input.details });
      return {
        id: 700 + notes.length,
        parentType: input.parent.type,
        parentId: input.parent.id,
        details: input.details,
        at: 1,
      };
    },
    findTasks: async (name: string) => tasks.filter((t) => t.name === name),
    createTask: async (input: NewTask) => {
      calls.taskCreates += 1;
      const task: Task = { id: 900 + tasks.length, ...input, status: 'Open', modifiedAt: 5000 };
      tasks.push(task);
      return task;
    },
  } as unknown as CrmClient;
  return { client, calls, tasks, notes };
}

function setup(shape: Shape, name: string) {
  const { db, full } = fullableDb(name, shape);
  const connected = { on: true };
  const crm = fakeCrm([person(1), person(2), person(3)]);
  const logger = createLogger('test', () => undefined);
  let now = NOW;
  const nowMs = () => now;
  const alarms: { name: string; when: number }[] = [];
  const changed: string[] = [];
  // Jitter at its top: the waits are exactly base·2ⁿ, so the backoff is visible.
  const pause = createStoragePause(memorySession(), nowMs, () => 1);
  const sync = createSyncEngine({
    db,
    client: async () => crm.client,
    now: () => Math.floor(now / 1000),
    logger,
  });
  const outbox = createOutbox({ db, client: async () => crm.client, nowMs, logger });
  const jobs = createBackgroundJobs({
    db,
    connection: { info: async () => (connected.on ? ({ kind: 'local' } as never) : null) },
    sync,
    outbox,
    pause,
    statusChanged: (account) => changed.push(account),
    wake: wakeups({ create: async (alarm, info) => void alarms.push({ name: alarm, when: info.when ?? 0 }) }),
    nowMs,
    logger,
  });
  const status = async () =>
    readStatus(db, ACCOUNT, {
      connected: true,
      health: 'ok',
      syncRunning: false,
      storageFull: (await pause.of(ACCOUNT)) !== null,
      leads: true,
      tags: true,
      managed: false,
    });
  const queued = (): Promise<OutboxRow[]> => db.outbox.orderBy('seq').toArray();
  return {
    db,
    full,
    connected,
    crm,
    jobs,
    pause,
    outbox,
    alarms,
    changed,
    status,
    queued,
    later: (ms: number) => {
      now += ms;
    },
  };
}

describe('isStorageFull', () => {
  it.each(Object.keys(QUOTA_SHAPES) as Shape[])('recognises %s', (shape) => {
    expect(isStorageFull(QUOTA_SHAPES[shape]())).toBe(true);
  });

  it('recognises the quota error inside a bulk write’s failures, and Chromium’s full disk', () => {
    const bulk = new Dexie.BulkError('1 of 2 failed', [
      new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    ]);
    expect(isStorageFull(bulk)).toBe(true);
    const disk = new DOMException(
      'Connection is closing because of: IO error: …/000003.log: FILE_ERROR_NO_SPACE (ChromeMethodBFE: 3::WritableFileAppend::8)',
      'UnknownError',
    );
    expect(isStorageFull(disk)).toBe(true);
    expect(isStorageFull(new Dexie.OpenFailedError('open failed', disk))).toBe(true);
    expect(isStorageFull(new StorageFullError('a@b.test'))).toBe(true);
  });

  it('does not take other failures for it', () => {
    expect(isStorageFull(new Dexie.ConstraintError('Key already exists'))).toBe(false);
    expect(isStorageFull(new Dexie.AbortError('Transaction aborted'))).toBe(false);
    expect(isStorageFull(new DOMException('IO error: corrupted', 'UnknownError'))).toBe(false);
    expect(isStorageFull(new Error('quota'))).toBe(false);
    expect(isStorageFull(null)).toBe(false);
  });
});

describe.each(Object.keys(QUOTA_SHAPES) as Shape[])('storage full during sync (%s)', (shape) => {
  it('pauses without moving the watermark or touching the outbox, and resumes when space returns', async () => {
    const t = setup(shape, `quota-sync-${shape}`);
    await t.outbox.enqueue(ACCOUNT, 'person:1', {
      op: 'addNote',
      payload: { record: { type: 'person', id: 1 }, text: 'call back' },
    });
    await t.outbox.enqueue(ACCOUNT, 'person:2', {
      op: 'addNote',
      payload: { record: { type: 'person', id: 2 }, text: 'send prices' },
    });
    const before = await t.queued();
    expect(before).toHaveLength(2);

    t.full.on = true;
    await t.jobs.maybeSync(ACCOUNT, true);

    expect(t.full.refused).toBeGreaterThan(0);
    expect(await t.pause.of(ACCOUNT)).toMatchObject({ attempts: 1 });
    expect(await t.db.people.count()).toBe(0);
    // No entity's watermark moved: nothing was stored.
    expect(await t.db.syncState.toArray()).toEqual([]);
    expect(await t.queued()).toEqual(before);
    expect(await t.status()).toMatchObject({ storageFull: true, pendingWrites: 2, failedWrites: 0 });
    expect(t.changed).toEqual([ACCOUNT]);
    // One retry alarm, with backoff (never sooner than Chrome's shortest alarm).
    expect(t.alarms).toEqual([{ name: STORAGE_RETRY_ALARM, when: NOW + STORAGE_RETRY_BASE_MS }]);

    // No retry storm: a sidebar opening before the retry time does not sync again.
    const pagesBefore = t.crm.calls.peoplePages;
    await t.jobs.maybeSync(ACCOUNT);
    expect(t.crm.calls.peoplePages).toBe(pagesBefore);
    expect(await t.pause.of(ACCOUNT)).toMatchObject({ attempts: 1 });
    // The user's "Sync now" does try, meets the same full disk, and does not lengthen the wait.
    await t.jobs.maybeSync(ACCOUNT, true);
    expect(t.full.refused).toBeGreaterThan(1);
    expect(await t.pause.of(ACCOUNT)).toMatchObject({ attempts: 1, retryAt: NOW + STORAGE_RETRY_BASE_MS });

    // Still full at the retry: paused again, the next wait longer.
    t.later(STORAGE_RETRY_BASE_MS);
    await t.jobs.retryPaused();
    expect((await t.pause.of(ACCOUNT))?.attempts).toBeGreaterThan(1);
    expect(t.alarms.at(-1)?.name).toBe(STORAGE_RETRY_ALARM);
    expect(t.alarms.at(-1)?.when).toBeGreaterThan(NOW + 2 * STORAGE_RETRY_BASE_MS);
    expect(await t.queued()).toEqual(before);

    // Space returns: the retry alarm's run stores everything, and the pause is over.
    t.full.on = false;
    t.later(2 * STORAGE_RETRY_BASE_MS);
    await t.jobs.retryPaused();
    expect(await t.pause.of(ACCOUNT)).toBeNull();
    expect(await t.db.people.count()).toBe(3);
    expect((await t.db.syncState.get([ACCOUNT, 'people']))?.phase).toBe('delta');
    expect(await t.status()).toMatchObject({ storageFull: false });
    // The notes were sent by the same retry, and only then left the outbox; each exactly once,
    // although the full-storage retry had already sent them once without being able to say so.
    expect(await t.queued()).toEqual([]);
    expect(t.crm.notes.map((n) => n.details).sort()).toEqual(['call back', 'send prices']);
    t.db.close();
  });
});

describe('space returns to a database that lost its connection', () => {
  it('ends the pause: no run would ever end it, and "out of space" would show for ever', async () => {
    const t = setup('AbortError with the quota error as inner', 'quota-lost');
    t.full.on = true;
    await t.jobs.maybeSync(ACCOUNT, true);
    expect(await t.pause.of(ACCOUNT)).toMatchObject({ attempts: 1 });
    // Chromium found the database corrupt when space returned and recreated it empty: no connection.
    t.full.on = false;
    t.connected.on = false;
    t.later(STORAGE_RETRY_BASE_MS);
    await t.jobs.retryPaused();
    expect(await t.pause.of(ACCOUNT)).toBeNull();
    expect(await t.status()).toMatchObject({ storageFull: false });
    expect(t.changed).toEqual([ACCOUNT, ACCOUNT]);
    t.db.close();
  });
});

describe('storage full while the outbox drains', () => {
  it('keeps the write as it was (not dead, no attempt counted), pauses, and sends it once when space returns', async () => {
    const t = setup('AbortError with the quota error as inner', 'quota-outbox');
    await t.db.tasks.put({
      account: ACCOUNT,
      id: -5,
      name: 'Call Alice',
      relatedKey: null,
      dueDate: null,
      priority: 'None',
      status: 'Open',
      modifiedAt: 1,
      pending: true,
    });
    await t.outbox.enqueue(ACCOUNT, 'task:-5', {
      op: 'createTask',
      payload: {
        name: 'Call Alice',
        related: null,
        dueDate: null,
        priority: 'None',
        provisionalId: -5,
        before: null,
      },
    });
    // The write as queued: it gains only what the CRM had before it (outbox/earlier-attempts.ts).
    const asQueued = async () =>
      (await t.queued()).map((row) => ({ ...row, payload: { ...(row.payload as object), before: null } }));
    const before = await asQueued();

    // The CRM takes the task; the disk fills meanwhile, so storing its row in the cache is refused.
    const create = t.crm.client.createTask;
    t.crm.client.createTask = async (input) => {
      const task = await create(input);
      t.full.on = true;
      return task;
    };
    await expect(t.outbox.drain()).rejects.toBeInstanceOf(StorageFullError);
    expect(t.crm.calls.taskCreates).toBe(1);
    expect(await asQueued()).toEqual(before);

    await t.jobs.drainOutbox();
    expect(await t.pause.of(ACCOUNT)).not.toBeNull();
    expect(await asQueued()).toEqual(before);
    // Retried by the storage alarm with backoff, not by the outbox alarm a second later.
    expect(t.alarms.map((a) => a.name)).toEqual([STORAGE_RETRY_ALARM]);
    expect(t.alarms.some((a) => a.name === OUTBOX_ALARM)).toBe(false);

    t.full.on = false;
    t.later(STORAGE_RETRY_BASE_MS);
    await t.jobs.retryPaused();
    expect(await t.queued()).toEqual([]);
    // Found, not created again: exactly one task in the CRM, and its real row in the cache.
    expect(t.crm.calls.taskCreates).toBe(1);
    expect(t.crm.tasks).toHaveLength(1);
    expect(await t.db.tasks.get([ACCOUNT, -5])).toBeUndefined();
    expect(await t.db.tasks.get([ACCOUNT, 900])).toMatchObject({ name: 'Call Alice' });
    expect(await t.pause.of(ACCOUNT)).toBeNull();
    t.db.close();
  });

  it('refuses to queue a user’s write when storage is full, instead of pretending it was queued', async () => {
    const t = setup('QuotaExceededError itself', 'quota-enqueue');
    t.full.on = true;
    const queued = t.outbox.enqueue(ACCOUNT, 'person:1', {
      op: 'addNote',
      payload: { record: { type: 'person', id: 1 }, text: 'lost?' },
    });
    await expect(queued).rejects.toSatisfy(isStorageFull);
    t.full.on = false;
    expect(await t.queued()).toEqual([]);
    t.db.close();
  });
});
