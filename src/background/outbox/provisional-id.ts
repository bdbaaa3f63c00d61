/**
 * Ids for records shown before the CRM has made them (negative, so they never meet a CRM id).
 * Two records created in the same millisecond must not share one: each id is below the last,
 * with room for 1,000 a millisecond before the clock part moves.
 */
export function createProvisionalIds(nowMs: () => number): () => number {
  let last = 0;
  return () => {
    const next = Math.min(-nowMs() * 1000, last - 1);
    last = next;
    return next;
  };
}
