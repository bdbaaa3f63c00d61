import { GMAIL_ORIGIN } from '../shared/gmail-origin';
import type { Logger } from '../shared/logger';
import type { SenderKind } from '../shared/protocol';
import type { MessageSender, PortLike } from './platform';

export { GMAIL_ORIGIN };

/** The sidebar's page: the one page of ours that speaks for a Gmail tab (its port, its tab lane). */
export const SIDEBAR_PATH = 'src/sidebar/index.html';

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
  if (url.startsWith(`${extensionOrigin}${SIDEBAR_PATH}`))
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

/**
 * Who may open a port: the one check for every runtime port the worker takes (the sidebars' and
 * the content scripts'). A port named `name` is accepted only from a sender Chrome fixed when it
 * opened that is `kind` and in a tab (a port speaks for its tab); any other is logged, by reason
 * only, and closed. Returns the sender's context, or null (refused, or a port of another name).
 */
export function acceptPort(
  port: PortLike,
  name: string,
  kind: SenderKind,
  options: { runtimeId: string; extensionOrigin: string; logger: Logger },
): (SenderContext & { tabId: number }) | null {
  if (port.name !== name) return null;
  const verdict = classifySender(port.sender ?? {}, options.runtimeId, options.extensionOrigin);
  const { tabId } = verdict.ok ? verdict.context : { tabId: null };
  if (verdict.ok && verdict.context.kind === kind && tabId !== null) return { ...verdict.context, tabId };
  options.logger.warn('port.rejected', { reason: verdict.ok ? `not a ${kind} in a tab` : verdict.reason });
  port.disconnect();
  return null;
}
