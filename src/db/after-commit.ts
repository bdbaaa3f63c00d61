import type { DBCoreMutateRequest } from 'dexie';

/**
 * Runs `then` once the write's transaction committed (the native IDBTransaction under Dexie's
 * DBCore); never for a transaction that aborted. Where there is no native transaction (a test
 * double), at once.
 */
export function afterCommit(request: DBCoreMutateRequest, then: () => void): void {
  const trans = request.trans as Partial<IDBTransaction>;
  if (typeof trans.addEventListener === 'function') trans.addEventListener('complete', then);
  else then();
}
