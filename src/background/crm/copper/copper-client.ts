/**
 * The Copper Developer API v1 adapter (reference/copper-api.md). It sends only fields the reference
 * documents for each endpoint (test/unit/copper-request-fields.test.ts runs every body it builds
 * through the local server's table of documented fields), reads every answer through zod element by
 * element (copper-read.ts), and writes `close_date` as a string in the account's date order.
 * `account` is the Gmail account the client acts for: the egress gate checks that account's consent
 * and writes its audit log.
 */
import { z } from 'zod/mini';
import type { CrmUser, Task } from '../../../shared/crm-model';
import { lazySchema } from '../../../shared/lazy-schema';
import { dealMarkerLine, hasDealMarker } from '../../../shared/threadline-marker';
import { t } from '../../i18n';
import type { CrmClient, DateOrder, DeltaStyle, Page, PageQuery, RecordEntity } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmCall, CrmTransport } from '../crm-transport';
import { createCopperActivities } from './copper-activities';
import { formatCloseDate, learnDateOrder } from './copper-close-date';
import { toCompany, toLead, toOpportunity, toPerson, toTask } from './copper-mapping';
import { parse, parseEach, totalOf } from './copper-read';
import {
  copperAccount,
  copperCompany,
  copperLead,
  copperOpportunity,
  copperPerson,
  copperPipelines,
  copperTask,
  copperUser,
} from './copper-schemas';
import { advanceSweep, endsWindow, FIRST_SWEEP, readSweepCursor, sweepBody } from './copper-window';
import { createCopperWrites } from './copper-writes';

export const COPPER_BASE_URL = 'https://api.copper.com/developer_api/v1';

export function copperHeaders(apiKey: string, email: string): Record<string, string> {
  return {
    'X-PW-AccessToken': apiKey,
    'X-PW-Application': 'developer_api',
    'X-PW-UserEmail': email,
    'Content-Type': 'application/json',
  };
}

/**
 * `minimum_modified_date` is documented only on leads, opportunities and tasks searches; people and
 * companies are read newest first (`sort_by: date_modified`, documented there) down to the watermark.
 */
export const COPPER_DELTA_STYLE: Readonly<Record<RecordEntity, DeltaStyle>> = {
  people: 'newestFirst',
  companies: 'newestFirst',
  leads: 'modifiedFrom',
  opportunities: 'modifiedFrom',
  tasks: 'modifiedFrom',
};

const SEARCH_READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
const LOOKUP = { purpose: 'lookupContact', dataClasses: ['googleUserData'] } as const;
/** One-string lookups (a lead's address, a company's domain) answered within this long are not asked again. */
const LOOKUP_REUSE_MS = 60_000;
/** The duplicate check of a task reads at most this many of the newest open tasks. */
const TASK_CHECK_PAGES = 2;
const idOnly = lazySchema(() => z.object({ id: z.number() }));

const orNull = async <T>(promise: Promise<T>): Promise<T | null> => {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof CrmError && error.kind === 'notFound') return null;
    throw error;
  }
};

