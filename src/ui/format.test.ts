import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatAgo, formatCount, formatDate, formatMoney } from './format';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('formatting', () => {
  it('formats money, dates, counts and relative times in the UI language', () => {
    expect(formatMoney(48000)).toBe('$48,000');
    expect(formatMoney(null)).toBe('');
    expect(formatDate(Date.UTC(2026, 6, 7, 12) / 1000)).toBe('Jul 7, 2026');
    expect(formatDate(0)).toBe('');
    expect(formatCount(12345)).toBe('12,345');
    expect(formatAgo(1_000, 1_120_000)).toBe('2 minutes ago');
    expect(formatAgo(1_000, 1_000_000 + 2 * 86_400_000)).toBe('2 days ago');
  });

  it('formats each date and amount once: a card shown again reuses the words', () => {
    // `format` is an accessor on Intl's prototypes (ECMA-402): each use reads it.
    const accessor = (prototype: object) => prototype as { format: unknown };
    const dates = vi.spyOn(accessor(Intl.DateTimeFormat.prototype), 'format', 'get');
    const amounts = vi.spyOn(accessor(Intl.NumberFormat.prototype), 'format', 'get');
    const at = Date.UTC(2026, 2, 3, 9) / 1000;
    const first = [formatDate(at), formatMoney(1234)];
    const used = [dates.mock.calls.length, amounts.mock.calls.length];
    expect([formatDate(at), formatMoney(1234)]).toEqual(first);
    expect([dates.mock.calls.length, amounts.mock.calls.length]).toEqual(used);
    expect(used[0]).toBeGreaterThan(0); // the first time went to Intl
    expect(formatDate(at + 86_400)).toBe('Mar 4, 2026'); // another value is formatted
    // -0 and 0 are one key of a Map, but Intl writes them apart: neither takes the other's words.
    const negativeZero = formatMoney(-0);
    expect(formatMoney(0)).toBe('$0');
    expect(formatMoney(-0)).toBe(negativeZero);
  });

  it('builds each formatter once, not once per value (a card formats a dozen)', () => {
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    for (let day = 1; day <= 12; day += 1) formatDate(Date.UTC(2026, 0, day) / 1000);
    expect(made.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
