/**
 * THE logging gate: every path that transfers a thread to the CRM (Log thread, link, compose
 * logging, auto-log, a deal created from a thread) queues through here, and nothing else enqueues a
 * link or a logged message. Whatever a caller checked before (to ask the user, to show an error),
 * the gate applies the rules again from the settings in force now: the allowed account domains,
 * content level, consent, never-log, internal mail and the prohibited-data guard (log-policy.ts).
 * A mark is written with each write, so a message is queued once per record however often it is
 * asked for. At content level "full" a message is logged with its body or not yet: one whose body
 * the caller could not read from Gmail is neither queued nor marked, so a later pass logs it whole.
 */
import { linkKey, messageKey } from '../../db/record-rows';
import type { ThreadlineDb } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import { normaliseAddress } from '../../shared/normalise-address';
import type { ThreadFacts } from '../../shared/protocol';
import { accountAllowed, type Settings } from '../../shared/settings';
import type { Outbox } from '../outbox/outbox';
import type { ConsentStore } from '../privacy/consent/consent-store';
import { linkActivityText, messageActivityText } from './compose-activity-text';
import { admittedBody, linkRefusal, messageRefusal, type Refusal } from './log-policy';
import { messagesOf } from './messages-of';

export interface QueueDeps {
  db: ThreadlineDb;
  outbox: Pick<Outbox, 'enqueue'>;
  nowMs: () => number;
  /** The settings in force (admin policy over the user's), read at every pass through the gate. */
  settings: () => Promise<{ settings: Settings }>;
  consent: Pick<ConsentStore, 'has'>;
  teammatesOf: (account: string) => Promise<Set<string>>;
}

export type { Refusal } from './log-policy';

type Admitted = { ok: true; settings: Settings; teammates: Set<string> } | { ok: false; refusal: Refusal };

/** The rules that hold for the whole transfer, before any single message is looked at. */
async function admit(deps: QueueDeps, account: string): Promise<Admitted> {
  const { settings } = await deps.settings();
  if (!accountAllowed(settings, account)) return { ok: false, refusal: 'accountNotAllowed' };
  if (settings.emailContentLevel === 'none') return { ok: false, refusal: 'levelNone' };
  if (!(await deps.consent.has(account, 'emailLogging'))) return { ok: false, refusal: 'consentRequired' };
  return { ok: true, settings, teammates: await deps.teammatesOf(account) };
}

export type LinkAdmission = { ok: true; text: string } | { ok: false; refusal: Refusal };

/**
 * Whether the thread may be linked now, and the link activity's text (by content level). A deal
 * created from a thread carries this text for the link the outbox makes once the deal exists.
 */
export async function admitLink(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
): Promise<LinkAdmission> {
  const admitted = await admit(deps, account);
  if (!admitted.ok) return admitted;
  const refusal = linkRefusal(admitted.settings, account, admitted.teammates, thread);
  if (refusal !== null) return { ok: false, refusal };
  return { ok: true, text: linkActivityText(admitted.settings.emailContentLevel, thread.subject) };
}

/**
 * The link's mark and its write, for a record not linked yet (false: linked already). Called inside
 * a transaction over threadMarks and outbox: a mark is never stored without its write, or a worker
 * stopped between the two would leave a message marked as queued that never goes out.
 */
async function putLink(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
  record: RecordRef,
  text: string,
): Promise<boolean> {
  const recordKey = recordKeyOf(record);
  const key = linkKey(thread.threadId, recordKey);
  const existing = await deps.db.threadMarks.get([account, key]);
  if (existing?.active) return false;
  await deps.db.threadMarks.put({
    account,
    markKey: key,
    kind: 'link',
    threadId: thread.threadId,
    messageId: null,
    recordKey,
    activityId: existing?.activityId ?? null,
    active: true,
    at: Math.floor(deps.nowMs() / 1000),
  });
  await deps.outbox.enqueue(account, recordKey, {
    op: 'linkThread',
    payload: { threadId: thread.threadId, record, text },
  });
  return true;
}

