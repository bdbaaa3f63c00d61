/**
 * HubSpot engagements as Threadline uses them: notes (`0-46`) carry notes and thread links, e-mails
 * (`0-49`) carry logged messages. The exactly-once marker (shared/threadline-marker.ts) ends the text
 * as it does for every CRM: in `hs_note_body` (HTML, so written escaped with `<br>` and read back as
 * text) and in `hs_email_text`.
 *
 * Associations (issue 16: "associated with the contact, company and deal"): an engagement logged on
 * a contact is also associated with the contact's company (its primary one, type 1, else its only
 * or first) and the contact's open deals; logged on a deal, with the deal's contacts and its company
 * (primary 5 preferred); logged on a company, with that company only. Those records are read with
 * v4 batch association reads (hubspot-associations.ts) and remembered a few minutes per record, so
 * a thread logged message by message does not read them again for each. Every association goes
 * inline on the create, with the reference's type ids (note→contact 202, note→deal 214,
 * note→company 190, email→contact 198, email→deal 210, email→company 186): the engagement and all
 * its associations are made by one request, so a retry after a lost answer finds it on the record it
 * was logged on (the outbox's duplicate check, `threadActivitiesOf`) and never makes a second one.
 *
 * A record's engagements are read by v4 association reads + batch reads. The look-back sweep
 * searches both types by `hs_timestamp`; search replies carry no associations, so the parent of a
 * marked engagement is read once (v4) and remembered for the client's life. An engagement associated
 * with several records is attributed by the sweep to its contact first, then deal, then company
 * (HubSpot keeps no "logged on" record); the per-record duplicate check is what keeps a write once.
 */
import type { Activity, RecordRef } from '../../../shared/crm-model';
import { recordKeyOf } from '../../../shared/crm-model';
import { parseMarker } from '../../../shared/threadline-marker';
import type { ActivityWindowQuery, NewActivity, Page, SyncedActivity } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { type AssociatedRecord, preferredId, readAssociations } from './hubspot-associations';
import { toHubspotId, toNumberId } from './hubspot-ids';
import { EMAIL_PROPERTIES, NOTE_PROPERTIES, textToNoteHtml, toActivity } from './hubspot-mapping';
import { parse, parseResults } from './hubspot-read';
import { type HubspotRecord, hubspotAssociation, hubspotRecord } from './hubspot-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
type Kind = 'note' | 'email';
type Parent = { type: string; id: number };

const READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
const OBJECT: Record<Kind, 'notes' | 'emails'> = { note: 'notes', email: 'emails' };
const PROPERTIES: Record<Kind, readonly string[]> = { note: NOTE_PROPERTIES, email: EMAIL_PROPERTIES };
/** Inline association type ids (reference, "Associations", NODE). */
export const ASSOCIATION_TYPE: Record<Kind, Record<'person' | 'opportunity' | 'company', number>> = {
  note: { person: 202, opportunity: 214, company: 190 },
  email: { person: 198, opportunity: 210, company: 186 },
};
/** contact→company primary 1, deal→company primary 5 (reference, "Associations"). */
const PRIMARY_COMPANY = { contacts: 1, deals: 5 } as const;
/** How long a record's company, deals and contacts are reused for further logs on it. */
const RELATED_TTL_MS = 5 * 60_000;
type Related = { type: 'person' | 'opportunity' | 'company'; id: number };
const PARENT_OBJECT: Record<RecordRef['type'], string | null> = {
  person: 'contacts',
  company: 'companies',
  opportunity: 'deals',
  lead: null,
};
const BATCH = 100;
const ASSOCIATION_PAGE = 500;
/** The search `after` is an offset and stops at 10,000 results (reference, "Search"). */
const SEARCH_CAP = 10_000;

export const inlineAssociation = (toId: number, typeId: number) => ({
  to: { id: toHubspotId(toId) },
  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
});

export function parentObject(parent: { type: string }): string {
  const object = PARENT_OBJECT[parent.type as RecordRef['type']];
  if (!object) throw new CrmError('invalidInput', `HubSpot has no ${parent.type} records`);
  return object;
}

