import { describe, expect, it, vi } from 'vitest';
import { t, uiLocale } from './i18n';

describe('t()', () => {
  it('asks chrome.i18n once for a fixed message, every time for one with substitutions', () => {
    const i18n = (
      globalThis as unknown as { chrome: { i18n: { getMessage(k: string, s?: string[]): string } } }
    ).chrome.i18n;
    const asked = vi.spyOn(i18n, 'getMessage');
    const first = t('appTitle');
    for (let i = 0; i < 10; i += 1) expect(t('appTitle')).toBe(first);
    expect(asked.mock.calls.filter(([key]) => key === 'appTitle').length).toBeLessThanOrEqual(1);
    expect(t('participantsMany', '12')).toBe('12 participants');
    expect(t('participantsMany', '13')).toBe('13 participants');
    asked.mockRestore();
  });
});

describe('uiLocale()', () => {
  it('asks chrome.i18n for the UI language once per page (every formatted value needs it)', () => {
    const i18n = (globalThis as unknown as { chrome: { i18n: { getUILanguage(): string } } }).chrome.i18n;
    const asked = vi.spyOn(i18n, 'getUILanguage');
    const first = uiLocale();
    for (let i = 0; i < 10; i += 1) expect(uiLocale()).toBe(first);
    expect(asked.mock.calls.length).toBeLessThanOrEqual(1);
    expect(first).toBe('en-US');
    asked.mockRestore();
  });
});
