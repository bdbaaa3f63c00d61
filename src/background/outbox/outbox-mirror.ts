/**
 * A copy of the outbox outside IndexedDB (issue 17), so a database the browser deletes loses no
 * queued change. After a full disk Chromium can find the extension's database damaged and delete it
 * (sync/cache-loss.ts); `chrome.storage.local` is a store of its own, written only when the outbox
 * changes.
 *
 * Enforced at the mechanism: a Dexie middleware on the outbox table copies every committed change
 * (add, put, delete, delete by range), whichever path made it — enqueue, the drain, Try again, the
 * retention purge, "Delete my data", a disconnect. A copy is written after its transaction commits,
 * so a write the browser refused (the user was told it was not saved) is never copied.
 *
 * The copy is read back once: when the database was created again while a copy exists
 * (`restoreOutbox`, from cache-loss.ts, before anything else may use the new database). A copy the
 * worker could not remove before it stopped may bring back a write that was already sent; the
 * outbox's find-first checks find what it made, as after any interrupted send.
 */
import type { DBCore, DBCoreKeyRange, default as Dexie, Middleware } from 'dexie';
import { afterCommit } from '../../db/after-commit';
import type { OutboxRow } from '../../db/threadline-db';
import { type Logger, logFailure } from '../../shared/logger';
import type { LocalArea } from '../platform';

const PREFIX = 'outbox:';
const keyOf = (seq: number): string => `${PREFIX}${seq}`;
const seqOf = (key: string): number | null => {
  if (!key.startsWith(PREFIX)) return null;
  const seq = Number(key.slice(PREFIX.length));
  return Number.isSafeInteger(seq) ? seq : null;
};

/** DBCoreRangeType: 1 equal, 2 range, 3 any, 4 never. */
function inRange(seq: number, range: DBCoreKeyRange): boolean {
  if (range.type === 3) return true;
  if (range.type === 4) return false;
  if (range.type === 1) return seq === range.lower;
  const { lower, upper } = range;
  if (typeof lower === 'number' && (range.lowerOpen ? seq <= lower : seq < lower)) return false;
  if (typeof upper === 'number' && (range.upperOpen ? seq >= upper : seq > upper)) return false;
  return true;
}

export interface OutboxMirror {
  /** Installed on the database before it opens (ThreadlineDb.use). */
  middleware: Middleware<DBCore>;
  /**
   * Into a database created again, empty: every copied row, with its own seq (so the queue keeps its
   * order and new writes queue behind), due now. Returns how many came back.
   */
  restore(db: Dexie): Promise<number>;
  /**
   * Copies the outbox no longer holds (the worker stopped between a commit and its copy): removed,
   * once the database is known to be the one the copy was made from (not created at this open).
   */
  prune(db: Dexie): Promise<void>;
}

export function createOutboxMirror(local: LocalArea, logger: Logger): OutboxMirror {
  // One change to the copy at a time, in commit order; the prune takes its turn too, so a row
  // committed while it runs is copied after it, never removed by it.
  let queue: Promise<unknown> = Promise.resolve();
  const apply = (change: () => Promise<void>): Promise<void> => {
    const run = queue.then(change).catch(logFailure(logger.warn, 'outbox.mirrorFailed'));
    queue = run;
    return run;
  };
  const mirrored = async (): Promise<OutboxRow[]> =>
    Object.entries(await local.getAll())
      .filter(([key]) => seqOf(key) !== null)
      .map(([, row]) => row as OutboxRow)
      .filter((row) => typeof row === 'object' && row !== null && typeof row.seq === 'number')
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));

  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'threadline-outbox-mirror',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (name !== 'outbox') return table;
        return {
          ...table,
          mutate: async (request) => {
            const response = await table.mutate(request);
            if (request.type === 'add' || request.type === 'put') {
              const rows = request.values.map((value: OutboxRow, i: number) => ({
                ...value,
                seq: value.seq ?? (response.results?.[i] as number | undefined),
              }));
              afterCommit(request, () => {
                void apply(async () => {
                  for (const row of rows)
                    if (typeof row.seq === 'number') await local.set(keyOf(row.seq), row);
                });
              });
            } else if (request.type === 'delete') {
              const keys = request.keys.filter((k): k is number => typeof k === 'number').map(keyOf);
              afterCommit(request, () => void apply(() => local.removeMany(keys)));
            } else if (request.type === 'deleteRange') {
              const { range } = request;
              afterCommit(request, () => {
                void apply(async () => {
                  const keys = Object.keys(await local.getAll()).filter((key) => {
                    const seq = seqOf(key);
                    return seq !== null && inRange(seq, range);
                  });
                  await local.removeMany(keys);
                });
              });
            }
            return response;
          },
        };
      },
    }),
  };

  return {
    middleware,
    async restore(db) {
      const rows = await mirrored();
      if (rows.length > 0)
        // Due now, but a failed create not before the CRM's search shows it (outbox.ts).
        await db
          .table('outbox')
          .bulkPut(rows.map((row) => ({ ...row, nextAttemptAt: row.searchableAt ?? 0 })));
      return rows.length;
    },
    prune: (db) =>
      apply(async () => {
        const held = new Set((await db.table('outbox').toCollection().primaryKeys()) as number[]);
        const stale = Object.keys(await local.getAll()).filter((key) => {
          const seq = seqOf(key);
          return seq !== null && !held.has(seq);
        });
        if (stale.length > 0) await local.removeMany(stale);
      }),
  };
}