export function createHubspotActivities(
  call: Call,
  nowMs: () => number,
  /** Whether a deal stage (its internal id) is open, from the pipelines' metadata. */
  stageIsOpen: (stageId: string) => Promise<boolean>,
) {
  /** Which record a marked engagement belongs to, as read from its associations. */
  const parents = new Map<number, Parent>();
  const relatedCache = new Map<string, { at: number; records: Related[] }>();

  /** The deals among `ids` whose stage is open (archived or unknown ones are left out). */
  const openDeals = async (ids: readonly number[], kind: Pick<CrmCall, 'purpose' | 'dataClasses'>) => {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const path = '/crm/v3/objects/deals/batch/read';
      const answer = await call({
        method: 'POST',
        path,
        body: {
          properties: ['dealstage'],
          inputs: ids.slice(i, i + BATCH).map((id) => ({ id: toHubspotId(id) })),
        },
        ...kind,
      }).catch((error: unknown) => {
        if (error instanceof CrmError && error.kind === 'notFound') return null; // none exists (body unconfirmed)
        throw error;
      });
      if (!answer) continue;
      for (const deal of parseResults(hubspotRecord, answer.json, path, (r) => r).records) {
        const stage = deal.properties.dealstage ?? null;
        if (stage !== null && (await stageIsOpen(stage))) out.push(toNumberId(deal.id));
      }
    }
    return out;
  };

  /** The records an engagement logged on `parent` is associated with besides it (see the header). */
  const relatedOf = async (parent: RecordRef): Promise<Related[]> => {
    if (parent.type !== 'person' && parent.type !== 'opportunity') return [];
    const key = recordKeyOf(parent);
    const cached = relatedCache.get(key);
    if (cached && nowMs() - cached.at < RELATED_TTL_MS) return cached.records;
    // Plain reads of the CRM's own ids: nothing of the user's leaves, so not audited (the create,
    // under the user's purpose, is).
    const kind = READ;
    const from = parent.type === 'person' ? 'contacts' : 'deals';
    const read = async (to: string): Promise<AssociatedRecord[]> =>
      (await readAssociations(call, from, to, [parent.id], kind)).get(parent.id) ?? [];
    const company = preferredId(await read('companies'), PRIMARY_COMPANY[from]);
    const records: Related[] =
      parent.type === 'person'
        ? (
            await openDeals(
              (await read('deals')).map((d) => d.id),
              kind,
            )
          ).map((id) => ({ type: 'opportunity', id }))
        : (await read('contacts')).map((c) => ({ type: 'person', id: c.id }));
    if (company !== null) records.push({ type: 'company', id: company });
    relatedCache.set(key, { at: nowMs(), records });
    return records;
  };

  const associatedIds = async (from: string, id: number, to: string): Promise<string[]> => {
    const out: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 20; n += 1) {
      const query = `limit=${ASSOCIATION_PAGE}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const path: string = `/crm/v4/objects/${from}/${toHubspotId(id)}/associations/${to}?${query}`;
      const answer = await call({ method: 'GET', path, ...READ });
      const page = parseResults(hubspotAssociation, answer.json, 'associations', (a) => String(a.toObjectId));
      out.push(...page.records);
      after = page.after;
      if (after === null) break;
    }
    return out;
  };

  const batchRead = async (object: string, ids: readonly string[], properties: readonly string[]) => {
    const out: HubspotRecord[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const path = `/crm/v3/objects/${object}/batch/read`;
      const answer = await call({
        method: 'POST',
        path,
        body: { properties, inputs: ids.slice(i, i + BATCH).map((id) => ({ id })) },
        ...READ,
      }).catch((error: unknown) => {
        // None of the asked ids exists: nothing to read (body unconfirmed).
        if (error instanceof CrmError && error.kind === 'notFound') return null;
        throw error;
      });
      if (answer) out.push(...parseResults(hubspotRecord, answer.json, path, (r) => r).records);
    }
    return out;
  };

  const ofRecord = async (parent: Parent, since: number | null): Promise<SyncedActivity[]> => {
    const from = PARENT_OBJECT[parent.type as RecordRef['type']];
    if (!from) return [];
    const out: SyncedActivity[] = [];
    for (const kind of ['note', 'email'] as const) {
      const ids = await associatedIds(from, parent.id, OBJECT[kind]);
      if (ids.length === 0) continue;
      for (const r of await batchRead(OBJECT[kind], ids, PROPERTIES[kind])) {
        const activity = toActivity(r, kind, parent);
        parents.set(activity.id, parent);
        if (since === null || activity.at >= since) out.push(activity);
      }
    }
    return [...new Map(out.map((a) => [a.id, a])).values()];
  };

  /** The record a marked engagement is associated with: contact, else deal, else company. */
  const parentOf = async (kind: Kind, id: number): Promise<Parent | null> => {
    const known = parents.get(id);
    if (known) return known;
    for (const [type, object] of [
      ['person', 'contacts'],
      ['opportunity', 'deals'],
      ['company', 'companies'],
    ] as const) {
      const first = (await associatedIds(OBJECT[kind], id, object))[0];
      if (first !== undefined) {
        const parent = { type, id: toNumberId(first) };
        parents.set(id, parent);
        return parent;
      }
    }
    return null;
  };

  const searchWindow = async (kind: Kind, query: ActivityWindowQuery, limit: number) => {
    const offset = (query.page - 1) * limit;
    if (offset + limit > SEARCH_CAP) return { records: [], received: 0, skipped: 0, total: null };
    const path = `/crm/v3/objects/${OBJECT[kind]}/search`;
    const answer = await call({
      method: 'POST',
      path,
      search: true,
      body: {
        filterGroups: [
          {
            filters: [
              { propertyName: 'hs_timestamp', operator: 'GTE', value: String(query.activityFrom * 1000) },
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_timestamp', direction: 'ASCENDING' }],
        properties: PROPERTIES[kind],
        limit,
        ...(offset > 0 ? { after: String(offset) } : {}),
      },
      ...READ,
    });
    return parseResults(hubspotRecord, answer.json, path, (r) => r);
  };

  return {
    /** Notes and e-mails dated in the window; only Threadline's marked ones are returned. */
    async pageThreadActivities(query: ActivityWindowQuery): Promise<Page<SyncedActivity>> {
      const half = Math.max(1, Math.floor(Math.min(query.pageSize, 200) / 2));
      const records: SyncedActivity[] = [];
      let skipped = 0;
      let full = false;
      let received = 0;
      let total = 0;
      for (const kind of ['note', 'email'] as const) {
        const page = await searchWindow(kind, query, half);
        received += page.received;
        skipped += page.skipped;
        total += page.total ?? 0;
        if (page.received >= half) full = true;
        for (const r of page.records) {
          const draft = toActivity(r, kind, { type: 'person', id: 0 });
          if (!parseMarker(draft.details)) continue;
          const parent = await parentOf(kind, draft.id);
          if (parent) records.push({ ...draft, parentType: parent.type, parentId: parent.id });
        }
      }
      // Two searches of half a page each: the sweep goes on while either was full.
      return { records, skipped, received: full ? query.pageSize : received, total };
    },

    threadActivitiesOf: (parent: RecordRef, since: number | null) => ofRecord(parent, since),
    activitiesOfRecord: (parent: Parent) => ofRecord(parent, null),

    async recentActivities(parent: Parent, limit: number): Promise<Activity[]> {
      const list = await ofRecord(parent, null);
      return list
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .slice(0, limit)
        .map(({ modifiedAt: _m, ...activity }) => activity);
    },

    async createActivity(input: NewActivity): Promise<SyncedActivity> {
      parentObject(input.parent); // a lead: refused before anything is read
      const kind: Kind = input.kind;
      const timestamp = String((input.at ?? Math.floor(nowMs() / 1000)) * 1000);
      const properties: Record<string, string> =
        kind === 'note'
          ? { hs_timestamp: timestamp, hs_note_body: textToNoteHtml(input.details) }
          : {
              hs_timestamp: timestamp,
              hs_email_direction: input.outgoing === false ? 'INCOMING_EMAIL' : 'EMAIL',
              hs_email_status: 'SENT',
              hs_email_subject: (input.details.split('\n')[0] ?? '').slice(0, 200),
              hs_email_text: input.details,
            };
      const parent = input.parent as Related;
      const dataClasses = input.fromGmail ? (['googleUserData', 'crmData'] as const) : (['crmData'] as const);
      const create = async () => {
        const targets = [parent, ...(await relatedOf(input.parent))].filter(
          (r, i, all) => all.findIndex((o) => o.type === r.type && o.id === r.id) === i,
        );
        return call({
          method: 'POST',
          path: `/crm/v3/objects/${OBJECT[kind]}`,
          body: {
            properties,
            associations: targets.map((r) => inlineAssociation(r.id, ASSOCIATION_TYPE[kind][r.type])),
          },
          purpose: input.purpose,
          dataClasses,
          recordIds: targets.map((r) => recordKeyOf(r)),
        });
      };
      let answer: CrmAnswer;
      try {
        answer = await create();
      } catch (error) {
        // A 400 refuses the whole create (nothing was made): a remembered deal or company may have
        // been deleted since. Read the related records afresh and try once more; a refusal that is
        // not about them stays a refusal.
        if (!(error instanceof CrmError && error.status === 400 && relatedCache.delete(recordKeyOf(parent))))
          throw error;
        answer = await create();
      }
      const created = parse(hubspotRecord, answer.json, OBJECT[kind]);
      const activity = toActivity(created, kind, input.parent);
      parents.set(activity.id, input.parent);
      return activity;
    },

    async updateActivityDetails(
      id: number,
      details: string,
      purpose: NewActivity['purpose'],
      fromGmail: boolean,
    ): Promise<SyncedActivity> {
      const dataClasses = fromGmail ? (['googleUserData', 'crmData'] as const) : (['crmData'] as const);
      const patch = (kind: Kind) =>
        call({
          method: 'PATCH',
          path: `/crm/v3/objects/${OBJECT[kind]}/${toHubspotId(id)}`,
          body: {
            properties:
              kind === 'note' ? { hs_note_body: textToNoteHtml(details) } : { hs_email_text: details },
          },
          purpose,
          dataClasses,
          recordIds: [`activity:${id}`],
        });
      // Links (the only activities Threadline rewrites) are notes; an e-mail id is tried second.
      let kind: Kind = 'note';
      let answer: CrmAnswer;
      try {
        answer = await patch('note');
      } catch (error) {
        if (!(error instanceof CrmError && error.kind === 'notFound')) throw error;
        kind = 'email';
        answer = await patch('email');
      }
      const record = parse(hubspotRecord, answer.json, OBJECT[kind]);
      const parent = await parentOf(kind, id);
      if (!parent) throw new CrmError('notFound', 'the activity has no record any more', 404);
      return toActivity(record, kind, parent);
    },
  };
}
