/**
 * The worker's user-facing words (answers the pages show: errors, failed changes) in the browser's
 * language, through chrome.i18n like the pages (src/ui/i18n.ts). The one place the worker reads
 * chrome.i18n; unit tests install the English messages (test/unit/setup.ts).
 */
import type { MessageKey } from '../shared/message-key';

interface I18nApi {
  getMessage(key: string, subs?: string[]): string;
}

export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const api = (globalThis as { chrome?: { i18n?: I18nApi } }).chrome?.i18n;
  return api?.getMessage(key, subs.map(String)) || key;
}
