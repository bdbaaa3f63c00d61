/**
 * The HubSpot CRM v3/v4 adapter, private-app token (reference/hubspot-api.md). It sends only the
 * endpoints, properties and filters the reference documents, reads every answer through zod
 * (hubspot-schemas.ts, element by element), turns digit-string ids into numbers at this boundary
 * and back in requests, and flags search requests so the transport keeps them under HubSpot's
 * 5-a-second search limit.
 *
 * Delta sync: a keyset over each object's own last-modified property, in HubSpot's milliseconds,
 * carried in the page cursor (`PageQuery.cursor`), never a search offset, so the 10,000-result cap
 * is never reached: "modified ≥ t, ascending"; a page that sits wholly in one millisecond goes on
 * inside that millisecond by `hs_object_id GT last`, ascending (the reference's restart).
 * Archived records never appear in search: they leave the cache through `existingIds` (batch read:
 * an archived id is missing) and the 404 of `getPerson`/`getCompany` (sync/reconcile.ts).
 */

import { z } from 'zod/mini';
import type { CrmUser, Pipeline } from '../../../shared/crm-model';
import { t } from '../../i18n';
import type { CrmClient, DeltaStyle, Page, PageQuery, RecordEntity } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmCall, CrmTransport } from '../crm-transport';
import { createHubspotActivities } from './hubspot-activities';
import { labelIdToNumber, toHubspotId, toNumberId } from './hubspot-ids';
import {
  COMPANY_PROPERTIES,
  CONTACT_PROPERTIES,
  DEAL_PROPERTIES,
  modifiedMsOf,
  type StageOutcome,
  splitList,
  TASK_PROPERTIES,
  toCompany,
  toOpportunity,
  toPerson,
  toTask,
  toUser,
} from './hubspot-mapping';
import { parse, parseResults } from './hubspot-read';
import {
  type HubspotPipeline,
  type HubspotRecord,
  hubspotAssociationsField,
  hubspotError,
  hubspotOwner,
  hubspotPipeline,
  hubspotRecord,
} from './hubspot-schemas';
import { createHubspotWrites, type PipelineIndex } from './hubspot-writes';

export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';

export function hubspotHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

export const HUBSPOT_DELTA_STYLE: Readonly<Record<RecordEntity, DeltaStyle>> = {
  people: 'modifiedFrom',
  companies: 'modifiedFrom',
  leads: 'modifiedFrom',
  opportunities: 'modifiedFrom',
  tasks: 'modifiedFrom',
};

const READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
const LOOKUP = { purpose: 'lookupContact', dataClasses: ['googleUserData'] } as const;
const AUTH = { purpose: 'auth', dataClasses: ['credentials'] } as const;
const SEARCH_MAX = 200;
/** Search: at most 5 filter groups (reference); one group holds `email IN`, four the secondary addresses. */
const ADDRESSES_PER_SEARCH = 4;
/** The objects connect checks, one cheap read each (the scopes the sidebar needs). */
const CHECKED_OBJECTS = ['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'] as const;

const MODIFIED: Record<string, string> = { contacts: 'lastmodifieddate' };
const modifiedProperty = (object: string) => MODIFIED[object] ?? 'hs_lastmodifieddate';

/** A cursor: `m<ms>` = modified ≥ ms, ascending; `m<ms>i<id>` = modified = ms and id > id. */
interface Keyset {
  ms: number;
  afterId: string | null;
}
export function encodeKeyset(k: Keyset): string {
  return k.afterId === null ? `m${k.ms}` : `m${k.ms}i${k.afterId}`;
}
export function decodeKeyset(cursor: string | undefined): Keyset | null {
  const match = /^m(\d{1,15})(?:i(\d{1,15}))?$/.exec(cursor ?? '');
  if (!match) return null;
  return { ms: Number(match[1]), afterId: match[2] ?? null };
}

