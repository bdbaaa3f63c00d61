import { uiLocale as locale } from './i18n';

// Building an Intl formatter costs far more than using one (ICU data is looked up each time), and a
// card render formats a dozen values: one formatter per kind, made on first use and kept.
const kept = new Map<string, object>();
function formatter<F extends object>(kind: string, make: () => F): F {
  const key = `${kind}\n${locale() ?? ''}`;
  let made = kept.get(key) as F | undefined;
  if (!made) {
    made = make();
    kept.set(key, made);
  }
  return made;
}

/**
 * What a formatter already answered, per value: a card's dates and amounts come back on every render
 * and every re-open, and formatting one costs tens of microseconds (about 0.4 ms of each card's
 * render in the sidebar's profile). The page's language never changes while it lives (i18n.ts).
 */
function remembered(format: (value: number) => string): (value: number) => string {
  const seen = new Map<number, string>();
  return (value) => {
    // A Map holds -0 and 0 as one key, while Intl writes "-$0" and "$0": -0 is not remembered.
    if (Object.is(value, -0)) return format(value);
    let text = seen.get(value);
    if (text === undefined) {
      text = format(value);
      if (seen.size >= REMEMBERED_VALUES) seen.clear();
      seen.set(value, text);
    }
    return text;
  };
}
const REMEMBERED_VALUES = 1000;

const money = () =>
  formatter(
    'money',
    () => new Intl.NumberFormat(locale(), { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }),
  );
const date = () => formatter('date', () => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }));
const relative = () => formatter('ago', () => new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }));
const count = () => formatter('count', () => new Intl.NumberFormat(locale()));
const dateTime = () =>
  formatter('dateTime', () => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }));

/** Date and time of day, for exact moments (last sync, an audit row). */
export const formatDateTime = (ms: number): string => dateTime().format(new Date(ms));

const moneyText = remembered((value) => money().format(value));
const dateText = remembered((seconds) => date().format(new Date(seconds * 1000)));

export function formatMoney(value: number | null): string {
  if (value === null) return '';
  return moneyText(value);
}

export function formatDate(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return '';
  return dateText(seconds);
}

/** "3 minutes ago", "yesterday". */
export function formatAgo(seconds: number | null, nowMs: number = Date.now()): string {
  if (seconds === null) return '';
  const diff = Math.round(seconds - nowMs / 1000);
  const rtf = relative();
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(diff, 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86_400), 'day');
}

export const formatCount = (n: number): string => count().format(n);
