/**
 * Copper's limit: N requests per rolling window per user (180 per minute by default); beyond it,
 * 429 until enough requests fall out of the window. `limit: 0` turns it off.
 */
export interface RateLimiter {
  /** Records a request; false when it is over the limit (and then it is not recorded). */
  take(userKey: string): boolean;
  /** How many more requests `userKey` may make in the window now. */
  remaining(userKey: string): number;
  reset(): void;
  readonly limit: number;
  readonly windowMs: number;
}

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  nowMs: () => number;
}): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    limit: options.limit,
    windowMs: options.windowMs,
    take(userKey) {
      if (options.limit <= 0) return true;
      const now = options.nowMs();
      const since = now - options.windowMs;
      const list = (hits.get(userKey) ?? []).filter((t) => t > since);
      if (list.length >= options.limit) {
        hits.set(userKey, list);
        return false;
      }
      list.push(now);
      hits.set(userKey, list);
      return true;
    },
    remaining(userKey) {
      const since = options.nowMs() - options.windowMs;
      const used = (hits.get(userKey) ?? []).filter((t) => t > since).length;
      return Math.max(0, options.limit - used);
    },
    reset() {
      hits.clear();
    },
  };
}

/**
 * A budget per calendar day (HubSpot's daily limit resets at midnight in the account's time zone;
 * this server's account lives in UTC). `limit: 0` turns it off.
 */
export interface DailyBudget {
  take(key: string): boolean;
  remaining(key: string): number;
  readonly limit: number;
}

export function createDailyBudget(options: { limit: number; nowMs: () => number }): DailyBudget {
  const used = new Map<string, { day: number; count: number }>();
  const today = () => Math.floor(options.nowMs() / 86_400_000);
  const countOf = (key: string) => {
    const entry = used.get(key);
    return entry && entry.day === today() ? entry.count : 0;
  };
  return {
    limit: options.limit,
    take(key) {
      if (options.limit <= 0) return true;
      const count = countOf(key);
      if (count >= options.limit) return false;
      used.set(key, { day: today(), count: count + 1 });
      return true;
    },
    remaining(key) {
      return Math.max(0, options.limit - countOf(key));
    },
  };
}
