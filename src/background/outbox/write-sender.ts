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
import { type OutboxRow, recordRowKey, type ThreadlineDb } from '../../db/threadline-db';
import { type RecordRef, recordKeyOf } from '../../shared/crm-model';
import { domainOf, isPublicEmailDomain } from '../../shared/normalise-address';
import { markerLine, parseMarker } from '../../shared/threadline-marker';
import type {
  CrmClient,
  NewOpportunity,
  OpportunityPatch,
  PersonPatch,
  SyncedActivity,
} from '../crm/crm-client';
import { storedDateOrder } from '../sync/date-order';
import { type Before, createEarlierAttempts } from './earlier-attempts';

/** One write the outbox stores and sends: the op and what it needs, in plain data (it is stored). */
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
  | { op: 'addNote'; payload: { record: RecordRef; text: string; before?: Before } }
  | {
      op: 'createTask';
      payload: {
        name: string;
        related: RecordRef | null;
        dueDate: number | null;
        priority: 'None' | 'High';
        provisionalId: number;
        before?: Before;
      };
    }
  | { op: 'setTaskStatus'; payload: { taskId: number; status: 'Open' | 'Completed' } }
  | {
      op: 'createDeal';
      /** `link`: link the thread to the new deal once it exists (its id is known only then). */
      payload: NewOpportunity & {
        provisionalId: number;
        link?: { threadId: string; text: string } | null;
        /** The ids of the deals of this name before the first attempt (see findCreatedOpportunity). */
        before?: Before;
      };
    }
  | { op: 'updateDeal'; payload: { dealId: number; patch: OpportunityPatch } };

/** Minutes behind UTC of the user's zone at `s` (seconds), as Date's getTimezoneOffset. */
type ZoneOffset = (s: number) => number;
const userZone: ZoneOffset = (s) => new Date(s * 1000).getTimezoneOffset();
/** Days since the epoch of the instant `s` (seconds), on the user's calendar. */
const dayOf = (s: number, offset: ZoneOffset): number => Math.floor((s - offset(s) * 60) / 86_400);

/**
 * Whether a task's due date as the CRM gives it back is the one this write sent: the sidebar sends
 * local noon of the day picked, and a CRM that keeps the day only may give back that day's midnight
 * in the user's zone, or exactly midnight UTC (of the day picked, or of the UTC date of the instant
 * sent: both readings are taken). Any other time must fall on the day picked in the user's zone: a
 * teammate's task due the next day never matches, nor one due the previous day but at the one hour
 * that is exactly midnight UTC (which the day-only readings cannot tell apart).
 */
export const sameDueDay = (sent: number, back: number, offset: ZoneOffset = userZone): boolean => {
  const day = dayOf(sent, offset);
  const utcMidnight = back % 86_400 === 0 ? back / 86_400 : null;
  return (
    sent === back ||
    dayOf(back, offset) === day ||
    utcMidnight === day ||
    utcMidnight === Math.floor(sent / 86_400)
  );
};

export interface WriteSender {
  /** Sends one stored write to the CRM, unless the CRM already has it; stores what the CRM answers. */
  send(client: CrmClient, row: OutboxRow): Promise<void>;
  /** Forgets the activities read for the duplicate checks: a new drain reads them again. */
  forget(): void;
}

/**
 * How each outbox write reaches the CRM. Creates check for an existing record first, and links and
 * logs for their marker among the record's activities, so a retry after a lost answer never
 * duplicates.
 *
 * Notes and tasks carry no marker, and a HubSpot deal's comes after it: their earlier attempts are
 * told from rightful namesakes by earlier-attempts.ts.
 */