/** The plain sentence for a 403 `MISSING_SCOPES`, naming the scopes from `errors[0].context`. */
export function missingScopes(error: unknown): string[] | null {
  if (!(error instanceof CrmError) || error.status !== 403) return null;
  const body = hubspotError.safeParse(error.body);
  if (!body.success) return [];
  const first = body.data.errors?.[0];
  const scopes = first?.context?.requiredGranularScopes ?? [];
  return body.data.category === 'MISSING_SCOPES' || first?.code === 'MISSING_SCOPES' || scopes.length > 0
    ? scopes
    : [];
}

export function createHubspotClient(
  transport: CrmTransport,
  account?: string,
  connection: { email: string } = { email: '' },
  clock: { nowMs: () => number } = { nowMs: Date.now },
): CrmClient {
  const call = async (c: CrmCall) => transport.request(account === undefined ? c : { ...c, account });
  const activities = createHubspotActivities(call, clock.nowMs);

  let pipelines: Promise<HubspotPipeline[]> | null = null;
  const loadPipelines = (): Promise<HubspotPipeline[]> => {
    pipelines ??= call({ method: 'GET', path: '/crm/v3/pipelines/deals', ...READ })
      .then((answer) => parseResults(hubspotPipeline, answer.json, 'pipelines', (p) => p).records)
      .catch((error: unknown) => {
        pipelines = null;
        throw error;
      });
    return pipelines;
  };
  const index: PipelineIndex = {
    async stageKey(stageId) {
      for (const p of await loadPipelines())
        for (const s of p.stages)
          if (labelIdToNumber(s.id) === stageId) return { pipeline: p.id, stage: s.id };
      return null;
    },
    async pipelineKey(pipelineId) {
      return (await loadPipelines()).find((p) => labelIdToNumber(p.id) === pipelineId)?.id ?? null;
    },
    pipelines: loadPipelines,
  };
  const outcome =
    (list: HubspotPipeline[]) =>
    (stageId: string): StageOutcome => {
      for (const p of list) {
        const stage = p.stages.find((s) => s.id === stageId);
        if (stage) return stageOutcome(stage.metadata);
      }
      return stageId === 'closedwon' ? 'Won' : stageId === 'closedlost' ? 'Lost' : 'Open';
    };
  const writes = createHubspotWrites(call, index, outcome, clock.nowMs);

  const search = (object: string, body: Record<string, unknown>, kind: typeof READ | typeof LOOKUP) =>
    call({ method: 'POST', path: `/crm/v3/objects/${object}/search`, body, search: true, ...kind });

  const pageObjects = async <T extends { id: number; modifiedAt: number }>(
    object: string,
    properties: readonly string[],
    query: PageQuery,
    map: (r: HubspotRecord) => T,
  ): Promise<Page<T>> => {
    const modified = modifiedProperty(object);
    const limit = Math.min(query.pageSize, SEARCH_MAX);
    const keyset = decodeKeyset(query.cursor) ?? { ms: (query.modifiedFrom ?? 0) * 1000, afterId: null };
    const body =
      keyset.afterId === null
        ? {
            filterGroups: [
              { filters: [{ propertyName: modified, operator: 'GTE', value: String(keyset.ms) }] },
            ],
            sorts: [{ propertyName: modified, direction: 'ASCENDING' }],
            properties,
            limit,
          }
        : {
            filterGroups: [
              {
                filters: [
                  { propertyName: modified, operator: 'GTE', value: String(keyset.ms) },
                  { propertyName: modified, operator: 'LTE', value: String(keyset.ms) },
                  { propertyName: 'hs_object_id', operator: 'GT', value: keyset.afterId },
                ],
              },
            ],
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
            properties,
            limit,
          };
    const answer = await search(object, body, READ);
    const raw = parseResults(hubspotRecord, answer.json, `${object}/search`, (r) => r);
    const records: T[] = [];
    for (const r of raw.records) {
      try {
        records.push(map(r));
      } catch (error) {
        if (!(error instanceof CrmError)) throw error;
      }
    }
    const skipped = raw.skipped + raw.records.length - records.length;
    const page = { records, total: raw.total, skipped, received: raw.received };
    const last = raw.records.at(-1);
    if (raw.received < limit || !last) {
      // A short page in one millisecond: go on after it; a short page of the whole range: the end.
      return {
        ...page,
        nextCursor: keyset.afterId === null ? null : encodeKeyset({ ms: keyset.ms + 1, afterId: null }),
      };
    }
    if (keyset.afterId !== null)
      return { ...page, nextCursor: encodeKeyset({ ms: keyset.ms, afterId: last.id }) };
    const first = raw.records[0] ?? last;
    const lastMs = modifiedMsOf(last);
    // A whole page in one millisecond: page through that millisecond by id (the 10,000-cap restart).
    return {
      ...page,
      nextCursor:
        modifiedMsOf(first) === lastMs
          ? encodeKeyset({ ms: lastMs, afterId: '0' })
          : encodeKeyset({ ms: lastMs, afterId: null }),
    };
  };

  const getRecord = async <T>(
    object: string,
    properties: readonly string[],
    id: number,
    map: (r: HubspotRecord) => T,
  ) => {
    try {
      const answer = await call({
        method: 'GET',
        path: `/crm/v3/objects/${object}/${id}?properties=${properties.join(',')}`,
        ...READ,
      });
      return map(parse(hubspotRecord, answer.json, object));
    } catch (error) {
      if (error instanceof CrmError && error.kind === 'notFound') return null;
      throw error;
    }
  };

  const dealLinks = async (
    id: number,
  ): Promise<{ primaryContactId: number | null; companyId: number | null }> => {
    const none = { primaryContactId: null, companyId: null };
    let json: unknown;
    try {
      json = (
        await call({
          method: 'GET',
          path: `/crm/v3/objects/deals/${toHubspotId(id)}?properties=hs_object_id&associations=contacts,companies`,
          ...READ,
        })
      ).json;
    } catch (error) {
      if (error instanceof CrmError && error.kind === 'notFound') return none; // archived meanwhile
      throw error;
    }
    const read = hubspotAssociationsField.safeParse(json);
    if (!read.success) return none;
    const links = read.data.associations ?? {};
    const first = (key: string, preferred: string) => {
      const results = links[key]?.results ?? [];
      const pick = results.find((r) => r.type === preferred) ?? results[0];
      return pick === undefined ? null : Number(pick.id);
    };
    return {
      primaryContactId: first('contacts', 'deal_to_contact'),
      // The primary company's type is `deal_to_company`; other links are `…_unlabeled`.
      companyId: first('companies', 'deal_to_company'),
    };
  };

  const peopleByEmails = async (addresses: readonly string[], kind: typeof READ | typeof LOOKUP) => {
    const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a.includes('@')))];
    const found = new Map<number, ReturnType<typeof toPerson>>();
    for (let i = 0; i < wanted.length; i += ADDRESSES_PER_SEARCH) {
      const chunk = wanted.slice(i, i + ADDRESSES_PER_SEARCH);
      const answer = await search(
        'contacts',
        {
          filterGroups: [
            { filters: [{ propertyName: 'email', operator: 'IN', values: chunk }] },
            ...chunk.map((a) => ({
              filters: [{ propertyName: 'hs_additional_emails', operator: 'CONTAINS_TOKEN', value: a }],
            })),
          ],
          properties: CONTACT_PROPERTIES,
          limit: SEARCH_MAX,
        },
        kind,
      );
      for (const person of parseResults(hubspotRecord, answer.json, 'contacts/search', toPerson).records) {
        // CONTAINS_TOKEN matches tokens: keep only a person who really has one of the addresses.
        if (person.emails.some((e) => chunk.includes(e.value.toLowerCase()))) found.set(person.id, person);
      }
    }
    return [...found.values()];
  };

  return {
    deltaStyle: HUBSPOT_DELTA_STYLE,

    async checkConnection() {
      const email = connection.email.trim();
      const requests = [
        call({ method: 'GET', path: `/crm/v3/owners?email=${encodeURIComponent(email)}&limit=1`, ...AUTH }),
        ...CHECKED_OBJECTS.map((object) =>
          call({ method: 'GET', path: `/crm/v3/objects/${object}?limit=1`, ...AUTH }),
        ),
      ];
      const settled = await Promise.allSettled(requests);
      const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      if (errors.some((e) => e instanceof CrmError && e.status === 401))
        throw new CrmError('notConnected', t('errHubspotToken'), 401);
      const scopes = errors.map(missingScopes).filter((s): s is string[] => s !== null);
      if (scopes.length > 0) {
        const names = [...new Set(scopes.flat())];
        throw new CrmError(
          'notConnected',
          names.length > 0 ? t('errHubspotScopes', names.join(', ')) : t('errHubspotScopesUnnamed'),
          403,
        );
      }
      if (errors[0] !== undefined) throw errors[0];
      const ownersAnswer = settled[0];
      if (ownersAnswer?.status !== 'fulfilled') throw new CrmError('invalidResponse', 'owners');
      const me = parseResults(hubspotOwner, ownersAnswer.value.json, 'owners', (o) => o).records.find(
        (o) => (o.email ?? '').toLowerCase() === email.toLowerCase(),
      );
      if (!me) throw new CrmError('notConnected', t('errHubspotNoOwner', email));
      // No account endpoint in the reference: the owner id (one HubSpot account's own) tells one
      // account from another, so a token of another account is another connection.
      return { accountName: `HubSpot · ${me.email ?? email} · owner ${me.id}`, user: toUser(me) };
    },

    async listUsers() {
      const users: CrmUser[] = [];
      let after: string | null = null;
      for (let n = 0; n < 100; n += 1) {
        const path: string = `/crm/v3/owners?limit=100${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
        const answer = await call({ method: 'GET', path, ...READ });
        const page = parseResults(hubspotOwner, answer.json, 'owners', (o) => o);
        users.push(...page.records.filter((o) => o.archived !== true && o.type !== 'QUEUE').map(toUser));
        after = page.after;
        if (after === null) break;
      }
      return users;
    },

    async listPipelines() {
      pipelines = null;
      const list = await loadPipelines();
      return list
        .filter((p) => p.archived !== true)
        .map(
          (p): Pipeline => ({
            id: labelIdToNumber(p.id),
            name: p.label.slice(0, 500),
            stages: [...p.stages]
              .filter((s) => s.archived !== true)
              .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
              .map((s) => {
                const probability = Number(s.metadata?.probability ?? Number.NaN);
                return {
                  id: labelIdToNumber(s.id),
                  name: s.label.slice(0, 500),
                  winProbability: Number.isFinite(probability) ? Math.round(probability * 100) : null,
                };
              }),
          }),
        );
    },

    pagePeople: (query) => pageObjects('contacts', CONTACT_PROPERTIES, query, toPerson),
    pageCompanies: (query) => pageObjects('companies', COMPANY_PROPERTIES, query, toCompany),
    // No lead object (hubspot-mapping.ts): every contact is a person.
    pageLeads: async () => ({ records: [], total: 0, skipped: 0, received: 0, nextCursor: null }),
    async pageOpportunities(query) {
      const list = await loadPipelines();
      const page = await pageObjects('deals', DEAL_PROPERTIES, query, (r) => toOpportunity(r, outcome(list)));
      // Search replies carry no associations: each deal's contact and company are read by id (one
      // request per changed deal), so its card finds it by person or company.
      const records = [];
      for (const deal of page.records) records.push({ ...deal, ...(await dealLinks(deal.id)) });
      // HubSpot writes dates as ISO 8601 (year, month, day) and takes epoch ms: never ambiguous.
      // Saying "month first" (true of ISO) spares the deal form its day/month question.
      return { ...page, records, dateOrder: 'monthFirst' as const };
    },
    pageTasks: (query) => pageObjects('tasks', TASK_PROPERTIES, query, (r) => toTask(r)),

    searchPeopleByEmails: (addresses) => peopleByEmails(addresses, LOOKUP),
    findPersonByEmail: async (address) => (await peopleByEmails([address], LOOKUP))[0] ?? null,
    findLeadByEmail: async () => null,

    async findCompanyByDomain(domain) {
      const wanted = domain.trim().toLowerCase();
      const answer = await search(
        'companies',
        {
          filterGroups: [
            { filters: [{ propertyName: 'domain', operator: 'EQ', value: wanted }] },
            {
              filters: [{ propertyName: 'hs_additional_domains', operator: 'CONTAINS_TOKEN', value: wanted }],
            },
          ],
          properties: COMPANY_PROPERTIES,
          limit: 10,
        },
        LOOKUP,
      );
      const list = parseResults(hubspotRecord, answer.json, 'companies/search', (r) => r).records;
      const hit = list.find(
        (r) =>
          (r.properties.domain ?? '').toLowerCase() === wanted ||
          splitList(r.properties.hs_additional_domains ?? null).some((d) => d.toLowerCase() === wanted),
      );
      return hit ? { ...toCompany(hit), domain: wanted } : null;
    },

    recentActivities: (parent, limit) => activities.recentActivities(parent, limit),
    activitiesOfRecord: (parent) => activities.activitiesOfRecord(parent),
    pageThreadActivities: (query) => activities.pageThreadActivities(query),
    threadActivitiesOf: (parent, since) => activities.threadActivitiesOf(parent, since),
    createActivity: (input) => activities.createActivity(input),
    updateActivityDetails: (id, details, purpose, fromGmail) =>
      activities.updateActivityDetails(id, details, purpose, fromGmail),

    ...writes,
    getPerson: (id) => getRecord('contacts', CONTACT_PROPERTIES, id, toPerson),
    getCompany: (id) => getRecord('companies', COMPANY_PROPERTIES, id, toCompany),

    async existingIds(entity, ids) {
      if (ids.length === 0) return { existing: new Set() };
      const object = entity === 'people' ? 'contacts' : 'companies';
      const asked = new Set(ids.slice(0, 200));
      const existing = new Set<number>();
      const list = [...asked];
      for (let i = 0; i < list.length; i += 100) {
        const path = `/crm/v3/objects/${object}/batch/read`;
        let answer: Awaited<ReturnType<typeof call>> | null;
        try {
          answer = await call({
            method: 'POST',
            path,
            body: {
              properties: ['hs_object_id'],
              inputs: list.slice(i, i + 100).map((id) => ({ id: String(id) })),
            },
            ...READ,
          });
        } catch (error) {
          // None of them exists (404 body unconfirmed): each is confirmed by getPerson/getCompany.
          if (error instanceof CrmError && error.kind === 'notFound') continue;
          throw error;
        }
        const found = parseResults(z.object({ id: z.string() }), answer.json, path, (r) => r.id);
        for (const id of found.records) {
          if (!/^\d{1,15}$/.test(id) || !asked.has(Number(id))) return null; // not what was asked: cannot tell
          existing.add(toNumberId(id));
        }
      }
      return { existing };
    },
  };
}

/** A stage's outcome from its metadata (PIPE; `isClosed` only observed, so both readings). */
export function stageOutcome(
  metadata: { probability?: string | null | undefined; isClosed?: string | undefined } | undefined,
): StageOutcome {
  const probability = Number(metadata?.probability ?? Number.NaN);
  if (metadata?.isClosed === 'false') return 'Open';
  if (probability >= 1) return 'Won';
  if (probability === 0 && (metadata?.isClosed === 'true' || metadata?.isClosed === undefined)) return 'Lost';
  return metadata?.isClosed === 'true' ? 'Lost' : 'Open';
}
