/**
 * Opportunity `close_date`: a string in the user's date order, "MM/DD/YYYY" or "DD/MM/YYYY", not
 * zero-padded ("1/23/2017"); the API does not say which order a user has (reference, "Dates").
 * Threadline learns the order from the account's own data where it can be told (a date with a day
 * above 12), else the deal form asks once. A date it cannot read without guessing is not read.
 */
import type { DateOrder } from '../crm-client';

const SLASHED = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;

/** The order one stored string proves, or null when both readings are possible (or it is not a date). */
export function orderShownBy(value: unknown): DateOrder | null {
  if (typeof value !== 'string') return null;
  const m = SLASHED.exec(value);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a > 12 && b <= 12) return 'dayFirst';
  if (b > 12 && a <= 12) return 'monthFirst';
  return null;
}

/** The first order any of the strings proves. */
export function learnDateOrder(values: readonly unknown[]): DateOrder | undefined {
  for (const value of values) {
    const order = orderShownBy(value);
    if (order) return order;
  }
  return undefined;
}

/**
 * Unix seconds of a close_date. Numbers are seconds (older data, other clients). A slashed string is
 * read in `order`; without a known order only an unambiguous one is read, never guessed.
 */
export function readCloseDate(value: unknown, order: DateOrder | null): number | null {
  if (typeof value === 'number' && Number.isFinite(value))
    return Math.floor(value > 1e11 ? value / 1000 : value);
  if (typeof value !== 'string') return null;
  const m = SLASHED.exec(value);
  if (!m) return null;
  const use = order ?? orderShownBy(value);
  if (!use) return null;
  const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [month, day] = use === 'monthFirst' ? [a, b] : [b, a];
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? ms / 1000 : null;
}

/** The string to send: the UTC calendar day of `seconds`, in `order`, not zero-padded. */
export function formatCloseDate(seconds: number, order: DateOrder): string {
  const d = new Date(seconds * 1000);
  const [month, day, year] = [d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCFullYear()];
  return order === 'monthFirst' ? `${month}/${day}/${year}` : `${day}/${month}/${year}`;
}
