/**
 * A thread's extras: its links, logged-message count, tasks, the account's pipelines, consent and
 * the settings the sidebar's actions need. They follow the view, off the time-to-card path.
 */

import { recordRow, type ThreadlineDb } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import { DISCLOSURE } from '../../shared/disclosure';
import type { ThreadFacts } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import type { ThreadExtras } from '../../shared/thread-extras';
import type { ConsentStore } from '../privacy/consent/consent-store';
import { storedDateOrder } from '../sync/date-order';
import { messagesOf } from '../threads/messages-of';

export interface ExtrasDeps {
  db: ThreadlineDb;
  consent: Pick<ConsentStore, 'has'>;
  settings: () => Promise<{ settings: Settings; locked: readonly (keyof Settings)[] }>;
}

export async function readExtras(
  deps: ExtrasDeps,
  account: string,
  thread: ThreadFacts,
  recordKeys: readonly string[],
): Promise<ThreadExtras> {
  const [{ settings, locked }, marks, pipelines, pendingLinks, crmDateOrder] = await Promise.all([
    deps.settings(),
    deps.db.threadMarks.where('[account+threadId]').equals([account, thread.threadId]).toArray(),
    deps.db.pipelines.where('[account+id]').between([account, -Infinity], [account, Infinity]).toArray(),
    deps.db.outbox.where('[account+state]').equals([account, 'pending']).toArray(),
    storedDateOrder(deps.db),
  ]);
  const pendingKeys = new Set(
    pendingLinks
      .filter((r) => r.op === 'linkThread')
      .map((r) => {
        const p = r.payload as { threadId: string; record: RecordRef };
        return p.threadId === thread.threadId ? recordKeyOf(p.record) : '';
      }),
  );
  const linkRows = marks.filter((m) => m.kind === 'link' && m.active);
  const links = await Promise.all(
    linkRows.map(async (m) => {
      const [type, idText] = m.recordKey.split(':') as [RecordRef['type'], string];
      const id = Number(idText);
      const row =
        type === 'person'
          ? await recordRow(deps.db.people, account, id)
          : type === 'company'
            ? await recordRow(deps.db.companies, account, id)
            : type === 'lead'
              ? await recordRow(deps.db.leads, account, id)
              : await recordRow(deps.db.opportunities, account, id);
      return { type, id, title: row?.name ?? `${type} ${id}`, pending: pendingKeys.has(m.recordKey) };
    }),
  );
  const loggedIds = new Set(marks.filter((m) => m.kind === 'message').map((m) => m.messageId));
  const keys = [...new Set([...recordKeys, ...linkRows.map((m) => m.recordKey)])];
  const tasks =
    keys.length === 0
      ? []
      : await deps.db.tasks
          .where('[account+relatedKey]')
          .anyOf(keys.map((k) => [account, k]))
          .toArray();
  // Read last: a grant stored while the reads above ran shows here. Extras that still miss it read
  // consent before the grant's write (the database answers one store's reads and writes in the
  // order they were made) and `has` then answers without waiting on anything more, so they are
  // sent before the grant's answer, which waits on further writes. They travel on another channel
  // than that answer, so arriving first is likely, not certain; the grant then refreshes the views,
  // and the extras that follow say it.
  const consentOk = await deps.consent.has(account, 'emailLogging');
  return {
    links,
    loggedMessages: messagesOf(thread).filter((m) => loggedIds.has(m.messageId)).length,
    messageCount: messagesOf(thread).length,
    tasks: tasks
      .sort((a, b) =>
        a.status === b.status
          ? (a.dueDate ?? Infinity) - (b.dueDate ?? Infinity)
          : a.status === 'Open'
            ? -1
            : 1,
      )
      .slice(0, 50)
      .map((t) => ({
        id: t.id,
        name: t.name,
        relatedKey: t.relatedKey,
        dueDate: t.dueDate,
        priority: t.priority,
        status: t.status,
        pending: t.pending === true,
      })),
    pipelines: pipelines.map(({ account: _a, ...p }) => p),
    crmDateOrder,
    consent: { emailLogging: consentOk, version: DISCLOSURE.version },
    settings: {
      emailContentLevel: settings.emailContentLevel,
      autoLog: settings.autoLogDefault,
      autoLogChangeable: settings.autoLogUserChangeable && !locked.includes('autoLogDefault'),
      prohibitedDataMode: settings.prohibitedDataMode,
      disclosureUrl: settings.disclosureTextUrl,
    },
  };
}
