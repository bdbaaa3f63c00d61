/**
 * A user's save of a note, task or deal is queued once. The sidebar gives each save an id
 * (`actionId`), the same when the user saves the same input again after no answer or a failure:
 * the first may have been queued just before the worker stopped. Notes and tasks carry no marker in
 * the CRM, and the same text may rightly be saved twice ("Left voicemail"), so only here can a save
 * sent again be told from a second one. The id is the outbox row's `idempotencyKey` (a deal's
 * marker too); once its row is sent, the id is kept in a short list (the `sentActions` setting), so
 * a save sent again after the drain took its row is not queued either.
 */
import type { Table } from 'dexie';
import type { OutboxRow, ThreadlineDb } from '../../db/threadline-db';

/** The ops a user's save queues, whose row carries the save's id. */
export const USER_ACTION_OPS: ReadonlySet<string> = new Set(['addNote', 'createTask', 'createDeal']);
const SENT = 'sentActions';
/**
 * Sent saves remembered: far more than a user saves while an answer is awaited (the sidebar sends
 * an id again for 10 minutes at most: sidebar/action-ids.ts).
 */
export const SENT_KEPT = 100;

export interface UserActions {
  /**
   * Runs `queue` (the enqueue of the save's write and whatever is stored beside it, in `tables`) in
   * one transaction with the check, unless the save `actionId` was queued before. True if it ran.
   */
  once(actionId: string, tables: readonly Table[], queue: () => Promise<void>): Promise<boolean>;
  /** The write was sent: its row goes, and a save's id joins the sent list, in one transaction. */
  sent(row: OutboxRow): Promise<void>;
}

export function createUserActions(db: ThreadlineDb): UserActions {
  const sentIds = async (): Promise<string[]> => {
    const value = (await db.settings.get(SENT))?.value;
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  };
  return {
    once(actionId, tables, queue) {
      return db.transaction('rw', [db.outbox, db.settings, ...tables], async () => {
        const queued = await db.outbox.filter((row) => row.idempotencyKey === actionId).count();
        if (queued > 0 || (await sentIds()).includes(actionId)) return false;
        await queue();
        return true;
      });
    },
    async sent(row) {
      const seq = row.seq ?? -1;
      if (!USER_ACTION_OPS.has(row.op)) {
        await db.outbox.delete(seq);
        return;
      }
      await db.transaction('rw', db.outbox, db.settings, async () => {
        const kept = (await sentIds()).filter((id) => id !== row.idempotencyKey).slice(-(SENT_KEPT - 1));
        await db.settings.put({ name: SENT, value: [...kept, row.idempotencyKey] });
        await db.outbox.delete(seq);
      });
    },
  };
}
