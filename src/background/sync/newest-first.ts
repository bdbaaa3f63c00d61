/**
 * Delta sync where the CRM documents no modified-date filter (people and companies, for one):
 * page newest first (`sort_by: date_modified` descending, documented there) and stop at the
 * watermark. Records modified during a pass move to the front, behind the pages already read; their
 * new date is at or above the pass's top, so the next pass (which starts from that top, inclusive)
 * reads them. A page that shifts by insertions at the front only repeats records, never skips them.
 *
 * Where the CRM cannot page further (its search window ends), the adapter answers a cursor: the pass
 * goes on as the adapter's sweep over every record (in its own order), which keeps only records
 * below the last newest-first page (`sweepBelow`; at it, those not read there) and at or above the
 * watermark. The pass's top stays the top of its first page: anything modified while the sweep runs
 * is at or above it, so the next pass reads it.
 * Pure, so the rule is unit-tested on its own.
 */
export interface NewestFirstState {
  /** The watermark: every record modified before it is already stored. */
  cursorTime: number;
  /** The page of this pass to ask next (from 1). */
  pageWithin: number;
  /** The newest `modifiedAt` seen in this pass (0 before its first page). */
  passTop: number;
  /** The adapter's sweep cursor, once paging newest first reached the CRM's limit. */
  pageCursor?: string;
  /** In the sweep: the oldest `modifiedAt` the newest-first pages reached. */
  sweepBelow?: number;
  /** In the sweep: the ids at exactly `sweepBelow` the newest-first pages already stored. */
  seenAtBelow?: number[];
}

export function advanceNewestFirst<T extends { id: number; modifiedAt: number }>(
  state: NewestFirstState,
  records: readonly T[],
  received: number,
  pageSize: number,
  /** The adapter's cursor for the next page (`Page.nextCursor`): a string past its paging limit, null at the end. */
  nextCursor?: string | null,
): { fresh: T[]; next: NewestFirstState; done: boolean } {
  const finished = (top: number) => ({ cursorTime: top, pageWithin: 1, passTop: 0 });
  if (state.pageCursor !== undefined) {
    const below = state.sweepBelow ?? Number.POSITIVE_INFINITY;
    const seen = new Set(state.seenAtBelow ?? []);
    const fresh = records.filter(
      (r) =>
        r.modifiedAt >= state.cursorTime &&
        (r.modifiedAt < below || (r.modifiedAt === below && !seen.has(r.id))),
    );
    const done = typeof nextCursor !== 'string';
    return {
      fresh,
      next: done ? finished(Math.max(state.passTop, state.cursorTime)) : { ...state, pageCursor: nextCursor },
      done,
    };
  }
  const fresh = records.filter((r) => r.modifiedAt >= state.cursorTime);
  const top = Math.max(state.passTop, state.cursorTime, ...records.map((r) => r.modifiedAt));
  const reachedWatermark = records.some((r) => r.modifiedAt < state.cursorTime);
  const done = reachedWatermark || received < pageSize;
  if (done) return { fresh, next: finished(top), done };
  if (typeof nextCursor === 'string') {
    const bottom = Math.min(...records.map((r) => r.modifiedAt));
    return {
      fresh,
      next: {
        cursorTime: state.cursorTime,
        pageWithin: 1,
        passTop: top,
        pageCursor: nextCursor,
        sweepBelow: bottom,
        seenAtBelow: records.filter((r) => r.modifiedAt === bottom).map((r) => r.id),
      },
      done,
    };
  }
  return {
    fresh,
    next: { cursorTime: state.cursorTime, pageWithin: state.pageWithin + 1, passTop: top },
    done,
  };
}
