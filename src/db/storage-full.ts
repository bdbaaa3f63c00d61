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
 *   test/e2e/storage-quota.spec.ts; extension origins are not held to a quota there), and opening the
 *   database fails the same way until space returns.
 */

/** A write (or a run of writes) stopped because storage is full; `account` when it is known. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(readonly account: string | null = null) {
    super('storage full');
  }
}

const NO_SPACE = /FILE_ERROR_NO_SPACE|no space left on device|disk full|quota/i;

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
    (name === 'UnknownError' || name === 'OpenFailedError' || name === 'AbortError') &&
    typeof message === 'string' &&
    NO_SPACE.test(message)
  )
    return true;
  return causes(error).some((inner) => isStorageFull(inner, depth + 1));
}
