import { uiLocale as locale } from '../ui/i18n';

export function formatMoney(value: number | null): string {
  if (value === null) return '';
  return new Intl.NumberFormat(locale(), {
    style: 'currency',
    currency: 'USD',
    maximumFractionDigits: 0,
  }).format(value);
}

export function formatDate(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(new Date(seconds * 1000));
}

/** "3 minutes ago", "yesterday". */
export function formatAgo(seconds: number | null, nowMs: number = Date.now()): string {
  if (seconds === null) return '';
  const diff = Math.round(seconds - nowMs / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(diff, 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86_400), 'day');
}

export const formatCount = (n: number): string => new Intl.NumberFormat(locale()).format(n);
