/**
 * Which accounts have sync paused because storage is full (issue 17), and when to try again. Kept
 * in `storage.session`, not IndexedDB: writing to the database that just refused a write would fail
 * too, and a stopped worker must still know on waking. Cleared when the browser closes, which is
 * fine: the next sync finds out again.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../../shared/lazy-schema';
import { backoffDelay } from '../crm/backoff';
import type { KeyValueArea } from '../platform';

const KEY = 'storageFull';
/** The first retry waits about this long (Chrome's shortest alarm is 30 s), then doubling… */
export const STORAGE_RETRY_BASE_MS = 30_000;
/** …up to the sync period: never longer than the sync alarm would wait anyway. */
export const STORAGE_RETRY_CAP_MS = 5 * 60_000;

const pausedSchema = lazySchema(() =>
  z.record(z.string(), z.object({ since: z.number(), attempts: z.number(), retryAt: z.number() })),
);
export type StoragePauses = z.infer<typeof pausedSchema>;
export type StoragePauseEntry = StoragePauses[string];

export interface StoragePause {
  /** The account's pause, or null when its sync is not paused. */
  of(account: string): Promise<StoragePauseEntry | null>;
  /** Every paused account. */
  all(): Promise<StoragePauses>;
  /**
   * Storage refused a write for the account: (re)pause it and say when to try again. Refusals before
   * the planned retry (the sync, the outbox and a "Sync now" all meet the same full disk) are one
   * attempt: the wait grows per retry, not per refused write.
   */
  pause(account: string): Promise<StoragePauseEntry>;
  /** A run stored what it had to: the pause is over. Returns whether the account was paused. */
  resume(account: string): Promise<boolean>;
}

export function createStoragePause(
  session: KeyValueArea,
  nowMs: () => number,
  random?: () => number,
): StoragePause {
  // One update at a time: two accounts paused at once must not overwrite each other.
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<StoragePauses> => {
    const parsed = pausedSchema.safeParse(await session.get(KEY));
    return parsed.success ? parsed.data : {};
  };
  const update = <T>(change: (all: StoragePauses) => { next: StoragePauses | null; result: T }) => {
    const run = queue.then(async () => {
      const { next, result } = change(await read());
      if (next) await (Object.keys(next).length > 0 ? session.set(KEY, next) : session.remove(KEY));
      return result;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    of: async (account) => (await read())[account] ?? null,
    all: read,
    pause: (account) =>
      update((all) => {
        const before = all[account];
        if (before && nowMs() < before.retryAt) return { next: null, result: before };
        const attempts = (before?.attempts ?? 0) + 1;
        const delay = backoffDelay(attempts - 1, {
          baseMs: STORAGE_RETRY_BASE_MS,
          capMs: STORAGE_RETRY_CAP_MS,
          floorMs: STORAGE_RETRY_BASE_MS,
          ...(random ? { random } : {}),
        });
        const entry = { since: before?.since ?? nowMs(), attempts, retryAt: nowMs() + delay };
        return { next: { ...all, [account]: entry }, result: entry };
      }),
    resume: (account) =>
      update((all) => {
        if (!(account in all)) return { next: null, result: false };
        const { [account]: _gone, ...rest } = all;
        return { next: rest, result: true };
      }),
  };
}
