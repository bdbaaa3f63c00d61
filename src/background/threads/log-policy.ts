/**
 * The admin's and user's logging rules as pure decisions, applied by the one gate in queue-logs.ts
 * (never by a caller): never-log, internal mail, content level and the prohibited-data guard. Consent
 * and the allowed account domains are checked by the gate itself (they need the database).
 */
import { normaliseAddress } from '../../shared/normalise-address';
import { findProhibitedData, redactProhibitedData } from '../../shared/prohibited-data';
import type { MessageFacts, Participant, ThreadFacts } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import { mayAutoLog } from './may-auto-log';
import { messagesOf } from './messages-of';

export type LogRules = Pick<
  Settings,
  'emailContentLevel' | 'neverLog' | 'internalDomains' | 'prohibitedDataMode' | 'allowedAccountDomains'
>;

/** Why the gate refused a link or a log (the caller words it for the user). */
export type Refusal =
  | 'accountNotAllowed'
  | 'levelNone'
  | 'consentRequired'
  /** Every outside participant is on the never-log list. */
  | 'neverLog'
  /** Nobody outside the user's own, teammates' and internal domains: internal mail is never logged. */
  | 'internal';

type Who = 'outside' | 'neverLog' | 'inside';

/** How the rules see one address: never-log first, then teammates and own or internal domains. */
export function classifyAddress(
  rules: Pick<LogRules, 'neverLog' | 'internalDomains'>,
  account: string,
  teammates: ReadonlySet<string>,
  raw: string,
): Who {
  const address = normaliseAddress(raw);
  if (address === null) return 'inside'; // nothing to match: it cannot make mail "outside"
  if (address === normaliseAddress(account)) return 'inside';
  const verdict = mayAutoLog({
    address,
    isContact: true,
    account,
    teammates,
    internalDomains: rules.internalDomains,
    neverLog: rules.neverLog,
  });
  if (verdict.ok) return 'outside';
  return verdict.reason === 'neverLog' ? 'neverLog' : 'inside';
}

/** The people of one message; a message Gmail did not let us read counts as the whole thread's. */
const peopleOf = (thread: ThreadFacts, message: MessageFacts): readonly Participant[] =>
  message.from.address === '' && message.recipients.length === 0
    ? thread.participants
    : [message.from, ...message.recipients];

/**
 * A message may be logged when none of its people is on the never-log list and at least one of them
 * is outside (not the user, a teammate or an internal domain).
 */
export function messageRefusal(
  rules: LogRules,
  account: string,
  teammates: ReadonlySet<string>,
  thread: ThreadFacts,
  message: MessageFacts,
): 'neverLog' | 'internal' | null {
  const kinds = peopleOf(thread, message).map((p) => classifyAddress(rules, account, teammates, p.address));
  if (kinds.includes('neverLog')) return 'neverLog';
  return kinds.includes('outside') ? null : 'internal';
}

/**
 * A thread may be linked when at least one of its participants is outside and not on the never-log
 * list (a link carries the thread id and, by content level, its subject).
 */
export function linkRefusal(
  rules: LogRules,
  account: string,
  teammates: ReadonlySet<string>,
  thread: ThreadFacts,
): 'neverLog' | 'internal' | null {
  const people = [...thread.participants, ...messagesOf(thread).flatMap((m) => [m.from, ...m.recipients])];
  const kinds = people.map((p) => classifyAddress(rules, account, teammates, p.address));
  if (kinds.includes('outside')) return null;
  return kinds.includes('neverLog') ? 'neverLog' : 'internal';
}

/**
 * The body that may go with a logged message: none below content level `full`; prohibited data
 * removed unless the mode is `off` or the user chose to send it where the mode is `warn`.
 */
export function admittedBody(
  rules: Pick<LogRules, 'emailContentLevel' | 'prohibitedDataMode'>,
  body: string | undefined,
  choice: 'send' | 'redact',
): string | null {
  if (rules.emailContentLevel !== 'full' || body === undefined) return null;
  const mode = rules.prohibitedDataMode;
  if (mode === 'off' || (mode === 'warn' && choice === 'send')) return body;
  const findings = findProhibitedData(body);
  return findings.length > 0 ? redactProhibitedData(body, findings) : body;
}
