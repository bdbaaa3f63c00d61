/**
 * The sidebar's and compose's write commands: link and unlink, log, notes, tasks, deals, compose
 * logging. Each checks what it must (the thread is the tab's own, consent, the guard), updates the
 * cache so the sidebar shows it at once, and queues the write in the outbox (durable, ordered per
 * record, never duplicated).
 */

import { accountNumber } from '../../db/key-prefix';
import { linkKey } from '../../db/record-rows';
import { emailKey, recordRow } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import { normaliseAddress } from '../../shared/normalise-address';
import type { RequestOf, ResponseOf, ThreadFacts } from '../../shared/protocol';
import { accountAllowed } from '../../shared/settings';
import { t } from '../i18n';
import type { Outbox } from '../outbox/outbox';
import type { ConsentStore } from '../privacy/consent/consent-store';
import { saveDateOrder } from '../sync/date-order';
import { linkActivityText } from './compose-activity-text';
import { guardBodies, guardNote, refusalText, transferBlocked } from './logging-guard';
import { admitLink, type QueueDeps, queueLink, queueLogs } from './queue-logs';

export interface ThreadCommandDeps extends QueueDeps {
  outbox: Pick<Outbox, 'enqueue' | 'once'>;
  consent: Pick<ConsentStore, 'has'>;
  /** The thread open in the tab, if it is `threadId` (the sidebar may act only on its own thread). */
  openThread: (tabId: number | null, account: string, threadId: string) => Promise<ThreadFacts | null>;
  /** Plain-text bodies, read by the tab's content script (only for content level `full`). */
  readBodies: (tabId: number, threadId: string, messageIds: string[]) => Promise<Map<string, string>>;
  /** An id for a record shown before the CRM made it (negative, unique). */
  provisionalId: () => number;
  /** Something changed for the account: refresh its views and drain the outbox. */
  changed: (account: string) => Promise<void>;
}

type Done = { ok: true } | { ok: false; error: string };

