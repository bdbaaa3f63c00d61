/**
 * The checks a command makes to ASK the user before a transfer of Gmail data: consent, and the
 * prohibited-data guard over bodies (content level `full`) and notes, with what was found. They are
 * for the conversation, not the rule: the logging gate (queue-logs.ts) applies the rules again to
 * every write, and the egress gate checks consent again when the write is sent.
 */
import { type Finding, findProhibitedData, redactProhibitedData } from '../../shared/prohibited-data';
import type { ThreadFacts } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import { t } from '../i18n';
import type { ConsentStore } from '../privacy/consent/consent-store';
import type { Refusal } from './log-policy';
import { messagesOf } from './messages-of';

export type FindingView = {
  kind: Finding['kind'];
  message: number | null;
  of: number | null;
  start: number;
  end: number;
};

/** Kinds and places only: the sidebar words them in the user's language; values never leave. */
export const describeFindings = (
  findings: Finding[],
  message: number | null,
  of: number | null,
): FindingView[] => findings.map((f) => ({ kind: f.kind, message, of, start: f.start, end: f.end }));

/** Why Gmail data may not go to the CRM for this account now, or null if it may. */
export async function transferBlocked(
  consent: Pick<ConsentStore, 'has'>,
  account: string,
): Promise<string | null> {
  return (await consent.has(account, 'emailLogging')) ? null : t('errConsentNeeded');
}

export type GuardedBodies =
  | { ok: true; bodies: Map<string, string> }
  | { ok: false; findings: FindingView[]; mode: 'block' | 'warn' };

/**
 * Bodies for content level `full`, with the guard's verdict. `choice`: what the user already chose
 * after a finding (`redact`, or `send` where the mode is `warn`); `ask` returns the findings.
 */
export async function guardBodies(
  readBodies: (threadId: string, messageIds: string[]) => Promise<Map<string, string>>,
  thread: ThreadFacts,
  settings: Pick<Settings, 'emailContentLevel' | 'prohibitedDataMode'>,
  choice: 'redact' | 'send' | 'ask',
): Promise<GuardedBodies> {
  if (settings.emailContentLevel !== 'full') return { ok: true, bodies: new Map() };
  const messages = messagesOf(thread);
  const bodies = await readBodies(
    thread.threadId,
    messages.map((m) => m.messageId),
  ).catch(() => new Map<string, string>());
  const mode = settings.prohibitedDataMode;
  if (mode === 'off') return { ok: true, bodies };
  const found: FindingView[] = [];
  const clean = new Map<string, string>();
  messages.forEach((m, index) => {
    const text = bodies.get(m.messageId);
    if (text === undefined) return;
    const findings = findProhibitedData(text);
    found.push(...describeFindings(findings, index + 1, messages.length));
    clean.set(m.messageId, findings.length > 0 ? redactProhibitedData(text, findings) : text);
  });
  if (found.length === 0) return { ok: true, bodies };
  if (choice === 'redact') return { ok: true, bodies: clean };
  if (choice === 'send' && mode === 'warn') return { ok: true, bodies };
  return { ok: false, findings: found, mode };
}

/** The guard over a note: null if it may be saved, else what was found. */
export function guardNote(
  text: string,
  mode: Settings['prohibitedDataMode'],
  acknowledged: boolean,
): { mode: 'block' | 'warn'; findings: FindingView[] } | null {
  if (mode === 'off') return null;
  const findings = findProhibitedData(text);
  if (findings.length === 0 || (mode === 'warn' && acknowledged)) return null;
  return { mode, findings: describeFindings(findings, null, null) };
}

/** Why the logging gate refused, in the user's language. */
export function refusalText(refusal: Refusal): string {
  switch (refusal) {
    case 'accountNotAllowed':
      return t('errAccountNotAllowed');
    case 'levelNone':
      return t('errLevelNone');
    case 'consentRequired':
      return t('errConsentNeeded');
    case 'neverLog':
      return t('errNeverLogThread');
    case 'internal':
      return t('errInternalThread');
  }
}
