/**
 * HubSpot writes: contacts, companies, tasks and deals. Bodies hold only the properties the
 * reference documents; associations go inline on create with the reference's type ids
 * (task→contact 204, task→deal 216, task→company 192, deal→contact 3, deal→company 341,
 * contact→company 279): one request makes the record and its links, so a retry after a lost answer
 * finds the tasks on its record (`findTasks`).
 *
 * Deals: no free-text deal property is documented, so the create's marker (`dealMarkerLine`) is a
 * note on the deal written right after it; a retry finds its deal by name and that note, or, with
 * no note (answer lost, worker stopped), as the one unmarked deal of that name made since its first
 * attempt (`before`, stored by the outbox ahead of that attempt).
 */
import { dealMarkerLine, hasAnyDealMarker, hasDealMarker } from '../../../shared/threadline-marker';
import { t } from '../../i18n';
import type { CrmClient } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { inlineAssociation } from './hubspot-activities';
import { toHubspotId } from './hubspot-ids';
import {
  CONTACT_PROPERTIES,
  DEAL_PROPERTIES,
  NOTE_PROPERTIES,
  noteHtmlToText,
  type StageOutcome,
  TASK_PROPERTIES,
  textToNoteHtml,
  toCompany,
  toOpportunity,
  toPerson,
  toTask,
} from './hubspot-mapping';
import { parse, parseResults } from './hubspot-read';
import { type HubspotPipeline, hubspotAssociation, hubspotError, hubspotRecord } from './hubspot-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;

export interface PipelineIndex {
  stageKey(stageId: number): Promise<{ pipeline: string; stage: string } | null>;
  pipelineKey(pipelineId: number): Promise<string | null>;
  pipelines(): Promise<HubspotPipeline[]>;
}

type Writes = Pick<
  CrmClient,
  | 'createCompany'
  | 'createPerson'
  | 'createLead'
  | 'updatePerson'
  | 'createTask'
  | 'setTaskStatus'
  | 'findTasks'
  | 'createOpportunity'
  | 'findCreatedOpportunity'
  | 'updateOpportunity'
>;

export const TYPE_IDS = {
  taskToContact: 204,
  taskToDeal: 216,
  taskToCompany: 192,
  dealToContact: 3,
  dealToCompany: 341,
  contactToCompany: 279,
  noteToDeal: 214,
} as const;

/** 409 "Contact already exists. Existing ID: 37765128953": the id is only in the message (I-409). */
export function existingContactId(error: unknown): number | null {
  if (!(error instanceof CrmError) || error.status !== 409) return null;
  const body = hubspotError.safeParse(error.body);
  const match = /Existing ID: (\d{1,15})/.exec(body.success ? (body.data.message ?? '') : error.message);
  return match ? Number(match[1]) : null;
}

const CREATE = { purpose: 'createRecord', dataClasses: ['googleUserData'] } as const;
const TASKS = { purpose: 'manageTasks', dataClasses: ['crmData'] } as const;
const DEALS = { purpose: 'manageDeals', dataClasses: ['crmData'] } as const;
/** A search's one sort: newest first by id (that ids grow with creation is unconfirmed; unsorted is oldest first). */
const NEWEST_FIRST = { propertyName: 'hs_object_id', direction: 'DESCENDING' } as const;

