/**
 * The HubSpot CRM v3/v4 adapter, private-app token (reference/hubspot-api.md). It sends only the
 * endpoints, properties and filters the reference documents, reads every answer through zod
 * (hubspot-schemas.ts, element by element), turns digit-string ids into numbers at this boundary
 * and back in requests, and flags search requests so the transport keeps them under HubSpot's
 * 5-a-second search limit.
 *
 * Connect: hubspot-connect.ts. Delta sync: hubspot-delta.ts (a keyset in the page cursor, past the
 * 10,000-result search cap). Deals' links: hubspot-associations.ts (v4 batch reads). Pipelines: hubspot-pipelines.ts. Notes and e-mails:
 * hubspot-activities.ts. Writes: hubspot-writes.ts.
 * Archived records never appear in search: they leave the cache through `existingIds` (batch read:
 * an archived id is missing) and the 404 of `getPerson`/`getCompany` (sync/reconcile.ts).
 */

import { z } from 'zod/mini';
import type { Company, CrmUser } from '../../../shared/crm-model';
import type { CrmClient, DeltaStyle, RecordEntity } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmCall, CrmTransport } from '../crm-transport';
import { createHubspotActivities } from './hubspot-activities';
import { preferredId, readAssociations } from './hubspot-associations';
import { checkHubspotConnection } from './hubspot-connect';
import { pageByKeyset } from './hubspot-delta';
import { toNumberId } from './hubspot-ids';
import {
  COMPANY_PROPERTIES,
  CONTACT_PROPERTIES,
  DEAL_PROPERTIES,
  splitList,
  TASK_PROPERTIES,
  toCompany,
  toOpportunity,
  toPerson,
  toTask,
  toUser,
} from './hubspot-mapping';
import { createHubspotPipelines } from './hubspot-pipelines';
import { parse, parseResults } from './hubspot-read';
import { type HubspotRecord, hubspotOwner, hubspotRecord } from './hubspot-schemas';
import { createHubspotWrites } from './hubspot-writes';

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
/** Search `limit` is at most 200 (reference). */
const SEARCH_MAX = 200;
/** Search: at most 5 filter groups (reference); one group holds `email IN`, four the secondary addresses. */
const ADDRESSES_PER_SEARCH = 4;
/** Association type ids (reference, "Associations", NODE): deal→contact 3, deal→company primary 5. */
const DEAL_TO_CONTACT = 3;
const DEAL_TO_PRIMARY_COMPANY = 5;
/**
 * How long a company this client made is its own answer for that domain. HubSpot's search lags
 * writes (reference, "Contact by email"), and a domain is not unique there: a second new person on
 * the same new domain a moment later would not find the company and make another.
 */
const MADE_COMPANY_REUSE_MS = 10 * 60_000;
/**
 * How long a retried create waits for its first attempt's task or deal to show in search. The
 * reference says only that search lags writes: how long is unconfirmed, and 15 s is a margin over
 * the seconds usually spoken of. A longer lag can still let a retry make a second task or deal.
 */
const SEARCH_LAG_MS = 15_000;

export function createHubspotClient(
  transport: CrmTransport,
  account?: string,
  connection: { email: string } = { email: '' },
  clock: { nowMs: () => number } = { nowMs: Date.now },
): CrmClient {
  const call = async (c: CrmCall) => transport.request(account === undefined ? c : { ...c, account });
  const { index, outcome, list: listPipelines } = createHubspotPipelines(call);
  const loadPipelines = index.pipelines;
  const activities = createHubspotActivities(
    call,
    clock.nowMs,
    async (stage) => outcome(await loadPipelines())(stage) === 'Open',
  );
  const writes = createHubspotWrites(call, index, outcome, clock.nowMs);
  const madeCompanies = new Map<string, { at: number; company: Company }>();

  const search = (object: string, body: Record<string, unknown>, kind: typeof READ | typeof LOOKUP) =>
    call({ method: 'POST', path: `/crm/v3/objects/${object}/search`, body, search: true, ...kind });

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

  /**
   * Each deal's contact and company, read for a whole page at once: one v4 batch read per 100 deals
   * for contacts and one for companies (hubspot-associations.ts), not one request per deal. The
   * primary company (deal→company 5) is preferred, else the first; a contact by the deal→contact
   * type (3), else the first.
   */
  const dealLinks = async (ids: readonly number[]) => {
    const contacts = await readAssociations(call, 'deals', 'contacts', ids, READ);
    const companies = await readAssociations(call, 'deals', 'companies', ids, READ);
    return (id: number) => ({
      primaryContactId: preferredId(contacts.get(id), DEAL_TO_CONTACT),
      companyId: preferredId(companies.get(id), DEAL_TO_PRIMARY_COMPANY),
    });
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
    searchLagMs: SEARCH_LAG_MS,

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

    checkConnection: () => checkHubspotConnection(call, connection),
    listPipelines,
    pagePeople: (query) => pageByKeyset(call, 'contacts', CONTACT_PROPERTIES, query, toPerson),
    pageCompanies: (query) => pageByKeyset(call, 'companies', COMPANY_PROPERTIES, query, toCompany),
    // No lead object (hubspot-mapping.ts): every contact is a person.
    pageLeads: async () => ({ records: [], total: 0, skipped: 0, received: 0, nextCursor: null }),
    async pageOpportunities(query) {
      const list = await loadPipelines();
      const page = await pageByKeyset(call, 'deals', DEAL_PROPERTIES, query, (r) =>
        toOpportunity(r, outcome(list)),
      );
      // Search replies carry no associations: the page's contacts and companies are read in batches,
      // so each deal's card finds it by person or company.
      const links = page.records.length === 0 ? null : await dealLinks(page.records.map((d) => d.id));
      const records = page.records.map((deal) => ({
        ...deal,
        ...(links ? links(deal.id) : { primaryContactId: null, companyId: null }),
      }));
      // HubSpot writes dates as ISO 8601 (year, month, day) and takes epoch ms: never ambiguous.
      // Saying "month first" (true of ISO) spares the deal form its day/month question.
      return { ...page, records, dateOrder: 'monthFirst' as const };
    },
    pageTasks: (query) => pageByKeyset(call, 'tasks', TASK_PROPERTIES, query, (r) => toTask(r)),

    searchPeopleByEmails: (addresses) => peopleByEmails(addresses, LOOKUP),
    findPersonByEmail: async (address) => (await peopleByEmails([address], LOOKUP))[0] ?? null,
    findLeadByEmail: async () => null,

    async findCompanyByDomain(domain) {
      const wanted = domain.trim().toLowerCase();
      const made = madeCompanies.get(wanted);
      if (made && clock.nowMs() - made.at < MADE_COMPANY_REUSE_MS) return made.company;
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
    // After `...writes`: the company made is remembered for findCompanyByDomain (search lags writes).
    async createCompany(input) {
      const company = await writes.createCompany(input);
      const domain = input.domain?.trim().toLowerCase();
      if (domain) madeCompanies.set(domain, { at: clock.nowMs(), company });
      return company;
    },
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
