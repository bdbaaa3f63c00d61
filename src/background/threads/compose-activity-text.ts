import type { MessageFacts, Participant } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';

type Level = Settings['emailContentLevel'];

const who = (p: Participant): string => (p.name ? `${p.name} <${p.address}>` : p.address);

/**
 * The visible text of a logged message, by content level (reference/limited-use.md): `metadata` is
 * participants, subject and date; `full` adds the plain-text body. `none` logs nothing (callers
 * refuse before getting here). The marker line is appended by the outbox. No "visibility" line: the
 * CRM's API has no visibility on activities, so who sees a log is the CRM's record permissions.
 */
export function messageActivityText(input: {
  level: Exclude<Level, 'none'>;
  subject: string;
  message: MessageFacts;
  body: string | null;
}): string {
  const { message } = input;
  const lines = [
    `E-mail: ${input.subject || '(no subject)'}`,
    `From: ${who(message.from)}`,
    `To: ${message.recipients.map(who).join(', ') || '—'}`,
    ...(message.date === null ? [] : [`Date: ${new Date(message.date * 1000).toISOString()}`]),
  ];
  if (input.level === 'full' && input.body !== null && input.body.trim() !== '')
    lines.push('', input.body.trim());
  return lines.join('\n');
}

/** The visible text of a link: the subject only when the level allows metadata. */
export function linkActivityText(level: Level, subject: string): string {
  return level === 'none' || subject.trim() === ''
    ? 'Gmail thread linked with Threadline'
    : `Gmail thread linked with Threadline: ${subject}`;
}
