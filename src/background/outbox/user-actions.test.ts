import { describe, expect, it } from 'vitest';
import { A, alice, fakeCrm, note } from '../../../test/unit/write-sender-harness';
import { type OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { createOutbox } from './outbox';
import { createUserActions, SENT_KEPT } from './user-actions';

function setup() {
  const db = new ThreadlineDb(`user-actions-${Math.random()}`);
  const crm = fakeCrm();
  const outbox = createOutbox({ db, client: async () => crm.client, logger: createLogger('test') });
  /** The sidebar's save of a note: true if it was queued. */
  const save = (actionId: string, text = 'Left voicemail') =>
    outbox.once(actionId, [], (enqueue) => enqueue(A, 'person:10', note(text)));
  return { db, crm, outbox, save };
}

describe('user actions: a save is queued once', () => {
  it('queues a save sent again while its write waits only once', async () => {
    const { db, save } = setup();
    expect(await save('action-0001')).toBe(true);
    expect(await save('action-0001')).toBe(false); // no answer reached the sidebar: sent again
    expect(await db.outbox.count()).toBe(1);
    expect((await db.outbox.toArray())[0]?.idempotencyKey).toBe('action-0001');
  });

  it('queues a save once when it arrives twice at the same time (the check and the write are one transaction)', async () => {
    const { db, save } = setup();
    expect((await Promise.all([save('action-0001'), save('action-0001')])).sort()).toEqual([false, true]);
    expect(await db.outbox.count()).toBe(1);
  });

  it('does not queue a save sent again after its write was sent, and makes a new save of the same text', async () => {
    const { crm, outbox, save } = setup();
    await save('action-0001');
    await outbox.drain();
    expect(crm.made.notes).toBe(1);
    expect(await save('action-0001')).toBe(false);
    expect(await save('action-0002')).toBe(true); // "Left voicemail" again, on purpose
    await outbox.drain();
    expect(crm.made.notes).toBe(2);
  });

  it('deletes a sent write that is no save without remembering it, and keeps the newest saves', async () => {
    const { db } = setup();
    const actions = createUserActions(db);
    /** A write as stored, then sent. */
    const sendRow = async (op: string, idempotencyKey: string) => {
      const row: OutboxRow = {
        account: A,
        recordKey: 'person:10',
        idempotencyKey,
        op,
        payload: { record: alice },
        state: 'pending',
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
        createdAt: 0,
      };
      await actions.sent({ ...row, seq: await db.outbox.add(row) });
    };
    await sendRow('logMessage', 'log-1');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.settings.get('sentActions')).toBeUndefined();
    const ops = ['addNote', 'createTask', 'createDeal'];
    for (let n = 0; n <= SENT_KEPT; n += 1)
      await sendRow(ops[n % 3] ?? 'addNote', `action-${String(n).padStart(4, '0')}`);
    expect(await db.outbox.count()).toBe(0);
    const kept = (await db.settings.get('sentActions'))?.value as string[];
    expect(kept).toHaveLength(SENT_KEPT);
    expect(kept.at(0)).toBe('action-0001');
    expect(kept.at(-1)).toBe(`action-${String(SENT_KEPT).padStart(4, '0')}`);
    expect(await actions.once('action-0000', [], async () => undefined)).toBe(true); // the oldest, forgotten
    expect(await actions.once('action-0001', [], async () => undefined)).toBe(false);
  });
});
