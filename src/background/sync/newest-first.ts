/**
 * Delta sync where the CRM documents no modified-date filter (people and companies, for one):
 * page newest first (`sort_by: date_modified` descending, documented there) and stop at the
 * watermark. Records modified during a pass move to the front, behind the pages already read; their
 * new date is at or above the pass's top, so the next pass (which starts from that top, inclusive)
 * reads them. A page that shifts by insertions at the front only repeats records, never skips them.
 * Pure, so the rule is unit-tested on its own.
 */
export interface NewestFirstState {
  /** The watermark: every record modified before it is already stored. */
  cursorTime: number;
  /** The page of this pass to ask next (from 1). */
  pageWithin: number;
  /** The newest `modifiedAt` seen in this pass (0 before its first page). */
  passTop: number;
}

export function advanceNewestFirst<T extends { modifiedAt: number }>(
  state: NewestFirstState,
  records: readonly T[],
  received: number,
  pageSize: number,
): { fresh: T[]; next: NewestFirstState; done: boolean } {
  const fresh = records.filter((r) => r.modifiedAt >= state.cursorTime);
  const top = Math.max(state.passTop, state.cursorTime, ...records.map((r) => r.modifiedAt));
  const reachedWatermark = records.some((r) => r.modifiedAt < state.cursorTime);
  const done = reachedWatermark || received < pageSize;
  return {
    fresh,
    next: done
      ? { cursorTime: top, pageWithin: 1, passTop: 0 }
      : { cursorTime: state.cursorTime, pageWithin: state.pageWithin + 1, passTop: top },
    done,
  };
}
