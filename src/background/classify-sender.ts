import { GMAIL_ORIGIN } from '../shared/gmail-origin';
import type { SenderKind } from '../shared/protocol';
import type { MessageSender } from './platform';

export { GMAIL_ORIGIN };

export interface SenderContext {
  kind: SenderKind;
  tabId: number | null;
  frameId: number | null;
  documentId: string | null;
}

export type SenderVerdict = { ok: true; context: SenderContext } | { ok: false; reason: string };

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Decides which of our contexts sent a message, or rejects it. Only this extension's content
 * script on Gmail and this extension's own pages are accepted (ARCHITECTURE.md, service worker rules).
 * Reasons never include the URL: a Gmail URL carries thread ids, which are Google user data.
 */
export function classifySender(
  sender: MessageSender,
  runtimeId: string,
  extensionOrigin: string,
): SenderVerdict {
  if (sender.id !== runtimeId) return { ok: false, reason: 'sender is not this extension' };
  const url = sender.url ?? '';
  const tabId = sender.tab?.id ?? null;
  const base = { tabId, frameId: sender.frameId ?? null, documentId: sender.documentId ?? null };
  if (url.startsWith(`${extensionOrigin}src/sidebar/`))
    return { ok: true, context: { kind: 'sidebarPage', ...base } };
  // The welcome page connects the CRM with the settings' own form: it is an options page to the worker.
  if (url.startsWith(`${extensionOrigin}src/options/`) || url.startsWith(`${extensionOrigin}src/welcome/`))
    return { ok: true, context: { kind: 'optionsPage', ...base } };
  // The toolbar popup (manifest `action`); also when opened in a tab, as the browser tests do.
  if (url.startsWith(`${extensionOrigin}src/popup/`))
    return { ok: true, context: { kind: 'popupPage', ...base } };
  if (url.startsWith(extensionOrigin)) return { ok: false, reason: 'unexpected extension page' };
  if (originOf(url) === GMAIL_ORIGIN && tabId !== null) {
    return { ok: true, context: { kind: 'gmailContentScript', ...base } };
  }
  return { ok: false, reason: `unexpected sender origin ${originOf(url) ?? '(none)'}` };
}