export function createWriteSender(options: {
  db: ThreadlineDb;
  nowMs: () => number;
  /** Queues a follow-up write (a new deal's thread link) in the caller's transaction. */
  enqueue: (account: string, recordKey: string, write: OutboxOp) => Promise<void>;
}): WriteSender {
  const { db, nowMs, enqueue } = options;
  const earlier = createEarlierAttempts(db);

  /**
   * The duplicate check of links and logs: every Email/Note activity of the record, read ONCE per
   * record per drain (a 50-message thread costs one search, not 50), then kept up to date as this
   * drain creates activities. Another device's or an earlier run's activity is found here, so a
   * message is logged once whatever happened before.
   */
  /** `texts`: the ids of the record's unmarked activities, by their text. */
  type Known = { marks: Map<string, SyncedActivity>; texts: Map<string, number[]> };
  let known = new Map<string, Promise<Known>>();
  const knownOf = (client: CrmClient, account: string, record: RecordRef): Promise<Known> => {
    const key = `${account}\n${recordKeyOf(record)}`;
    let entry = known.get(key);
    if (!entry) {
      entry = client.threadActivitiesOf(record, null).then((activities) => {
        const marks = new Map<string, SyncedActivity>();
        const texts = new Map<string, number[]>();
        for (const a of activities) {
          const row = threadMarkRow(account, a);
          if (row) marks.set(row.markKey, a);
          else if (a.details) texts.set(a.details, [...(texts.get(a.details) ?? []), a.id]);
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

  /** Forgets what this drain read of the record's activities (for every Gmail account). */
  const forgetRecord = (record: RecordRef): void => {
    const suffix = `\n${recordKeyOf(record)}`;
    for (const key of [...known.keys()]) if (key.endsWith(suffix)) known.delete(key);
  };

  async function send(client: CrmClient, row: OutboxRow): Promise<void> {
    try {
      await sendOnce(client, row);
    } catch (error) {
      // The CRM may have made the record before the failure: what this drain read of the record's
      // activities is read again (the same write can be due again within this drain); for a note,
      // every read, as the CRM may show it on other records too (see addNote).
      const record = (row.payload as { record?: RecordRef }).record;
      if (row.op === 'addNote') known = new Map();
      else if (record) forgetRecord(record);
      throw error;
    }
  }

  async function sendOnce(client: CrmClient, row: OutboxRow): Promise<void> {
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
        await earlier.begin(row);
        const have = await knownOf(client, account, record);
        const same = have.texts.get(text) ?? [];
        // Not null: sent before, its answer lost.
        const { mine, read } = await earlier.find(row, same);
        let id = mine;
        if (id === null) {
          const saved = await client
            .createActivity({
              parent: record,
              kind: 'note',
              details: text,
              purpose: 'addNote',
              fromGmail: false,
            })
            .catch((error: unknown) => earlier.failed(row, read, error));
          id = saved.id;
          have.texts.set(text, [...same, id]);
          // Every other read of this drain may lack it: another Gmail account's of this record (the
          // same CRM), and any of another record the CRM also shows the note on (HubSpot: the
          // contact's company and open deals). A note queued since, whom no claim reached, must not
          // store a `before` without it. Notes are typed by hand: reading again costs little.
          const own = `${account}\n${recordKeyOf(record)}`;
          known = new Map([...known].filter(([key]) => key === own));
        }
        await earlier.claim(row, id, mine === null);
        return;
      }
      case 'createTask': {
        const { provisionalId, before: _before, ...input } = write.payload;
        await earlier.begin(row);
        // This write's own task has its priority, and its due date's day when it set one (without
        // one, HubSpot stores the time of the create; a CRM may keep the day only).
        const same = (await client.findTasks(input.name, input.related)).filter(
          (t) =>
            t.priority === input.priority &&
            (input.dueDate === null || (t.dueDate !== null && sameDueDay(input.dueDate, t.dueDate))),
        );
        const { mine, read } = await earlier.find(
          row,
          same.map((t) => t.id),
        );
        const task =
          same.find((t) => t.id === mine) ??
          (await client.createTask(input).catch((error: unknown) => earlier.failed(row, read, error)));
        await db.transaction('rw', db.tasks, db.outbox, async () => {
          await db.tasks.delete([account, provisionalId]);
          await db.tasks.put(taskRow(account, task));
          await earlier.claim(row, task.id, mine === null);
        });
        return;
      }
      case 'setTaskStatus': {
        const task = await client.setTaskStatus(write.payload.taskId, write.payload.status);
        await db.tasks.put(taskRow(account, task));
        return;
      }
      case 'createDeal': {
        const { provisionalId, link, before: _before, ...payload } = write.payload;
        // The user's answer in the deal form, else the order the CRM's own data showed (sync).
        const input = { ...payload, dateOrder: payload.dateOrder ?? (await storedDateOrder(db)) };
        const found = await client.findCreatedOpportunity(input, await earlier.notMine(row));
        const read = found.deal ? false : await earlier.remember(row, found.namesakes);
        const deal =
          found.deal ??
          (await client.createOpportunity(input).catch((error: unknown) => earlier.failed(row, read, error)));
        const record = { type: 'opportunity' as const, id: deal.id };
        await db.transaction('rw', db.opportunities, db.threadMarks, db.outbox, async () => {
          await db.opportunities.delete(recordRowKey(account, provisionalId));
          await db.opportunities.put(opportunityRow(account, deal));
          await earlier.claim(row, deal.id, !found.deal);
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
          await db.people.delete(recordRowKey(account, provisionalId));
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

  return {
    send,
    forget() {
      known = new Map();
    },
  };
}
