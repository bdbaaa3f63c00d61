/**
 * "The browser refused to store more": the one test every cache and outbox write failure passes
 * through (background-jobs.ts and the router ask it), so storage pressure is recognised in one place.
 *
 * Two shapes reach us, and both mean the same thing to the user (free disk space, then it goes on):
 * - `QuotaExceededError`: the origin's quota is used up. Dexie raises it as itself, or — when the
 *   browser aborts the transaction instead of failing the request — as the `inner` error of an
 *   `AbortError` (https://dexie.org/docs/DexieErrors/Dexie.QuotaExceededError). A bulk write may carry
 *   it in `failures`.
 * - Chromium reports an extension's database on a full disk not as a quota error but as
 *   `UnknownError: … IO error: …leveldb/000003.log: FILE_ERROR_NO_SPACE` (seen on Chromium 156 in
 *   test/e2e/storage-quota.spec.ts; extension origins are not held to a quota there). It then closes
 *   the database, and every reopen fails with `UnknownError: Internal error opening backing store for
 *   indexedDB.open.` (Dexie: `DatabaseClosedError` with that text) until space returns. That text can
 *   also mean a damaged database; treating it as "full" costs only a wrong hint in the notice, while
 *   the pause and its retries are right either way.
 */

import type { DBCore, DBCoreMutateRequest, DBCoreMutateResponse, default as Dexie, Middleware } from 'dexie';

/** A write (or a run of writes) stopped because storage is full; `account` when it is known. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(readonly account: string | null = null) {
    super('storage full');
  }
}

const NO_SPACE = /FILE_ERROR_NO_SPACE|no space left on device|disk full|quota|error opening backing store/i;
const IO_NAMES = ['UnknownError', 'OpenFailedError', 'AbortError', 'DatabaseClosedError'];

function causes(error: object): unknown[] {
  const e = error as { inner?: unknown; cause?: unknown; failures?: unknown };
  const failures = Array.isArray(e.failures) ? e.failures : [];
  return [e.inner, e.cause, ...failures];
}

/** True when `error` (or an error it wraps) says storage is full. */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'QuotaExceededError' || name === 'StorageFullError') return true;
  // Only Chromium's IO wording, never any text: a ConstraintError that mentions "quota" is not this.
  if (
    typeof name === 'string' &&
    IO_NAMES.includes(name) &&
    typeof message === 'string' &&
    NO_SPACE.test(message)
  )
    return true;
  return causes(error).some((inner) => isStorageFull(inner, depth + 1));
}

/**
 * Lets the next operation open the database again. After Chromium closed it on a full disk, Dexie
 * remembers the failed reopen and refuses every later operation with `DatabaseClosedError`, even
 * once space has returned; closing it with auto-open kept makes the next operation try afresh.
 * Called before each retry while paused. Only a database whose open has failed is touched: one that
 * is open, or being opened, is left alone (closing it mid-open strands the operations waiting for it).
 */
export function reviveAfterStorageFull(db: Dexie): void {
  if (db.hasFailed() && !db.isOpen()) db.close({ disableAutoOpen: false });
}

/** The transaction's own error once the browser aborted it (IDBTransaction.error): why it refused. */
const abortReason = (request: DBCoreMutateRequest): unknown =>
  (request.trans as { error?: unknown } | null)?.error ?? null;

/**
 * The choke point every write of the worker passes through (ThreadlineDb installs it): a write the
 * browser refused for lack of space comes out as a `StorageFullError`, whichever path made it.
 * Needed because on a full disk the abort reason never reaches the caller: the requests of the
 * aborted transaction each fail with a bare "The transaction was aborted" and Dexie reports those
 * (`BulkError: users.bulkPut(): 3 of 3 operations failed`); only the transaction's `error` says
 * FILE_ERROR_NO_SPACE or QuotaExceededError. A refusal at commit, after every request succeeded,
 * reaches the caller as Dexie's AbortError with the reason as `inner`, which isStorageFull reads.
 */
export const storageFullMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'threadline-storage-full',
  create: (down) => ({
    ...down,
    table: (name) => {
      const table = down.table(name);
      return {
        ...table,
        mutate: (request: DBCoreMutateRequest): Promise<DBCoreMutateResponse> =>
          table.mutate(request).then(
            (response) => {
              if (response.numFailures > 0 && isStorageFull(abortReason(request)))
                throw new StorageFullError();
              return response;
            },
            (error: unknown) => {
              if (isStorageFull(error) || isStorageFull(abortReason(request))) throw new StorageFullError();
              throw error;
            },
          ),
      };
    },
  }),
};
