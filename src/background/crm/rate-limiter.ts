import type { KeyValueArea } from '../platform';

/**
 * Keeps requests under the CRM's rolling-window limit (each adapter says how many a minute). Request
 * times are mirrored to session storage, so a restarted worker still knows what it already spent.
 */
export interface RateLimiter {
  /** Resolves when one more request may go out, and counts it. */
  acquire(): Promise<void>;
  /** A new limit for the same window (a CRM's rate headers said what this account is allowed). */
  setLimit(limit: number): void;
}

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  store?: KeyValueArea;
  storeKey?: string;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = options.storeKey ?? 'rateLimiter';
  let limit = options.limit;
  let times: number[] | null = null;
  let queue: Promise<void> = Promise.resolve();

  const load = async (): Promise<number[]> => {
    if (times) return times;
    const stored = options.store ? await options.store.get(key) : undefined;
    times = Array.isArray(stored) ? stored.filter((t): t is number => typeof t === 'number') : [];
    return times;
  };

  const take = async (): Promise<void> => {
    const list = await load();
    for (;;) {
      const t = now();
      while (list.length > 0 && (list[0] ?? 0) <= t - options.windowMs) list.shift();
      if (list.length < limit) {
        list.push(t);
        if (options.store) void options.store.set(key, list.slice());
        return;
      }
      await sleep((list[0] ?? t) + options.windowMs - t + 1);
    }
  };

  return {
    acquire() {
      // One at a time, in call order: concurrent callers queue rather than race for the last slot.
      const turn = queue.then(take);
      queue = turn.catch(() => undefined);
      return turn;
    },
    setLimit(next) {
      if (Number.isInteger(next) && next >= 1) limit = next;
    },
  };
}
