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

  it('builds each formatter once, not once per value (a card formats a dozen)', () => {
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    for (let day = 1; day <= 12; day += 1) formatDate(Date.UTC(2026, 0, day) / 1000);
    expect(made.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
