import type { Db } from '../db/open-database';
import { invalid } from '../http/copper-error';
import type { DateOrder } from '../route-context';

/**
 * Opportunity `close_date` is a string in the user's date order, "MM/DD/YYYY" or "DD/MM/YYYY", not
 * zero-padded ("1/23/2017"); the API does not say which order an account uses (reference,
 * "Dates"). The server keeps one order per database (meta `date_order`), reads a sent date in that
 * order, refuses what is not a date in it, and answers in it. A date with day and month both ≤ 12
 * sent in the other order is stored swapped, silently, as Copper would.
 */
export function storedDateOrder(db: Db): DateOrder {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'date_order'").get() as
    | { value: string }
    | undefined;
  return row?.value === 'DD/MM' ? 'DD/MM' : 'MM/DD';
}

export function saveDateOrder(db: Db, order: DateOrder): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('date_order', ?)").run(order);
}

/** Unix seconds (UTC midnight) → the account's string form. */
export function formatCloseDate(seconds: number, order: DateOrder): string {
  const d = new Date(seconds * 1000);
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return order === 'MM/DD'
    ? `${month}/${day}/${d.getUTCFullYear()}`
    : `${day}/${month}/${d.getUTCFullYear()}`;
}

/** A sent close_date in the account's order → its normalised string; 422 when it is not a date. */
export function normaliseCloseDate(value: string, order: DateOrder): string {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(value);
  if (!match) throw invalid('Close date: is not a valid date');
  const [a, b, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [month, day] = order === 'MM/DD' ? [a, b] : [b, a];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw invalid('Close date: is not a valid date');
  }
  return formatCloseDate(date.getTime() / 1000, order);
}
