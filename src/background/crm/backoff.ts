/**
 * Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base·2ⁿ)],
 * never less than `floor`, and never less than a server's Retry-After.
 */
export function backoffDelay(
  attempt: number,
  options: {
    baseMs?: number;
    capMs?: number;
    floorMs?: number;
    retryAfterMs?: number | null;
    random?: () => number;
  } = {},
): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  const jittered = Math.max(options.floorMs ?? base / 2, random() * ceiling);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** Retry-After as milliseconds (seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
