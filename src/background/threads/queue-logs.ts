/**
 * Where links and logged messages are queued: every path that transfers a thread to the CRM
 * (Log thread, link, compose logging, auto-log, a deal created from a thread) ends here, after its
 * checks. A mark is written with each write, so a message is queued once per record however often
 * it is asked for.
 */
import { linkKey, messageKey } from '../../db/record-rows';
import type { ThreadlineDb } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import type { ThreadFacts } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import type { Outbox } from '../outbox/outbox';
import { linkActivityText, messageActivityText } from './compose-activity-text';
import { messagesOf } from './messages-of';

export interface QueueDeps {
  db: ThreadlineDb;
  outbox: Pick<Outbox, 'enqueue'>;
  nowMs: () => number;
}

/** Queues a link of the thread to the record, unless it is linked already. */
export async function queueLink(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
  record: RecordRef,
  level: Settings['emailContentLevel'],
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
    payload: { threadId: thread.threadId, record, text: linkActivityText(level, thread.subject) },
  });
  return true;
}

/**
 * Queues one logMessage per message not yet logged on each record (and links each record).
 * `bodies` only at content level `full`, already checked by the guard.
 */
export async function queueLogs(
  deps: QueueDeps,
  account: string,
  thread: ThreadFacts,
  records: readonly RecordRef[],
  settings: Pick<Settings, 'emailContentLevel'>,
  visibility: 'private' | 'team',
  bodies: ReadonlyMap<string, string>,
): Promise<number> {
  if (settings.emailContentLevel === 'none') return 0;
  const level = settings.emailContentLevel;
  let queued = 0;
  for (const record of records) {
    await queueLink(deps, account, thread, record, level);
    const recordKey = recordKeyOf(record);
    for (const message of messagesOf(thread)) {
      const key = messageKey(message.messageId, recordKey);
      if (await deps.db.threadMarks.get([account, key])) continue;
      await deps.db.threadMarks.put({
        account,
        markKey: key,
        kind: 'message',
        threadId: thread.threadId,
        messageId: message.messageId,
        recordKey,
        activityId: null,
        active: true,
        at: message.date ?? Math.floor(deps.nowMs() / 1000),
      });
      await deps.outbox.enqueue(account, recordKey, {
        op: 'logMessage',
        payload: {
          threadId: thread.threadId,
          messageId: message.messageId,
          record,
          at: message.date,
          text: messageActivityText({
            level,
            subject: thread.subject,
            message,
            visibility,
            body: bodies.get(message.messageId) ?? null,
          }),
        },
      });
      queued += 1;
    }
  }
  return queued;
}
