import type { Table } from 'dexie';
import { isStorageFull, StorageFullError } from '../../db/storage-full';
import type { OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { backoffDelay } from '../crm/backoff';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { createUserActions } from './user-actions';
import { createWriteSender, type OutboxOp } from './write-sender';

export type { OutboxOp };

type Enqueue = (account: string, recordKey: string, write: OutboxOp) => Promise<void>;

/** Writes that carry data read from Gmail: withdrawing consent stops them (privacy/consent). */
export const GMAIL_DATA_OPS: readonly string[] = ['linkThread', 'unlinkThread', 'logMessage'];
/**
 * Writes whose retry first searches the CRM for what an earlier attempt made: retried no sooner than
 * the CRM's search shows a write (`CrmClient.searchLagMs`), or the retry could miss it and make two.
 */
const CREATES: ReadonlySet<string> = new Set(['addPerson', 'addLead', 'addNote', 'createTask', 'createDeal']);

export interface Outbox {
  enqueue: Enqueue;
  /**
   * A user's save is queued once (user-actions.ts): `queue` runs unless `actionId` was queued
   * before, with an enqueue whose write carries the save's id, in one transaction with the check
   * and whatever it stores in `tables`. True if it ran.
   */
  once(
    actionId: string,
    tables: readonly Table[],
    queue: (enqueue: Enqueue) => Promise<void>,
  ): Promise<boolean>;
  /** Sends what is due, in order per record; returns when nothing more is due now. */
  drain(): Promise<void>;
  /** Dead writes of the account (only those that failed with `reason`, if given) are tried again at once. */
  retryDead(account: string, reason?: string): Promise<void>;
  /** Pending writes of these ops become dead with `reason` (e.g. consent withdrawn): visible, not lost. */
  hold(account: string, ops: readonly string[], reason: string): Promise<void>;
  /** When the next write is due (ms since epoch), or null if none waits. */
  nextDue(): Promise<number | null>;
}

/**
 * Durable writes: a write is stored before anything is sent (the UI updates optimistically), goes out
 * through the rate-limited client in order per record, is retried with backoff when the CRM is
 * unreachable or busy, and ends in a dead-letter state with the CRM's message when it is refused.
 * Creates check for an existing record first, so a retry after a lost answer never duplicates
 * (`write-sender.ts`: how each write is sent).
 */
export function createOutbox(options: {
  db: ThreadlineDb;
  /** The CRM client acting for a Gmail account (consent and audit are per account). */
  client: (account: string) => Promise<CrmClient | null>;
  nowMs?: () => number;
  random?: () => number;
  onChange?: (account: string) => void;
  logger: Logger;
}): Outbox {
  const { db, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  let draining: Promise<void> | null = null;
  const sender = createWriteSender({ db, nowMs, enqueue });
  const actions = createUserActions(db);

  async function drainOnce(): Promise<void> {
    sender.forget();
    const clients = new Map<string, CrmClient | null>();
    const clientFor = async (account: string) => {
      if (!clients.has(account)) clients.set(account, await options.client(account));
      return clients.get(account) ?? null;
    };
    for (;;) {
      const rows = await db.outbox.orderBy('seq').toArray();
      const blocked = new Set<string>();
      let progressed = false;
      for (const row of rows) {
        const key = `${row.account}\n${row.recordKey}`;
        if (blocked.has(key)) continue;
        // Later writes to the same record wait for this one: per-record order.
        blocked.add(key);
        if (row.state === 'dead' || row.nextAttemptAt > nowMs()) continue;
        const client = await clientFor(row.account);
        if (!client) return;
        try {
          await sender.send(client, row);
          await actions.sent(row);
          progressed = true;
          blocked.delete(key);
          options.onChange?.(row.account);
        } catch (error) {
          // Storage is full (the CRM may have taken the write; its cache row could not be stored):
          // the row stays exactly as it was — not dead, no attempt counted — and the drain stops.
          // Sent again later, the sender's duplicate checks find what this attempt made.
          if (isStorageFull(error)) throw new StorageFullError(row.account);
          const crm =
            error instanceof CrmError ? error : new CrmError('invalidResponse', 'unexpected failure');
          const attempts = row.attempts + 1;
          const dead = !crm.retryable;
          const now = nowMs();
          const lag = CREATES.has(row.op) ? (client.searchLagMs ?? 0) : 0;
          if (crm.kind === 'consentRequired') sender.forget();
          await db.outbox.update(row.seq ?? -1, {
            attempts,
            state: dead ? 'dead' : 'pending',
            lastError: crm.kind === 'invalidInput' ? crm.message : crm.kind,
            nextAttemptAt:
              now +
              Math.max(
                lag,
                backoffDelay(attempts - 1, {
                  baseMs: 1000,
                  capMs: 60_000,
                  ...(options.random ? { random: options.random } : {}),
                }),
              ),
            ...(lag > 0 ? { searchableAt: now + lag } : {}),
          });
          logger.warn('outbox.failed', { op: row.op, kind: crm.kind, attempts, dead });
          options.onChange?.(row.account);
          if (crm.kind === 'unreachable') return; // nothing else will get through either
        }
      }
      if (!progressed) return;
    }
  }

  /**
   * Stores the write before anything else happens to it. With storage full this rejects (the router
   * tells the user in plain words that the change was not saved): a write is never reported queued
   * when it is not. `actionId`: the user's save this write is (user-actions.ts), else a new key.
   */
  async function enqueue(account: string, recordKey: string, write: OutboxOp, actionId?: string) {
    await db.outbox.add({
      account,
      recordKey,
      idempotencyKey: actionId ?? crypto.randomUUID(),
      op: write.op,
      payload: write.payload,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      createdAt: nowMs(),
    });
  }

  return {
    enqueue,
    once: (actionId, tables, queue) =>
      actions.once(actionId, tables, () =>
        queue((account, recordKey, write) => enqueue(account, recordKey, write, actionId)),
      ),
    drain() {
      draining ??= drainOnce().finally(() => {
        draining = null;
      });
      return draining;
    },
    async hold(account, ops, reason) {
      await db.outbox
        .where('[account+state]')
        .equals([account, 'pending'])
        .filter((row) => ops.includes(row.op))
        .modify({ state: 'dead', lastError: reason });
    },
    async retryDead(account, reason) {
      await db.outbox
        .where('[account+state]')
        .equals([account, 'dead'])
        .filter((row) => reason === undefined || row.lastError === reason)
        .modify({ state: 'pending', attempts: 0 });
      // Every pending write (those just revived too) is due now, but a failed create not before
      // its attempt shows in the CRM's search.
      const pending = await db.outbox.where('[account+state]').equals([account, 'pending']).toArray();
      await db.outbox.bulkUpdate(
        pending.map((row) => ({ key: row.seq ?? -1, changes: { nextAttemptAt: row.searchableAt ?? 0 } })),
      );
    },
    async nextDue() {
      // Only the first write of each record can go next; later ones wait behind it.
      const heads = new Map<string, OutboxRow>();
      for (const row of await db.outbox.orderBy('seq').toArray()) {
        const key = `${row.account}\n${row.recordKey}`;
        if (!heads.has(key)) heads.set(key, row);
      }
      const due = [...heads.values()].filter((r) => r.state === 'pending').map((r) => r.nextAttemptAt);
      return due.length > 0 ? Math.min(...due) : null;
    },
  };
}