export function createCopperClient(
  transport: CrmTransport,
  account?: string,
  clock: { nowMs: () => number } = { nowMs: Date.now },
): CrmClient {
  const call = async (c: CrmCall) => transport.request(account === undefined ? c : { ...c, account });
  const activities = createCopperActivities(call, () => Math.floor(clock.nowMs() / 1000));
  /** The date order this client has seen the account's own data prove, if any. */
  let learnedOrder: DateOrder | null = null;
  const writes = createCopperWrites(call, () => learnedOrder);

  const page = async <S extends z.ZodMiniType, T>(
    entity: RecordEntity,
    path: string,
    schema: S,
    map: (record: z.infer<S>) => T,
    query: PageQuery,
  ): Promise<Page<T>> => {
    if (query.cursor !== undefined && COPPER_DELTA_STYLE[entity] === 'newestFirst') {
      // Past the search window: the sweep by creation date (copper-window.ts).
      const cursor = readSweepCursor(query.cursor);
      const answer = await call({
        method: 'POST',
        path,
        body: sweepBody(cursor, query.pageSize),
        ...SEARCH_READ,
      });
      const { fresh, next } = advanceSweep(
        cursor,
        parse(z.array(z.unknown()), answer.json, path),
        query.pageSize,
      );
      return { ...parseEach(schema, fresh, path, map), total: totalOf(answer), nextCursor: next };
    }
    const filtered = COPPER_DELTA_STYLE[entity] === 'modifiedFrom' && query.modifiedFrom !== undefined;
    const answer = await call({
      method: 'POST',
      path,
      body: {
        page_number: query.page,
        page_size: query.pageSize,
        sort_by: 'date_modified',
        sort_direction: query.newestFirst ? 'desc' : 'asc',
        ...(filtered ? { minimum_modified_date: query.modifiedFrom } : {}),
      },
      ...SEARCH_READ,
    });
    const read = parseEach(schema, answer.json, path, map);
    const more = query.newestFirst === true && endsWindow(query.page, query.pageSize, read.received);
    return { ...read, total: totalOf(answer), ...(more ? { nextCursor: FIRST_SWEEP } : {}) };
  };

  /** The same one-string lookup within a minute (several writes for one domain) is asked once. */
  const recent = new Map<string, { at: number; answer: Promise<unknown> }>();
  const lookupOnce = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    const now = clock.nowMs();
    const hit = recent.get(key);
    if (hit && now - hit.at < LOOKUP_REUSE_MS) return hit.answer as Promise<T>;
    const answer = ask();
    answer.catch(() => recent.delete(key));
    recent.set(key, { at: now, answer });
    for (const [k, v] of recent) if (now - v.at >= LOOKUP_REUSE_MS) recent.delete(k);
    return answer;
  };

  const remember = <T>(key: string, value: T): void => {
    recent.set(key, { at: clock.nowMs(), answer: Promise.resolve(value) });
  };

  const firstOf = async <S extends z.ZodMiniType, T>(
    path: string,
    body: Record<string, unknown>,
    schema: S,
    map: (record: z.infer<S>) => T,
  ): Promise<T | null> => {
    const answer = await call({ method: 'POST', path, body, ...LOOKUP });
    return parseEach(schema, answer.json, path, map).records[0] ?? null;
  };

  return {
    deltaStyle: COPPER_DELTA_STYLE,

    async checkConnection() {
      const [account, me] = await Promise.all([
        call({ method: 'GET', path: '/account', purpose: 'auth', dataClasses: ['credentials'] }),
        call({ method: 'GET', path: '/users/me', purpose: 'auth', dataClasses: ['credentials'] }),
      ]);
      const user = parse(copperUser, me.json, 'users/me');
      return {
        accountName: parse(copperAccount, account.json, 'account').name,
        user: { id: user.id, name: user.name ?? user.email, email: user.email },
      };
    },

    async listUsers() {
      const users: CrmUser[] = [];
      for (let pageNumber = 1; ; pageNumber += 1) {
        const answer = await call({
          method: 'POST',
          path: '/users/search',
          body: { page_number: pageNumber, page_size: 200 },
          ...SEARCH_READ,
        });
        const list = parseEach(copperUser, answer.json, 'users/search', (u) => ({
          id: u.id,
          name: u.name ?? u.email,
          email: u.email,
        }));
        users.push(...list.records);
        if (list.received < 200) return users;
      }
    },

    async listPipelines() {
      const answer = await call({ method: 'GET', path: '/pipelines', ...SEARCH_READ });
      return parse(copperPipelines, answer.json, 'pipelines').map((p) => ({
        id: p.id,
        name: p.name,
        stages: (p.stages ?? []).map((s) => ({
          id: s.id,
          name: s.name,
          winProbability: s.win_probability ?? null,
        })),
      }));
    },

    pagePeople: (query) => page('people', '/people/search', copperPerson, toPerson, query),
    pageCompanies: (query) => page('companies', '/companies/search', copperCompany, toCompany, query),
    pageLeads: (query) => page('leads', '/leads/search', copperLead, toLead, query),
    async pageOpportunities(query) {
      // Read raw first: the page's own close dates may prove the account's date order.
      const raw = await page('opportunities', '/opportunities/search', copperOpportunity, (o) => o, query);
      const shown = learnDateOrder(raw.records.map((o) => o.close_date));
      if (shown) learnedOrder = shown;
      else if (!learnedOrder && query.dateOrder) learnedOrder = query.dateOrder;
      return {
        ...raw,
        records: raw.records.map((o) => toOpportunity(o, learnedOrder)),
        ...(shown ? { dateOrder: shown } : {}),
      };
    },

    async searchPeopleByEmails(addresses) {
      if (addresses.length === 0) return [];
      // `emails` is documented as an array on people/search (reference, people/search).
      const answer = await call({
        method: 'POST',
        path: '/people/search',
        body: { emails: addresses.slice(0, 200), page_size: 200 },
        ...LOOKUP,
      });
      return parseEach(copperPerson, answer.json, 'people/search', toPerson).records;
    },

    recentActivities: (parent, limit) => activities.recentActivities(parent, limit),
    activitiesOfRecord: (parent) => activities.activitiesOfRecord(parent),

    findPersonByEmail: (address) =>
      firstOf('/people/search', { emails: [address], page_size: 1 }, copperPerson, toPerson),
    // leads/search `emails` and companies/search `email_domains` are ONE string each (DC, GB).
    findLeadByEmail: (address) =>
      lookupOnce(`lead\n${address.toLowerCase()}`, () =>
        firstOf('/leads/search', { emails: address, page_size: 1 }, copperLead, toLead),
      ),
    findCompanyByDomain: (domain) =>
      lookupOnce(`company\n${domain.toLowerCase()}`, () =>
        firstOf('/companies/search', { email_domains: domain, page_size: 1 }, copperCompany, toCompany),
      ),

    ...writes,
    // A company or lead just created answers the next lookup of its domain or address: a "none"
    // kept from before the create would make the next person of the same new domain create the
    // company again (found by the soak: two companies for one domain).
    async createCompany(input) {
      const company = await writes.createCompany(input);
      remember(`company\n${input.domain.toLowerCase()}`, company);
      return company;
    },
    async createLead(input) {
      const lead = await writes.createLead(input);
      remember(`lead\n${input.email.toLowerCase()}`, lead);
      return lead;
    },

    pageThreadActivities: (query) => activities.pageThreadActivities(query),
    threadActivitiesOf: (parent, since) => activities.threadActivitiesOf(parent, since),
    createActivity: (input) => activities.createActivity(input),
    updateActivityDetails: (id, details, purpose, fromGmail) =>
      activities.updateActivityDetails(id, details, purpose, fromGmail),

    pageTasks: (query) => page('tasks', '/tasks/search', copperTask, toTask, query),

    async findTasks(name, related) {
      // tasks/search documents no name or related_resource filter: read the newest open tasks
      // (an earlier attempt of this create is among them) and match here.
      const found: Task[] = [];
      for (let pageNumber = 1; pageNumber <= TASK_CHECK_PAGES; pageNumber += 1) {
        const answer = await call({
          method: 'POST',
          path: '/tasks/search',
          body: {
            statuses: ['Open'],
            ...(related?.type === 'opportunity' ? { opportunity_ids: [related.id] } : {}),
            sort_by: 'date_created',
            sort_direction: 'desc',
            page_number: pageNumber,
            page_size: 200,
          },
          purpose: 'manageTasks',
          dataClasses: ['crmData'],
        });
        const list = parseEach(copperTask, answer.json, 'tasks/search', toTask);
        found.push(
          ...list.records.filter(
            (task) =>
              task.name === name &&
              (related === null
                ? task.related === null
                : task.related?.type === related.type && task.related.id === related.id),
          ),
        );
        if (list.received < 200) break;
      }
      return found;
    },

    getPerson: (id) =>
      orNull(call({ method: 'GET', path: `/people/${id}`, ...SEARCH_READ })).then((answer) =>
        answer ? toPerson(parse(copperPerson, answer.json, 'people')) : null,
      ),
    getCompany: (id) =>
      orNull(call({ method: 'GET', path: `/companies/${id}`, ...SEARCH_READ })).then((answer) =>
        answer ? toCompany(parse(copperCompany, answer.json, 'companies')) : null,
      ),

    async existingIds(entity, ids) {
      if (ids.length === 0) return { existing: new Set() };
      const asked = new Set(ids.slice(0, 200));
      // `ids` is documented on developer.copper.com only (new): if Copper ignores it, the answer
      // holds records not asked for, and nothing can be concluded from it.
      const answer = await call({
        method: 'POST',
        path: `/${entity}/search`,
        body: { ids: [...asked], page_size: 200 },
        ...SEARCH_READ,
      });
      const found = parseEach(idOnly, answer.json, `${entity}/search`, (r) => r.id);
      if (found.skipped > 0 || found.records.some((id) => !asked.has(id))) return null;
      return { existing: new Set(found.records) };
    },

    async createOpportunity(input) {
      const closeDateString = (seconds: number): string => {
        const order = input.dateOrder ?? learnedOrder;
        // Never guess: day and month swapped silently would be a wrong deal.
        if (!order) throw new CrmError('invalidInput', t('errDateOrderUnknown'));
        return formatCloseDate(seconds, order);
      };
      const answer = await call({
        method: 'POST',
        path: '/opportunities',
        body: {
          name: input.name,
          pipeline_id: input.pipelineId,
          pipeline_stage_id: input.stageId,
          monetary_value: input.value,
          ...(input.closeDate === null ? {} : { close_date: closeDateString(input.closeDate) }),
          primary_contact_id: input.primaryContactId,
          company_id: input.companyId,
          details: dealMarkerLine(input.idempotencyKey),
        },
        purpose: 'manageDeals',
        dataClasses: ['crmData'],
        recordIds: input.primaryContactId === null ? [] : [`person:${input.primaryContactId}`],
      });
      return toOpportunity(
        parse(copperOpportunity, answer.json, 'opportunities'),
        input.dateOrder ?? learnedOrder,
      );
    },

    async findCreatedOpportunity(input) {
      // `name` is a documented filter; the marker in `details` tells our create from a namesake.
      const answer = await call({
        method: 'POST',
        path: '/opportunities/search',
        body: { name: input.name, page_size: 200 },
        purpose: 'manageDeals',
        dataClasses: ['crmData'],
      });
      // The marker goes out with the create itself: a deal without it was not made by this create.
      const namesakes = parseEach(copperOpportunity, answer.json, 'opportunities/search', (o) => o).records;
      const found = namesakes.find((o) => hasDealMarker(o.details, input.idempotencyKey));
      return {
        deal: found ? toOpportunity(found, input.dateOrder ?? learnedOrder) : null,
        namesakes: namesakes.map((o) => o.id),
      };
    },
  };
}
