import {
  companyRow,
  leadRow,
  linkKey,
  messageKey,
  opportunityRow,
  personRow,
  taskRow,
  threadMarkRow,
} from '../../db/record-rows';
import { isStorageFull, StorageFullError } from '../../db/storage-full';
import type { OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import type { Logger } from '../../shared/logger';
import { domainOf, isPublicEmailDomain } from '../../shared/normalise-address';
import { markerLine, parseMarker } from '../../shared/threadline-marker';
import { backoffDelay } from '../crm/backoff';
import type {
  CrmClient,
  NewOpportunity,
  OpportunityPatch,
  PersonPatch,
  SyncedActivity,
} from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { storedDateOrder } from '../sync/date-order';

export type OutboxOp =
  | {
      op: 'addPerson';
      payload: { address: string; name: string; companyName: string | null; provisionalId: number };
    }
  | { op: 'addLead'; payload: { address: string; name: string; companyName: string | null } }
  | { op: 'updatePerson'; payload: { personId: number; patch: PersonPatch } }
  /** `text` is the activity's visible part; the marker line is added when it is sent. */
  | { op: 'linkThread'; payload: { threadId: string; record: RecordRef; text: string } }
  | { op: 'unlinkThread'; payload: { threadId: string; record: RecordRef; text: string } }
  | {
      op: 'logMessage';
      payload: {
        threadId: string;
        messageId: string;
        record: RecordRef;
        text: string;
        at: number | null;
        /** Sent by the user (absent in writes queued before it existed: taken as sent). */
        outgoing?: boolean;
      };
    }
  | { op: 'addNote'; payload: { record: RecordRef; text: string } }
  | {
      op: 'createTask';
      payload: {
        name: string;
        related: RecordRef | null;
        dueDate: number | null;
        priority: 'None' | 'High';
        provisionalId: number;
      };
    }
  | { op: 'setTaskStatus'; payload: { taskId: number; status: 'Open' | 'Completed' } }
  | {
      op: 'createDeal';
      /** `link`: link the thread to the new deal once it exists (its id is known only then). */
      payload: NewOpportunity & { provisionalId: number; link?: { threadId: string; text: string } | null };
    }
  | { op: 'updateDeal'; payload: { dealId: number; patch: OpportunityPatch } };

/** Writes that carry data read from Gmail: withdrawing consent stops them (privacy/consent). */
export const GMAIL_DATA_OPS: readonly string[] = ['linkThread', 'unlinkThread', 'logMessage'];

export interface Outbox {
  enqueue(account: string, recordKey: string, write: OutboxOp): Promise<void>;
  /** Sends what is due, in order per record; returns when nothing more is due now. */
  drain(): Promise<void>;
  /** Dead writes of the account (only those that failed with `reason`, if given) are tried again at once. */
  retryDead(account: string, reason?: string): Promise<void>;
  /** Pending writes of these ops become dead with `reason` (e.g. consent withdrawn): visible, not lost. */
  hold(account: string, ops: readonly string[], reason: string): Promise<void>;
  /** When the next write is due (ms since epoch), or null if none waits. */
  nextDue(): Promise<number | null>;
}

/**
 * Durable writes: a write is stored before anything is sent (the UI updates optimistically), goes out
 * through the rate-limited client in order per record, is retried with backoff when the CRM is
 * unreachable or busy, and ends in a dead-letter state with the CRM's message when it is refused.
 * Creates check for an existing record first, so a retry after a lost answer never duplicates.
 */
export function createOutbox(options: {
  db: ThreadlineDb;
  /** The CRM client acting for a Gmail account (consent and audit are per account). */
  client: (account: string) => Promise<CrmClient | null>;
  nowMs?: () => number;
  random?: () => number;
  onChange?: (account: string) => void;
  logger: Logger;
}): Outbox {
  const { db, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  let draining: Promise<void> | null = null;

  /**
   * The duplicate check of links and logs: every Email/Note activity of the record, read ONCE per
   * record per drain (a 50-message thread costs one search, not 50), then kept up to date as this
   * drain creates activities. Another device's or an earlier run's activity is found here, so a
   * message is logged once whatever happened before.
   */
  type Known = { marks: Map<string, SyncedActivity>; texts: Set<string> };
  let known = new Map<string, Promise<Known>>();
  const knownOf = (client: CrmClient, account: string, record: RecordRef): Promise<Known> => {
    const key = `${account}\n${recordKeyOf(record)}`;
    let entry = known.get(key);
    if (!entry) {
      entry = client.threadActivitiesOf(record, null).then((activities) => {
        const marks = new Map<string, SyncedActivity>();
        const texts = new Set<string>();
        for (const a of activities) {
          const row = threadMarkRow(account, a);
          if (row) marks.set(row.markKey, a);
          else if (a.details) texts.add(a.details);
        }
        return { marks, texts };
      });
      entry.catch(() => known.delete(key));
      known.set(key, entry);
    }
    return entry;
  };

  const storeMark = async (account: string, activity: SyncedActivity): Promise<void> => {
    const row = threadMarkRow(account, activity);
    if (row) await db.threadMarks.put(row);
  };

  async function execute(client: CrmClient, row: OutboxRow): Promise<void> {
    const write = { op: row.op, payload: row.payload } as OutboxOp;
    const { account } = row;
    switch (write.op) {
      case 'linkThread':
      case 'unlinkThread': {
        const { threadId, record, text } = write.payload;
        const have = await knownOf(client, account, record);
        const key = linkKey(threadId, recordKeyOf(record));
        const existing = have.marks.get(key);
        const marker = parseMarker(existing?.details ?? null);
        const wanted = write.op === 'linkThread' ? 'link' : 'unlinked';
        if (existing && marker?.kind === wanted) {
          await storeMark(account, existing);
          return;
        }
        const details = `${text}\n${markerLine({ kind: wanted, threadId })}`;
        let saved: SyncedActivity;
        if (existing) {
          saved = await client.updateActivityDetails(existing.id, details, 'linkThread', true);
        } else if (wanted === 'unlinked') {
          return; // never linked in the CRM: nothing to undo
        } else {
          saved = await client.createActivity({
            parent: record,
            kind: 'note',
            details,
            purpose: 'linkThread',
            fromGmail: true,
          });
        }
        have.marks.set(key, saved);
        await storeMark(account, saved);
        return;
      }
      case 'logMessage': {
        const { threadId, messageId, record, text, at, outgoing } = write.payload;
        const have = await knownOf(client, account, record);
        const key = messageKey(messageId, recordKeyOf(record));
        const existing = have.marks.get(key);
        if (existing) {
          await storeMark(account, existing);
          return;
        }
        const saved = await client.createActivity({
          parent: record,
          kind: 'email',
          details: `${text}\n${markerLine({ kind: 'email', threadId, messageId })}`,
          ...(at === null ? {} : { at }),
          ...(outgoing === undefined ? {} : { outgoing }),
          purpose: 'logEmail',
          fromGmail: true,
        });
        have.marks.set(key, saved);
        await storeMark(account, saved);
        return;
      }
      case 'addNote': {
        const { record, text } = write.payload;
        const have = await knownOf(client, account, record);
        if (have.texts.has(text)) return; // sent before, its answer lost
        await client.createActivity({
          parent: record,
          kind: 'note',
          details: text,
          purpose: 'addNote',
          fromGmail: false,
        });
        have.texts.add(text);
        return;
      }
      case 'createTask': {
        const { provisionalId, ...input } = write.payload;
        const task = (await client.findTask(input.name, input.related)) ?? (await client.createTask(input));
        await db.transaction('rw', db.tasks, async () => {
          await db.tasks.delete([account, provisionalId]);
          await db.tasks.put(taskRow(account, task));
        });
        return;
      }
      case 'setTaskStatus': {
        const task = await client.setTaskStatus(write.payload.taskId, write.payload.status);
        await db.tasks.put(taskRow(account, task));
        return;
      }
      case 'createDeal': {
        const { provisionalId, link, ...payload } = write.payload;
        // The user's answer in the deal form, else the order the CRM's own data showed (sync).
        const input = { ...payload, dateOrder: payload.dateOrder ?? (await storedDateOrder(db)) };
        const deal = (await client.findCreatedOpportunity(input)) ?? (await client.createOpportunity(input));
        const record = { type: 'opportunity' as const, id: deal.id };
        await db.transaction('rw', db.opportunities, db.threadMarks, db.outbox, async () => {
          await db.opportunities.delete([account, provisionalId]);
          await db.opportunities.put(opportunityRow(account, deal));
          if (link) {
            // In the same transaction as the deal's row, so a crash cannot lose the link.
            await db.threadMarks.put({
              account,
              markKey: linkKey(link.threadId, recordKeyOf(record)),
              kind: 'link',
              threadId: link.threadId,
              messageId: null,
              recordKey: recordKeyOf(record),
              activityId: null,
              active: true,
              at: Math.floor(nowMs() / 1000),
            });
            await enqueue(account, recordKeyOf(record), {
              op: 'linkThread',
              payload: { threadId: link.threadId, record, text: link.text },
            });
          }
        });
        return;
      }
      case 'updateDeal': {
        const deal = await client.updateOpportunity(write.payload.dealId, write.payload.patch);
        await db.opportunities.put(opportunityRow(account, deal));
        return;
      }
      case 'addPerson': {
        const { address, name, companyName, provisionalId } = write.payload;
        let person = await client.findPersonByEmail(address);
        let company = null;
        if (!person) {
          const domain = domainOf(address);
          if (!isPublicEmailDomain(domain)) {
            company =
              (await client.findCompanyByDomain(domain)) ??
              (await client.createCompany({ name: companyName || domain, domain }));
          }
          person = await client.createPerson({ name, email: address, companyId: company?.id ?? null });
        }
        const created = person;
        await db.transaction('rw', db.people, db.companies, db.negativeLookups, async () => {
          await db.people.delete([account, provisionalId]);
          await db.people.put(personRow(account, created));
          if (company) await db.companies.put(companyRow(account, company));
          await db.negativeLookups.delete([account, address]);
        });
        return;
      }
      case 'addLead': {
        const { address, name, companyName } = write.payload;
        const lead =
          (await client.findLeadByEmail(address)) ??
          (await client.createLead({ name, email: address, companyName }));
        await db.transaction('rw', db.leads, db.negativeLookups, async () => {
          await db.leads.put(leadRow(account, lead));
          await db.negativeLookups.delete([account, address]);
        });
        return;
      }
      case 'updatePerson': {
        const updated = await client.updatePerson(write.payload.personId, write.payload.patch);
        await db.people.put(personRow(account, updated));
        return;
      }
    }
  }

  async function drainOnce(): Promise<void> {
    known = new Map();
    const clients = new Map<string, CrmClient | null>();
    const clientFor = async (account: string) => {
      if (!clients.has(account)) clients.set(account, await options.client(account));
      return clients.get(account) ?? null;
    };
    for (;;) {
      const rows = await db.outbox.orderBy('seq').toArray();
      const blocked = new Set<string>();
      let progressed = false;
      for (const row of rows) {
        const key = `${row.account}\n${row.recordKey}`;
        if (blocked.has(key)) continue;
        // Later writes to the same record wait for this one: per-record order.
        blocked.add(key);
        if (row.state === 'dead' || row.nextAttemptAt > nowMs()) continue;
        const client = await clientFor(row.account);
        if (!client) return;
        try {
          await execute(client, row);
          await db.outbox.delete(row.seq ?? -1);
          progressed = true;
          blocked.delete(key);
          options.onChange?.(row.account);
        } catch (error) {
          // Storage is full (the CRM may have taken the write; its cache row could not be stored):
          // the row stays exactly as it was — not dead, no attempt counted — and the drain stops.
          // Sent again later, the duplicate checks above find what this attempt made.
          if (isStorageFull(error)) throw new StorageFullError(row.account);
          const crm =
            error instanceof CrmError ? error : new CrmError('invalidResponse', 'unexpected failure');
          const attempts = row.attempts + 1;
          const dead = !crm.retryable;
          if (crm.kind === 'consentRequired') known = new Map();
          await db.outbox.update(row.seq ?? -1, {
            attempts,
            state: dead ? 'dead' : 'pending',
            lastError: crm.kind === 'invalidInput' ? crm.message : crm.kind,
            nextAttemptAt:
              nowMs() +
              backoffDelay(attempts - 1, {
                baseMs: 1000,
                capMs: 60_000,
                ...(options.random ? { random: options.random } : {}),
              }),
          });
          logger.warn('outbox.failed', { op: row.op, kind: crm.kind, attempts, dead });
          options.onChange?.(row.account);
          if (crm.kind === 'unreachable') return; // nothing else will get through either
        }
      }
      if (!progressed) return;
    }
  }

  /**
   * Stores the write before anything else happens to it. With storage full this rejects (the router
   * tells the user in plain words that the change was not saved): a write is never reported queued
   * when it is not.
   */
  async function enqueue(account: string, recordKey: string, write: OutboxOp): Promise<void> {
    await db.outbox.add({
      account,
      recordKey,
      idempotencyKey: crypto.randomUUID(),
      op: write.op,
      payload: write.payload,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      createdAt: nowMs(),
    });
  }

  return {
    enqueue,
    drain() {
      draining ??= drainOnce().finally(() => {
        draining = null;
      });
      return draining;
    },
    async hold(account, ops, reason) {
      await db.outbox
        .where('[account+state]')
        .equals([account, 'pending'])
        .filter((row) => ops.includes(row.op))
        .modify({ state: 'dead', lastError: reason });
    },
    async retryDead(account, reason) {
      await db.outbox
        .where('[account+state]')
        .equals([account, 'dead'])
        .filter((row) => reason === undefined || row.lastError === reason)
        .modify({ state: 'pending', nextAttemptAt: 0, attempts: 0 });
      const pending = await db.outbox.where('[account+state]').equals([account, 'pending']).toArray();
      await db.outbox.bulkUpdate(
        pending.map((row) => ({ key: row.seq ?? -1, changes: { nextAttemptAt: 0 } })),
      );
    },
    async nextDue() {
      // Only the first write of each record can go next; later ones wait behind it.
      const heads = new Map<string, OutboxRow>();
      for (const row of await db.outbox.orderBy('seq').toArray()) {
        const key = `${row.account}\n${row.recordKey}`;
        if (!heads.has(key)) heads.set(key, row);
      }
      const due = [...heads.values()].filter((r) => r.state === 'pending').map((r) => r.nextAttemptAt);
      return due.length > 0 ? Math.min(...due) : null;
    },
  };
}
