import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../../test/unit/memory-area';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import type { KeyValueArea } from '../platform';
import { watchCacheLoss } from './cache-loss';

const watch = (db: Dexie, local: KeyValueArea, lost: string[] = []) =>
  watchCacheLoss({
    db,
    local,
    nowMs: () => 5_000,
    logger: createLogger('test', () => undefined),
    onLost: () => lost.push('lost'),
  });

describe('the browser losing the database', () => {
  it('a first install is not a loss; a database created again while the worker runs is, until dismissed', async () => {
    const name = `loss-${Math.random()}`;
    const local = memoryArea();
    const lost: string[] = [];
    const db = new ThreadlineDb(name);
    const loss = watch(db, local, lost);
    await db.open();
    await db.outbox.add({
      account: 'me@x.test',
      recordKey: 'person:1',
      idempotencyKey: 'k',
      op: 'addNote',
      payload: { text: 'queued' },
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      createdAt: 1,
    });
    expect(await loss.lostAt()).toBeNull();
    expect(local.values.get('databaseCreatedAt')).toBe(5_000);

    // Chromium deletes it (found damaged after a full disk); Dexie opens it again, empty.
    db.close({ disableAutoOpen: false });
    await Dexie.delete(name);
    expect(await db.outbox.count()).toBe(0);
    expect(await loss.lostAt()).toBe(5_000);
    expect(lost).toEqual(['lost']);

    await loss.dismiss();
    expect(await loss.lostAt()).toBeNull();
    db.close();
  });

  it('found at the next start too, and not for a database that predates the note', async () => {
    const name = `loss-${Math.random()}`;
    const local = memoryArea();
    // An install from before this check: its database exists, the note does not.
    const older = new ThreadlineDb(name);
    await older.open();
    older.close();
    const first = new ThreadlineDb(name);
    const loss = watch(first, local);
    await first.open();
    expect(await loss.lostAt()).toBeNull();
    expect(local.values.has('databaseCreatedAt')).toBe(true);
    first.close();
    // Deleted while the worker was stopped: the next worker finds out.
    await Dexie.delete(name);
    const next = new ThreadlineDb(name);
    const lost: string[] = [];
    const again = watch(next, local, lost);
    await next.open();
    expect(await again.lostAt()).toBe(5_000);
    expect(lost).toEqual(['lost']);
    next.close();
  });
});