export function createThreadCommands(deps: ThreadCommandDeps) {
  const { db, outbox, consent, nowMs } = deps;
  const nowSec = () => Math.floor(nowMs() / 1000);
  const readerFor =
    (tabId: number | null) =>
    (threadId: string, messageIds: string[]): Promise<Map<string, string>> =>
      tabId === null ? Promise.resolve(new Map()) : deps.readBodies(tabId, threadId, messageIds);

  return {
    async linkThread(request: RequestOf<'linkThread'>, tabId: number | null): Promise<Done> {
      const thread = await deps.openThread(tabId, request.account, request.threadId);
      if (!thread) return { ok: false, error: t('errThreadClosed') };
      const blocked = await transferBlocked(consent, request.account);
      if (blocked) return { ok: false, error: blocked };
      const linked = await queueLink(deps, request.account, thread, request.record);
      if (!linked.ok) return { ok: false, error: refusalText(linked.refusal) };
      await deps.changed(request.account);
      return { ok: true };
    },

    async unlinkThread(request: RequestOf<'unlinkThread'>, tabId: number | null): Promise<Done> {
      const thread = await deps.openThread(tabId, request.account, request.threadId);
      if (!thread) return { ok: false, error: t('errThreadClosed') };
      const blocked = await transferBlocked(consent, request.account);
      if (blocked) return { ok: false, error: blocked };
      const recordKey = recordKeyOf(request.record);
      await db.threadMarks.update([request.account, linkKey(request.threadId, recordKey)], { active: false });
      const { settings } = await deps.settings();
      await outbox.enqueue(request.account, recordKey, {
        op: 'unlinkThread',
        payload: {
          threadId: request.threadId,
          record: request.record,
          text: `${linkActivityText(settings.emailContentLevel, thread.subject)} (unlinked)`,
        },
      });
      await deps.changed(request.account);
      return { ok: true };
    },

    async logThread(request: RequestOf<'logThread'>, tabId: number | null): Promise<ResponseOf<'logThread'>> {
      const thread = await deps.openThread(tabId, request.account, request.threadId);
      if (!thread) return { ok: false, error: t('errThreadClosed') };
      const blocked = await transferBlocked(consent, request.account);
      if (blocked) return { ok: false, error: blocked, needsConsent: true };
      const { settings } = await deps.settings();
      if (settings.emailContentLevel === 'none') return { ok: false, error: t('errLevelNone') };
      const guarded = await guardBodies(readerFor(tabId), thread, settings, request.prohibited ?? 'ask');
      if (!guarded.ok) {
        return {
          ok: false,
          error: guarded.mode === 'block' ? t('errGuardThreadBlock') : t('errGuardThreadWarn'),
          prohibited: { mode: guarded.mode, findings: guarded.findings },
        };
      }
      // The user's answer to the guard travels with the bodies: the gate applies the mode again, and at
      // level "full" leaves a message whose body Gmail did not give unlogged, for a later Log.
      const logged = await queueLogs(
        deps,
        request.account,
        thread,
        request.records,
        guarded.bodies,
        request.prohibited === 'send' ? 'send' : 'redact',
      );
      if (logged.refusal !== null) return { ok: false, error: refusalText(logged.refusal) };
      await deps.changed(request.account);
      if (logged.queued === 0 && logged.unread > 0) return { ok: false, error: t('errBodiesUnread') };
      return { ok: true, queued: logged.queued, unread: logged.unread };
    },

    async addNote(request: RequestOf<'addNote'>): Promise<ResponseOf<'addNote'>> {
      const { settings } = await deps.settings();
      const found = guardNote(
        request.text,
        settings.prohibitedDataMode,
        request.acknowledgeProhibited === true,
      );
      if (found) {
        return {
          ok: false,
          error: found.mode === 'block' ? t('errGuardNoteBlock') : t('errGuardNoteWarn'),
          prohibited: found,
        };
      }
      await outbox.once(request.actionId, [], (enqueue) =>
        enqueue(request.account, recordKeyOf(request.record), {
          op: 'addNote',
          payload: { record: request.record, text: request.text.trim(), before: null },
        }),
      );
      await deps.changed(request.account);
      return { ok: true };
    },

    async createTask(request: RequestOf<'createTask'>): Promise<Done> {
      const provisionalId = deps.provisionalId();
      await outbox.once(request.actionId, [db.tasks], async (enqueue) => {
        await db.tasks.put({
          account: request.account,
          id: provisionalId,
          name: request.name.trim(),
          relatedKey: request.related ? recordKeyOf(request.related) : null,
          dueDate: request.dueDate,
          priority: request.priority,
          status: 'Open',
          modifiedAt: nowSec(),
          pending: true,
        });
        await enqueue(request.account, `task:${provisionalId}`, {
          op: 'createTask',
          payload: {
            name: request.name.trim(),
            related: request.related,
            dueDate: request.dueDate,
            priority: request.priority,
            provisionalId,
            before: null,
          },
        });
      });
      await deps.changed(request.account);
      return { ok: true };
    },

    async setTaskStatus(request: RequestOf<'setTaskStatus'>): Promise<Done> {
      const row = await db.tasks.get([request.account, request.taskId]);
      if (!row) return { ok: false, error: t('errTaskGone') };
      if (row.id < 0) return { ok: false, error: t('errTaskSaving') };
      await db.tasks.put({ ...row, status: request.status, pending: true });
      await outbox.enqueue(request.account, `task:${request.taskId}`, {
        op: 'setTaskStatus',
        payload: { taskId: request.taskId, status: request.status },
      });
      await deps.changed(request.account);
      return { ok: true };
    },

    async createDeal(request: RequestOf<'createDeal'>, tabId: number | null): Promise<Done> {
      const pipeline = await db.pipelines.get([request.account, request.pipelineId]);
      if (!pipeline?.stages.some((s) => s.id === request.stageId))
        return { ok: false, error: t('errChooseStage') };
      const thread = request.threadId
        ? await deps.openThread(tabId, request.account, request.threadId)
        : null;
      // The link the outbox makes once the deal exists passes the same gate, now.
      const link = thread ? await admitLink(deps, request.account, thread) : null;
      const provisionalId = deps.provisionalId();
      // Said once in the deal form: every later deal uses it (sync/date-order.ts).
      if (request.dateOrder) await saveDateOrder(db, request.dateOrder);
      await outbox.once(request.actionId, [db.opportunities], async (enqueue) => {
        await db.opportunities.put({
          account: request.account,
          accountNo: accountNumber(request.account),
          id: provisionalId,
          name: request.name.trim(),
          pipelineId: request.pipelineId,
          stageId: request.stageId,
          status: 'Open',
          companyId: request.companyId,
          primaryContactId: request.primaryContactId,
          value: request.value,
          closeDate: request.closeDate,
          modifiedAt: nowSec(),
          searchKeys: [],
        });
        await enqueue(request.account, `deal:${provisionalId}`, {
          op: 'createDeal',
          payload: {
            // The save's id is the deal's marker in the CRM too.
            idempotencyKey: request.actionId,
            name: request.name.trim(),
            pipelineId: request.pipelineId,
            stageId: request.stageId,
            value: request.value,
            closeDate: request.closeDate,
            ...(request.dateOrder ? { dateOrder: request.dateOrder } : {}),
            primaryContactId: request.primaryContactId,
            companyId: request.companyId,
            provisionalId,
            link: link?.ok && thread ? { threadId: thread.threadId, text: link.text } : null,
            before: null,
          },
        });
      });
      await deps.changed(request.account);
      return { ok: true };
    },

    async updateDeal(request: RequestOf<'updateDeal'>): Promise<Done> {
      const row = await recordRow(db.opportunities, request.account, request.dealId);
      if (!row) return { ok: false, error: t('errDealGone') };
      const patch = {
        ...(request.stageId === undefined ? {} : { stageId: request.stageId }),
        ...(request.status === undefined ? {} : { status: request.status }),
      };
      if (patch.stageId !== undefined && row.pipelineId !== null) {
        const pipeline = await db.pipelines.get([request.account, row.pipelineId]);
        if (!pipeline?.stages.some((s) => s.id === patch.stageId))
          return { ok: false, error: t('errStageNotInPipeline') };
      }
      await db.opportunities.put({ ...row, ...patch });
      await outbox.enqueue(request.account, `opportunity:${request.dealId}`, {
        op: 'updateDeal',
        payload: { dealId: request.dealId, patch },
      });
      await deps.changed(request.account);
      return { ok: true };
    },

    async composeDefaults(request: RequestOf<'composeDefaults'>): Promise<ResponseOf<'composeDefaults'>> {
      const { settings } = await deps.settings();
      const allowed =
        accountAllowed(settings, request.account) &&
        settings.emailContentLevel !== 'none' &&
        (await transferBlocked(consent, request.account)) === null;
      const linked =
        request.threadId !== null &&
        (
          await db.threadMarks
            .where('[account+threadId]')
            .equals([request.account, request.threadId])
            .toArray()
        ).some((m) => m.kind === 'link' && m.active);
      return { allowed, logToCrm: allowed && (settings.autoLogDefault || linked) };
    },

    /** A message sent with "Log to CRM" on: logged on the thread's links, else on its recipients in the CRM. */
    async composeSent(request: RequestOf<'composeSent'>): Promise<ResponseOf<'composeSent'>> {
      const { account } = request;
      const marks = await db.threadMarks
        .where('[account+threadId]')
        .equals([account, request.threadId])
        .toArray();
      let records: RecordRef[] = marks
        .filter((m) => m.kind === 'link' && m.active)
        .map((m) => {
          const [type, id] = m.recordKey.split(':') as [RecordRef['type'], string];
          return { type, id: Number(id) };
        });
      if (records.length === 0) {
        const teammates = await deps.teammatesOf(account);
        for (const r of request.recipients) {
          const address = normaliseAddress(r.address);
          if (!address || teammates.has(address)) continue;
          const person = await db.people
            .where('emailKeys')
            .equals(emailKey(account, address))
            .filter((row) => row.account === account) // keys carry a tag, not the address (key-prefix.ts)
            .first();
          if (person && person.id > 0) records.push({ type: 'person', id: person.id });
        }
        records = records.slice(0, 20);
      }
      if (records.length === 0) return { logged: 0 };
      const thread: ThreadFacts = {
        threadId: request.threadId,
        subject: request.subject,
        participants: request.recipients,
        messageIds: [request.messageId],
        messages: [
          {
            messageId: request.messageId,
            from: { name: '', address: account },
            recipients: request.recipients,
            date: nowSec(),
          },
        ],
      };
      // Nobody to ask at send time: the gate removes prohibited data (unless the mode is off). Without
      // a body (read below level "full") the gate at "full" leaves the message for a later Log.
      const bodies = new Map(request.body === null ? [] : [[request.messageId, request.body]]);
      const { queued } = await queueLogs(deps, account, thread, records, bodies, 'redact');
      if (queued > 0) await deps.changed(account);
      return { logged: queued };
    },
  };
}
export type ThreadCommands = ReturnType<typeof createThreadCommands>;
