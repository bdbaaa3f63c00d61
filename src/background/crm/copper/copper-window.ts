/**
 * Copper's search window (reference/copper-api.md, "Paging and sorting": a search pages through at
 * most the first 100,000 records). People and companies are read newest first by `date_modified`
 * (no modified-date filter is documented there), so an account with more than 100,000 of them cannot
 * be paged to the end that way. Where the window ends, the pass continues as a sweep by creation
 * date: `sort_by: date_created`, ascending, from `minimum_created_date` (both documented on people
 * and companies searches). Its cursor moves to each page's last creation date, so page numbers start
 * again at 1 and stay far inside the window.
 *
 * The sync engine only sees an opaque cursor (`Page.nextCursor`); this file alone knows the window.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema';

export const COPPER_SEARCH_WINDOW = 100_000;

const sweepCursor = lazySchema(() =>
  z.object({
    /** `minimum_created_date` (unix seconds; 0 = from the first record). */
    from: z.number(),
    /** The page within that filter (from 1). */
    page: z.number(),
    /** Records created at exactly `from` already returned: not returned again. */
    seen: z.array(z.number()),
  }),
);
export type SweepCursor = z.infer<typeof sweepCursor>;

const START: SweepCursor = { from: 0, page: 1, seen: [] };
export const FIRST_SWEEP: string = JSON.stringify(START);

/** A newest-first page that filled the window's last page: more may follow, beyond reach of page numbers. */
export function endsWindow(pageNumber: number, pageSize: number, received: number): boolean {
  return received === pageSize && pageNumber * pageSize >= COPPER_SEARCH_WINDOW;
}

export function readSweepCursor(cursor: string): SweepCursor {
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    value = null;
  }
  const parsed = sweepCursor.safeParse(value);
  // A cursor this client did not write (an older version's state): start the sweep again.
  return parsed.success ? parsed.data : START;
}

export function sweepBody(cursor: SweepCursor, pageSize: number): Record<string, unknown> {
  return {
    page_number: cursor.page,
    page_size: pageSize,
    sort_by: 'date_created',
    sort_direction: 'asc',
    ...(cursor.from > 0 ? { minimum_created_date: cursor.from } : {}),
  };
}

const created = lazySchema(() => z.object({ id: z.number(), date_created: z.number() }));

/**
 * Given the raw elements of a sweep page: those not already returned (at the cursor's second), and
 * the next cursor, or null when this was the last page.
 */
export function advanceSweep(
  cursor: SweepCursor,
  raw: readonly unknown[],
  pageSize: number,
): { fresh: unknown[]; next: string | null } {
  const seen = new Set(cursor.seen);
  // Each element read once: its creation date, if it has one, and whether it was returned before.
  const read = raw.map((element) => {
    const result = created.safeParse(element);
    const date = result.success ? result.data : null;
    return { element, date, repeat: date !== null && date.date_created === cursor.from && seen.has(date.id) };
  });
  const fresh = read.filter((r) => !r.repeat).map((r) => r.element);
  if (raw.length < pageSize) return { fresh, next: null };
  const dated = read.flatMap((r) => (r.date ? [r.date] : []));
  const last = dated.at(-1);
  // The whole page in the cursor's second (or no dates to move by): the next page of the same filter.
  // More than 100,000 records created within one second would pass the window here: not handled.
  const next: SweepCursor =
    last === undefined || last.date_created <= cursor.from
      ? { ...cursor, page: cursor.page + 1 }
      : {
          from: last.date_created,
          page: 1,
          seen: dated.filter((r) => r.date_created === last.date_created).map((r) => r.id),
        };
  return { fresh, next: JSON.stringify(next) };
}
