/**
 * Copper's limit: N requests per rolling window per user (180 per minute by default); beyond it,
 * 429 until enough requests fall out of the window. `limit: 0` turns it off.
 */
export interface RateLimiter {
  /** Records a request; false when it is over the limit (and then it is not recorded). */
  take(userKey: string): boolean;
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
    reset() {
      hits.clear();
    },
  };
}