export function createHubspotWrites(
  call: Call,
  index: PipelineIndex,
  outcome: (list: HubspotPipeline[]) => (stageId: string) => StageOutcome,
  nowMs: () => number,
): Writes {
  const getContact = async (id: number) => {
    const answer = await call({
      method: 'GET',
      path: `/crm/v3/objects/contacts/${toHubspotId(id)}?properties=${CONTACT_PROPERTIES.join(',')}`,
      ...CREATE,
    });
    return toPerson(parse(hubspotRecord, answer.json, 'contacts'));
  };

  const deal = async (json: unknown) =>
    toOpportunity(parse(hubspotRecord, json, 'deals'), outcome(await index.pipelines()));

  /** The create's marker, as a note on the deal (no deal property documented can carry it). */
  const markDeal = (id: number, idempotencyKey: string) =>
    call({
      method: 'POST',
      path: '/crm/v3/objects/notes',
      body: {
        properties: {
          hs_timestamp: String(nowMs()),
          hs_note_body: textToNoteHtml(dealMarkerLine(idempotencyKey)),
        },
        associations: [inlineAssociation(id, TYPE_IDS.noteToDeal)],
      },
      ...DEALS,
      recordIds: [`opportunity:${id}`],
    });

  const associatedTasks = async (object: string, id: number): Promise<Set<string>> => {
    const answer = await call({
      method: 'GET',
      path: `/crm/v4/objects/${object}/${toHubspotId(id)}/associations/tasks?limit=500`,
      ...TASKS,
    });
    return new Set(
      parseResults(hubspotAssociation, answer.json, 'associations', (a) => String(a.toObjectId)).records,
    );
  };

  return {
    async createCompany(input) {
      const answer = await call({
        method: 'POST',
        path: '/crm/v3/objects/companies',
        body: { properties: { name: input.name, domain: input.domain } },
        ...CREATE,
      });
      return toCompany(parse(hubspotRecord, answer.json, 'companies'));
    },

    async createPerson(input) {
      const [first, ...rest] = input.name.trim().split(/\s+/);
      const properties: Record<string, string> = { email: input.email };
      if (first) properties.firstname = first;
      if (rest.length > 0) properties.lastname = rest.join(' ');
      if (input.title) properties.jobtitle = input.title;
      try {
        const answer = await call({
          method: 'POST',
          path: '/crm/v3/objects/contacts',
          body: {
            properties,
            ...(input.companyId === null
              ? {}
              : { associations: [inlineAssociation(input.companyId, TYPE_IDS.contactToCompany)] }),
          },
          ...CREATE,
        });
        return toPerson(parse(hubspotRecord, answer.json, 'contacts'));
      } catch (error) {
        // Search lags writes: a create after a missed search can 409; the contact is that one.
        const existing = existingContactId(error);
        if (existing === null) throw error;
        return getContact(existing);
      }
    },

    async createLead() {
      throw new CrmError('invalidInput', t('errHubspotNoLeads'));
    },

    async updatePerson(id, patch) {
      const properties: Record<string, string> = {};
      if (patch.title !== undefined) properties.jobtitle = patch.title ?? '';
      if (patch.phones !== undefined) properties.phone = patch.phones[0]?.value ?? '';
      // Tags have no HubSpot property in the reference: not written.
      if (Object.keys(properties).length === 0) return getContact(id);
      const answer = await call({
        method: 'PATCH',
        path: `/crm/v3/objects/contacts/${toHubspotId(id)}`,
        body: { properties },
        purpose: 'updateRecord',
        dataClasses: ['crmData'],
      });
      return toPerson(parse(hubspotRecord, answer.json, 'contacts'));
    },

    async createTask(input) {
      const related = input.related;
      if (related?.type === 'lead') throw new CrmError('invalidInput', t('errHubspotNoLeads'));
      const typeId =
        related?.type === 'person'
          ? TYPE_IDS.taskToContact
          : related?.type === 'opportunity'
            ? TYPE_IDS.taskToDeal
            : related?.type === 'company'
              ? TYPE_IDS.taskToCompany
              : null;
      const answer = await call({
        method: 'POST',
        path: '/crm/v3/objects/tasks',
        body: {
          properties: {
            hs_task_subject: input.name,
            // `hs_timestamp` is the due date and required: without one, now.
            hs_timestamp: String((input.dueDate ?? Math.floor(nowMs() / 1000)) * 1000),
            hs_task_status: 'NOT_STARTED',
            ...(input.priority === 'High' ? { hs_task_priority: 'HIGH' } : {}),
          },
          ...(related && typeId !== null ? { associations: [inlineAssociation(related.id, typeId)] } : {}),
        },
        ...TASKS,
        recordIds: related ? [`${related.type}:${related.id}`] : [],
      });
      return toTask(parse(hubspotRecord, answer.json, 'tasks'), related);
    },

    async setTaskStatus(id, status) {
      const answer = await call({
        method: 'PATCH',
        path: `/crm/v3/objects/tasks/${toHubspotId(id)}`,
        body: { properties: { hs_task_status: status === 'Completed' ? 'COMPLETED' : 'NOT_STARTED' } },
        ...TASKS,
        recordIds: [`task:${id}`],
      });
      return toTask(parse(hubspotRecord, answer.json, 'tasks'));
    },

    async findTasks(name, related) {
      // A task on no record cannot be told from one on a record without reading each one's
      // associations: none is offered (a retry after a lost answer may then make a second).
      if (related === null) return [];
      const answer = await call({
        method: 'POST',
        path: '/crm/v3/objects/tasks/search',
        search: true,
        body: {
          filterGroups: [
            {
              filters: [
                { propertyName: 'hs_task_subject', operator: 'EQ', value: name },
                { propertyName: 'hs_task_status', operator: 'NEQ', value: 'COMPLETED' },
              ],
            },
          ],
          properties: TASK_PROPERTIES,
          sorts: [NEWEST_FIRST],
          limit: 100,
        },
        ...TASKS,
      });
      // EQ ignores case: the exact name is matched here.
      const list = parseResults(hubspotRecord, answer.json, 'tasks/search', (r) => r).records.filter(
        (r) => r.properties.hs_task_subject === name,
      );
      if (list.length === 0) return [];
      if (related.type === 'lead') return [];
      const object =
        related.type === 'person' ? 'contacts' : related.type === 'company' ? 'companies' : 'deals';
      const ids = await associatedTasks(object, related.id);
      return list.filter((r) => ids.has(r.id)).map((r) => toTask(r, related));
    },

    async createOpportunity(input) {
      const key = await index.stageKey(input.stageId);
      const pipeline = key?.pipeline ?? (await index.pipelineKey(input.pipelineId));
      if (!key || !pipeline) throw new CrmError('invalidInput', t('errHubspotStage'));
      // Read now: once the deal is made, nothing may fail as if it had not been (outbox/earlier-attempts.ts).
      const stages = outcome(await index.pipelines());
      const associations = [
        ...(input.primaryContactId === null
          ? []
          : [inlineAssociation(input.primaryContactId, TYPE_IDS.dealToContact)]),
        ...(input.companyId === null ? [] : [inlineAssociation(input.companyId, TYPE_IDS.dealToCompany)]),
      ];
      const answer = await call({
        method: 'POST',
        path: '/crm/v3/objects/deals',
        body: {
          properties: {
            dealname: input.name,
            pipeline,
            dealstage: key.stage,
            ...(input.value === null ? {} : { amount: input.value.toFixed(2) }),
            // A datetime: epoch ms (TS); the chosen day's UTC midnight.
            ...(input.closeDate === null ? {} : { closedate: String(input.closeDate * 1000) }),
          },
          ...(associations.length > 0 ? { associations } : {}),
        },
        ...DEALS,
        recordIds: input.primaryContactId === null ? [] : [`person:${input.primaryContactId}`],
      });
      const created = toOpportunity(parse(hubspotRecord, answer.json, 'deals'), stages);
      // Made: a failed marker costs only how a retry finds it, and failing here would make it again.
      await markDeal(created.id, input.idempotencyKey).catch(() => undefined);
      return { ...created, primaryContactId: input.primaryContactId, companyId: input.companyId };
    },

    async findCreatedOpportunity(input, before) {
      const answer = await call({
        method: 'POST',
        path: '/crm/v3/objects/deals/search',
        search: true,
        body: {
          filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: input.name }] }],
          properties: DEAL_PROPERTIES,
          sorts: [NEWEST_FIRST],
          limit: 20,
        },
        ...DEALS,
      });
      const candidates = parseResults(hubspotRecord, answer.json, 'deals/search', (r) => r).records;
      const namesakes = candidates.map((c) => Number(c.id));
      const stages = outcome(await index.pipelines());
      const asFound = (candidate: (typeof candidates)[number]) => ({
        deal: {
          ...toOpportunity(candidate, stages),
          primaryContactId: input.primaryContactId,
          companyId: input.companyId,
        },
        namesakes,
      });
      /**
       * A namesake made since the first attempt, with no marker and this create's own name, pipeline,
       * stage, amount and close date: that attempt's deal, its note never written. (Its contact and
       * company would take a read each; not compared.)
       */
      const madeByThisCreate = (candidate: (typeof candidates)[number]): boolean => {
        if (before === undefined || before.includes(Number(candidate.id))) return false;
        const found = toOpportunity(candidate, stages);
        return (
          candidate.properties.dealname === input.name &&
          found.pipelineId === input.pipelineId &&
          found.stageId === input.stageId &&
          // The amount as the create sent it (two decimals).
          found.value === (input.value === null ? null : Number(input.value.toFixed(2))) &&
          found.closeDate === input.closeDate
        );
      };
      let unmarked: (typeof candidates)[number] | null = null;
      for (const candidate of candidates) {
        const fresh = madeByThisCreate(candidate);
        const links = await call({
          method: 'GET',
          path: `/crm/v4/objects/deals/${candidate.id}/associations/notes?limit=500`,
          ...DEALS,
        });
        const noteIds = parseResults(hubspotAssociation, links.json, 'associations', (a) =>
          String(a.toObjectId),
        ).records;
        if (noteIds.length === 0) {
          if (fresh) unmarked ??= candidate;
          continue;
        }
        const notes = await call({
          method: 'POST',
          path: '/crm/v3/objects/notes/batch/read',
          body: { properties: NOTE_PROPERTIES, inputs: noteIds.slice(0, 100).map((id) => ({ id })) },
          ...DEALS,
        });
        const texts = parseResults(hubspotRecord, notes.json, 'notes/batch/read', (r) =>
          noteHtmlToText(r.properties.hs_note_body ?? ''),
        ).records;
        if (texts.some((text) => hasDealMarker(text, input.idempotencyKey))) return asFound(candidate);
        if (fresh && !texts.some(hasAnyDealMarker)) unmarked ??= candidate;
      }
      if (!unmarked) return { deal: null, namesakes };
      // Its marker now, so that it is found as this create's from here on, like any other.
      await markDeal(Number(unmarked.id), input.idempotencyKey);
      return asFound(unmarked);
    },

    async updateOpportunity(id, patch) {
      let stage: string | null = null;
      if (patch.stageId !== undefined) stage = (await index.stageKey(patch.stageId))?.stage ?? null;
      else if (patch.status !== undefined) {
        // No status property: the deal moves to a stage of its pipeline with that outcome.
        const current = await call({
          method: 'GET',
          path: `/crm/v3/objects/deals/${toHubspotId(id)}?properties=pipeline,dealstage`,
          ...DEALS,
        });
        const pipelineId = parse(hubspotRecord, current.json, 'deals').properties.pipeline ?? null;
        const list = await index.pipelines();
        const pipeline = list.find((p) => p.id === pipelineId);
        const wanted: StageOutcome = patch.status === 'Abandoned' ? 'Lost' : patch.status;
        const stages = [...(pipeline?.stages ?? [])].sort(
          (a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0),
        );
        stage = stages.find((s) => outcome(list)(s.id) === wanted)?.id ?? null;
      }
      if (stage === null) throw new CrmError('invalidInput', t('errHubspotStage'));
      const answer = await call({
        method: 'PATCH',
        path: `/crm/v3/objects/deals/${toHubspotId(id)}`,
        body: { properties: { dealstage: stage } },
        ...DEALS,
        recordIds: [`opportunity:${id}`],
      });
      return deal(answer.json);
    },
  };
}
