/**
 * Telling a write's own earlier attempt from a rightful namesake. Notes and tasks carry no marker,
 * and the same text or name may rightly be written twice ("Left voicemail", "Follow up"); a HubSpot
 * deal's marker is a note written after the deal, so a lost answer leaves none. So:
 * - a write is queued with `before: null` (not read yet); ahead of its first send it stores
 *   `before`, the ids the CRM then had with its text or name;
 * - a later attempt takes as its own only an id neither in `before` nor `claimed`;
 * - an id one write made or took is added to `claimed` of every other queued write of the same kind
 *   (op, text or name, record; of any Gmail account, as they share the CRM), so two writes of one
 *   name never take the same record, whichever is sent first or however the drain interleaves them.
 *   An id it made (the CRM's answer said so) is claimed for those of any record too: a CRM may show
 *   a note on other records (HubSpot: on the contact's company and open deals). An id it took is a
 *   guess, and stays claimed on its own record only, where a wrong guess cannot make another write
 *   of that text create a second record;
 * - a write queued by an older version (no `before` key) and already tried keeps the old rule: its
 *   text or name found (and not claimed) is taken as sent. Not tried yet, it reads `before` now.
 *   Whether that version tried it is noted at this version's first contact (`begin`), before any
 *   CRM read: a read of ours that fails counts an attempt, and is not the older version's send.
 * - a create that provably made nothing (the CRM refused it: 4xx, 429, a stop; or it never left:
 *   the egress gate, or storage full raised by the audit entry before the request leaves) on the
 *   attempt that read `before` sets it back to null (best effort), so that a namesake a teammate
 *   makes while the write waits is never taken for it.
 * Both lists are read from the stored write at each attempt: another write's claim may have changed
 * it since the drain read its rows.
 */

import { isStorageFull } from '../../db/storage-full';
import type { OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import { CrmError, type CrmErrorKind } from '../crm/crm-error';
import { EgressDenied } from '../privacy/egress/egress-fetch';

/** Failures after which the CRM has certainly not made the record (5xx, network, a bad answer: it may have). */
const NOTHING_MADE: ReadonlySet<CrmErrorKind> = new Set([
  'unauthorized',
  'rateLimited',
  'invalidInput',
  'notFound',
  'notConnected',
  'consentRequired',
  'policyBlocked',
]);
const nothingMade = (error: unknown): boolean =>
  error instanceof EgressDenied ||
  (error instanceof CrmError && NOTHING_MADE.has(error.kind)) ||
  // The transport passes storage full on only from the egress gate's audit entry, before sending.
  isStorageFull(error);

/** What the CRM had with the write's text or name before its first attempt; null: not read yet. */
export type Before = number[] | null;

interface Tracked {
  before?: Before;
  /** Ids other writes of the same kind made or took. */
  claimed?: number[];
  /** An older version's write (no `before`): whether that version had tried it. */
  triedBefore?: boolean;
}

/** Writes of one kind: the same op, text or name, and (unless `anyRecord`) record. */
const kindOf = (op: string, payload: unknown, anyRecord: boolean): string => {
  const p = payload as { name?: string; text?: string; related?: unknown; record?: unknown };
  const name = p.name ?? p.text ?? null;
  return JSON.stringify(anyRecord ? [op, name] : [op, name, p.related ?? p.record ?? null]);
};

export interface EarlierAttempts {
  /**
   * At the start of an attempt, before any CRM read: a write queued by an older version notes
   * whether that version had tried it (once; this version's own failed attempts do not count).
   */
  begin(row: OutboxRow): Promise<void>;
  /**
   * Which of `ids` (the CRM's records with the write's text or name, now) an earlier attempt of this
   * write made, if any (`mine`); before the first attempt, stores them as `before` (`read`: true).
   */
  find(row: OutboxRow, ids: readonly number[]): Promise<{ mine: number | null; read: boolean }>;
  /** The ids the write may not take (`before` and `claimed`), or undefined before its first attempt. */
  notMine(row: OutboxRow): Promise<number[] | undefined>;
  /** Stores `before` if the write has none yet (a deal's namesakes, read by the CRM adapter); true if it did. */
  remember(row: OutboxRow, ids: readonly number[]): Promise<boolean>;
  /**
   * The create of an attempt that read `before` failed: if it certainly made nothing, `before` is
   * read again at the next attempt. Then rethrows.
   */
  failed(row: OutboxRow, read: boolean, error: unknown): Promise<never>;
  /**
   * `id` is this write's: every other queued write of its kind (pending or dead) counts it as
   * claimed; of any record if this write `made` it (the CRM's answer said so), not took it.
   */
  claim(row: OutboxRow, id: number, made: boolean): Promise<void>;
}

export function createEarlierAttempts(db: ThreadlineDb): EarlierAttempts {
  /** The write as stored now, and its lists. */
  const stored = async (row: OutboxRow): Promise<{ now: OutboxRow } & Tracked> => {
    const now = (row.seq === undefined ? undefined : await db.outbox.get(row.seq)) ?? row;
    return { now, ...(now.payload as Tracked) };
  };
  const patch = (seq: number | undefined, change: (tracked: Tracked) => Tracked) =>
    db.outbox
      .where(':id')
      .equals(seq ?? -1)
      .modify((r) => {
        r.payload = { ...(r.payload as object), ...change(r.payload as Tracked) };
      });

  /** Tried by the version that queued it (Try again resets the attempts, not the error). */
  const triedSoFar = (row: OutboxRow): boolean => row.attempts > 0 || row.lastError !== null;

  return {
    async begin(row) {
      if ('before' in (row.payload as object)) return;
      const { now, before, triedBefore } = await stored(row);
      if (before !== undefined || triedBefore !== undefined) return;
      await patch(row.seq, () => ({ triedBefore: triedSoFar(now) }));
    },
    async find(row, ids) {
      const { now, before, claimed = [], triedBefore } = await stored(row);
      if (!Array.isArray(before)) {
        // An older version's write, tried by that version.
        const tried = before === undefined && (triedBefore ?? triedSoFar(now));
        const sent = ids.find((id) => !claimed.includes(id));
        if (tried && sent !== undefined) return { mine: sent, read: false };
        await patch(row.seq, () => ({ before: [...ids] }));
        // An older version's write it had tried may have been sent: never read again on a refusal.
        return { mine: null, read: !tried };
      }
      return { mine: ids.find((id) => !before.includes(id) && !claimed.includes(id)) ?? null, read: false };
    },
    async notMine(row) {
      const { before, claimed = [] } = await stored(row);
      return Array.isArray(before) ? [...before, ...claimed] : undefined;
    },
    async remember(row, ids) {
      if (Array.isArray((await stored(row)).before)) return false;
      await patch(row.seq, () => ({ before: [...ids] }));
      return true;
    },
    async failed(row, read, error) {
      // Best effort: on a full disk the reset may not be written either; the write's own error is
      // what the outbox needs to see (storage full pauses it, keeping the row as it was).
      if (read && nothingMade(error)) await patch(row.seq, () => ({ before: null })).catch(() => undefined);
      throw error;
    },
    async claim(row, id, made) {
      const kind = kindOf(row.op, row.payload, made);
      // Every queued write (a short table): the CRM is shared by the Gmail accounts.
      const others = await db.outbox
        .filter((other) => other.seq !== row.seq && kindOf(other.op, other.payload, made) === kind)
        .toArray();
      for (const other of others) {
        await patch(other.seq, (t) =>
          t.claimed?.includes(id) ? {} : { claimed: [...(t.claimed ?? []), id] },
        );
      }
    },
  };
}