/** Runs `work` in one read-write transaction over the marks and the outbox (see putLink). */
const markAndQueue = <T>(deps: QueueDeps, work: () => Promise<T>): Promise<T> =>
  deps.db.transaction('rw', deps.db.threadMarks, deps.db.outbox, work);

/** Queues a link of the thread to the record if the gate admits it (false: linked already). */
export async function queueLink(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
  record: RecordRef,
): Promise<{ ok: true; queued: boolean } | { ok: false; refusal: Refusal }> {
  const admission = await admitLink(deps, account, thread);
  if (!admission.ok) return admission;
  const queued = await markAndQueue(deps, () => putLink(deps, account, thread, record, admission.text));
  return { ok: true, queued };
}

export interface QueuedLogs {
  /** Messages queued (already logged ones are not counted). */
  queued: number;
  /**
   * Messages the rules admit that wait for their bodies (level "full", not read from Gmail): neither
   * queued nor marked. Already logged ones are not counted.
   */
  unread: number;
  /** Why nothing at all was queued, when the gate refused the whole transfer. */
  refusal: Refusal | null;
}

/**
 * Queues one logMessage per message not yet logged on each record (and links each record), for the
 * messages the rules admit. `bodies`: what the caller read (content level `full` only); the gate
 * drops them below `full` and removes prohibited data unless `choice` is `send` where the mode is
 * `warn` (or the mode is `off`).
 */
export async function queueLogs(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
  records: readonly RecordRef[],
  bodies: ReadonlyMap<string, string>,
  choice: 'send' | 'redact' = 'redact',
): Promise<QueuedLogs> {
  const admitted = await admit(deps, account);
  if (!admitted.ok) return { queued: 0, unread: 0, refusal: admitted.refusal };
  const { settings, teammates } = admitted;
  const level = settings.emailContentLevel === 'full' ? 'full' : 'metadata';
  const messages = messagesOf(thread).filter(
    (m) => messageRefusal(settings, account, teammates, thread, m) === null,
  );
  if (messages.length === 0) {
    return { queued: 0, unread: 0, refusal: linkRefusal(settings, account, teammates, thread) ?? 'internal' };
  }
  // Decided after the rules: a message they refuse is refused, whether or not its body was read.
  const waits = (m: { messageId: string }) => level === 'full' && !bodies.has(m.messageId);
  const waiting = new Set<string>();
  const linkText = linkActivityText(settings.emailContentLevel, thread.subject);
  // One transaction for the whole thread (a 200-message thread is one commit, not 400), and the
  // marks already there read in one go.
  const queued = await markAndQueue(deps, async () => {
    let count = 0;
    for (const record of records) {
      await putLink(deps, account, thread, record, linkText);
      const recordKey = recordKeyOf(record);
      const keys = messages.map((m) => messageKey(m.messageId, recordKey));
      const existing = await deps.db.threadMarks.bulkGet(keys.map((k) => [account, k] as [string, string]));
      const fresh = messages.filter((m, i) => {
        if (existing[i] !== undefined) return false;
        if (!waits(m)) return true;
        waiting.add(m.messageId);
        return false;
      });
      if (fresh.length === 0) continue;
      await deps.db.threadMarks.bulkPut(
        fresh.map((message) => ({
          account,
          markKey: messageKey(message.messageId, recordKey),
          kind: 'message' as const,
          threadId: thread.threadId,
          messageId: message.messageId,
          recordKey,
          activityId: null,
          active: true,
          at: message.date ?? Math.floor(deps.nowMs() / 1000),
        })),
      );
      for (const message of fresh) {
        await deps.outbox.enqueue(account, recordKey, {
          op: 'logMessage',
          payload: {
            threadId: thread.threadId,
            messageId: message.messageId,
            record,
            at: message.date,
            // Whether the user sent it: a CRM that records a direction (HubSpot) writes it.
            outgoing: normaliseAddress(message.from.address) === (normaliseAddress(account) ?? ''),
            text: messageActivityText({
              level,
              subject: thread.subject,
              message,
              body: admittedBody(settings, bodies.get(message.messageId), choice),
            }),
          },
        });
      }
      count += fresh.length;
    }
    return count;
  });
  return { queued, unread: waiting.size, refusal: null };
}
