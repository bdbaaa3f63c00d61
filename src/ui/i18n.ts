/**
 * Every user-facing string of the pages goes through here: chrome.i18n with the messages of
 * public/_locales/<locale>/messages.json (a test keeps every locale complete and a scan keeps
 * components free of hard-coded text). `$1`…`$9` in a message are filled from `subs`.
 */
import type { MessageKey } from '../shared/message-key';

export type { MessageKey };

interface I18nApi {
  getMessage(key: string, subs?: string[]): string;
  getUILanguage(): string;
}

const api = (): I18nApi | undefined => (globalThis as { chrome?: { i18n?: I18nApi } }).chrome?.i18n;

// A page's messages never change while it lives, and a render asks for hundreds (each a call into
// the extension bindings): the fixed ones are kept after their first use.
const fixed = new Map<string, string>();

export function t(key: MessageKey, ...subs: (string | number)[]): string {
  if (subs.length === 0) {
    const kept = fixed.get(key);
    if (kept !== undefined) return kept;
  }
  // A missing message shows its key (visible in review) rather than nothing.
  const text = api()?.getMessage(key, subs.map(String)) || key;
  if (subs.length === 0 && text !== key) fixed.set(key, text);
  return text;
}

let locale: { value: string | undefined } | null = null;

/**
 * The browser's UI language (the one chrome.i18n picked messages for): dates and numbers follow it.
 * Asked once per page, like the messages: a card formats a dozen values, each asking for it.
 */
export function uiLocale(): string | undefined {
  locale ??= {
    value: api()?.getUILanguage() || (typeof navigator === 'undefined' ? undefined : navigator.language),
  };
  return locale.value;
}
