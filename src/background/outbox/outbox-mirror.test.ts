import Dexie from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { memoryArea } from '../../../test/unit/memory-area';
import { deleteAccountRows } from '../../db/account-rows';
import { type OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import type { LocalArea } from '../platform';
import type { ConsentStore } from '../privacy/consent/consent-store';
import { createPrivacyCentre } from '../privacy/data-rights/privacy-centre';
import { watchCacheLoss } from '../sync/cache-loss';
import { createOutboxMirror } from './outbox-mirror';

const note = (text: string, recordKey = 'person:1'): OutboxRow => ({
  account: 'me@x.test',
  recordKey,
  idempotencyKey: `k-${text}`,
  op: 'addNote',
  payload: { text },
  state: 'pending',
  attempts: 2,
  nextAttemptAt: 9_999_999,
  lastError: 'unreachable',
  createdAt: 1,
});

/** A worker's database as worker-services.ts makes it: the copy, and the loss check with its restore. */
function workerDb(name: string, local: LocalArea) {
  const logger = createLogger('test', () => undefined);
  const db = new ThreadlineDb(name);
  const mirror = createOutboxMirror(local, logger);
  db.use(mirror.middleware);
  const lost: string[] = [];
  const loss = watchCacheLoss({
    db,
    local,
    nowMs: () => 5_000,
    logger,
    onLost: () => lost.push('lost'),
    restore: mirror.restore,
    prune: () => mirror.prune(db),
  });
  return { db, loss, lost };
}

const copied = (local: { values: Map<string, unknown> }) =>
  [...local.values.entries()]
    .filter(([key]) => key.startsWith('outbox:'))
    .map(([key, row]) => [key, (row as OutboxRow).payload, (row as OutboxRow).state]);

describe('the outbox’s copy outside IndexedDB', () => {
  it('follows every committed change, whichever way it was made', async () => {
    const local = memoryArea();
    const { db } = workerDb(`mirror-${Math.random()}`, local);
    await db.outbox.bulkAdd([note('one'), note('two'), note('three', 'person:2')]);
    await vi.waitFor(() => expect(copied(local)).toHaveLength(3));
    await db.outbox.filter((r) => r.recordKey === 'person:2').modify({ state: 'dead' });
    await vi.waitFor(() => expect(copied(local)).toContainEqual(['outbox:3', { text: 'three' }, 'dead']));
    await db.outbox.delete(1);
    await vi.waitFor(() => expect(copied(local).map(([key]) => key)).toEqual(['outbox:2', 'outbox:3']));
    await db.outbox.add(note('four', 'person:4'));
    await db.outbox.where('[account+state]').equals(['me@x.test', 'dead']).delete();
    await vi.waitFor(() => expect(copied(local).map(([key]) => key)).toEqual(['outbox:2', 'outbox:4']));
    await db.outbox.clear();
    await vi.waitFor(() => expect(copied(local)).toEqual([]));
    db.close();
  });

  it('"Delete my data" and the retention clean-up remove the copies with the rows (PRIVACY.md)', async () => {
    const local = memoryArea();
    const { db } = workerDb(`mirror-${Math.random()}`, local);
    const other = { ...note('other account'), account: 'other@x.test' };
    const failedLog = { ...note('failed log'), op: 'logMessage', state: 'dead' as const, createdAt: 0 };
    await db.outbox.bulkAdd([note('mine'), other, failedLog]);
    await vi.waitFor(() => expect(copied(local)).toHaveLength(3));
    // Retention (30 days, a year on): the failed write holding e-mail content goes, copy and all.
    const privacy = createPrivacyCentre({
      db,
      consent: {} as ConsentStore,
      nowMs: () => 365 * 86_400_000,
      connectionInfo: async () => null,
    });
    await privacy.purge(30);
    await vi.waitFor(() => expect(copied(local).map(([key]) => key)).toEqual(['outbox:1', 'outbox:2']));
    // "Delete my data" for me@x.test: my queued note, not the other account's.
    await deleteAccountRows(db, 'me@x.test');
    await vi.waitFor(() => expect(copied(local).map(([key]) => key)).toEqual(['outbox:2']));
    db.close();
  });

  it('never copies a write the browser refused (its transaction aborted)', async () => {
    const local = memoryArea();
    const { db } = workerDb(`mirror-${Math.random()}`, local);
    await db.outbox.add(note('kept'));
    await expect(
      db.transaction('rw', db.outbox, async () => {
        await db.outbox.add(note('refused'));
        throw new Error('aborted');
      }),
    ).rejects.toThrow('aborted');
    // Something observable after it: a committed change, copied in commit order, so behind any copy
    // of the refused write.
    await db.outbox.update(1, { state: 'dead' });
    await vi.waitFor(() => expect(copied(local)).toContainEqual(['outbox:1', { text: 'kept' }, 'dead']));
    expect(copied(local)).toEqual([['outbox:1', { text: 'kept' }, 'dead']]);
    db.close();
  });

  it('a database the browser deleted gets its outbox back before anything else reads it, in order and due now (a failed create once the CRM’s search shows it)', async () => {
    const name = `mirror-${Math.random()}`;
    const local = memoryArea();
    const { db, loss, lost } = workerDb(name, local);
    // The second, a create that failed, waits for the CRM's search to show what it may have made.
    await db.outbox.bulkAdd([note('one'), { ...note('two'), searchableAt: 12_345 }]);
    await vi.waitFor(() => expect(copied(local)).toHaveLength(2));

    // Chromium deletes the damaged database; the worker's next read opens it again.
    db.close({ disableAutoOpen: false });
    await Dexie.delete(name);
    const rows = await db.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => [r.seq, r.payload, r.state, r.idempotencyKey, r.nextAttemptAt])).toEqual([
      [1, { text: 'one' }, 'pending', 'k-one', 0],
      [2, { text: 'two' }, 'pending', 'k-two', 12_345],
    ]);
    expect(await loss.lostAt()).toBe(5_000);
    expect(lost).toEqual(['lost']);
    // A new write queues behind them.
    expect(await db.outbox.add(note('three'))).toBe(3);
    db.close();
  });

  it('drops copies the database no longer holds, at the next start (the worker stopped before removing them)', async () => {
    const name = `mirror-${Math.random()}`;
    const local = memoryArea();
    const first = workerDb(name, local);
    await first.db.outbox.add(note('one'));
    await vi.waitFor(() => expect(copied(local)).toHaveLength(1));
    first.db.close();
    local.values.set('outbox:7', note('sent, but its copy stayed'));
    const next = workerDb(name, local);
    await next.db.open();
    await vi.waitFor(() => expect(copied(local).map(([key]) => key)).toEqual(['outbox:1']));
    expect(next.lost).toEqual([]);
    next.db.close();
  });
});
