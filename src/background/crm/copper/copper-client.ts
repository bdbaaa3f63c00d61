import { z } from 'zod/mini';
import type {
  Activity,
  Company,
  CrmUser,
  Labelled,
  Lead,
  Opportunity,
  Person,
  PostalAddress,
  RecordRef,
  Task,
} from '../../../shared/crm-model';
import { OPPORTUNITY_STATUSES, RECORD_TYPES, recordKeyOf } from '../../../shared/crm-model';
import { describeIssues } from '../../../shared/protocol';
import { dealMarkerLine, hasDealMarker } from '../../../shared/threadline-marker';
import type { CrmClient, NewActivity, Page, PageQuery, SyncedActivity } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmCall, CrmTransport } from '../crm-transport';
import {
  type CopperCompany,
  type CopperLead,
  type CopperOpportunity,
  type CopperPerson,
  type CopperTask,
  copperAccount,
  copperActivity,
  copperActivityTypes,
  type copperAddress,
  copperCompany,
  copperDateToSeconds,
  copperLead,
  copperOpportunity,
  copperPerson,
  copperPipelines,
  copperTask,
  copperUser,
} from './copper-schemas';

export const COPPER_BASE_URL = 'https://api.copper.com/developer_api/v1';

export function copperHeaders(apiKey: string, email: string): Record<string, string> {
  return {
    'X-PW-AccessToken': apiKey,
    'X-PW-Application': 'developer_api',
    'X-PW-UserEmail': email,
    'Content-Type': 'application/json',
  };
}

function parse<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new CrmError('invalidResponse', `${what}: ${describeIssues(result.error)}`);
  return result.data;
}

const labelled = (
  list: { email?: string; number?: string; category?: string | null | undefined }[] | null | undefined,
): Labelled[] =>
  (list ?? []).map((x) => ({
    value: (x.email ?? x.number ?? '').slice(0, 320),
    category: x.category ?? 'other',
  }));

function address(a: z.infer<typeof copperAddress>): PostalAddress | null {
  if (!a) return null;
  const out = {
    street: a.street ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postalCode: a.postal_code ?? null,
    country: a.country ?? null,
  };
  return Object.values(out).some((v) => v !== null && v !== '') ? out : null;
}

const nameOf = (r: {
  name?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
}): string => (r.name ?? [r.first_name, r.last_name].filter(Boolean).join(' ')).trim() || '(no name)';

export const toPerson = (p: CopperPerson): Person => ({
  id: p.id,
  name: nameOf(p),
  title: p.title ?? null,
  companyId: p.company_id ?? null,
  companyName: p.company_name ?? null,
  emails: labelled(p.emails),
  phones: labelled(p.phone_numbers),
  address: address(p.address),
  tags: p.tags ?? [],
  ownerId: p.assignee_id ?? null,
  lastContactedAt: copperDateToSeconds(p.date_last_contacted),
  modifiedAt: copperDateToSeconds(p.date_modified) ?? 0,
});

export const toLead = (l: CopperLead): Lead => ({
  id: l.id,
  name: nameOf(l),
  title: l.title ?? null,
  companyName: l.company_name ?? null,
  email: l.email?.email ?? null,
  phones: labelled(l.phone_numbers),
  status: l.status ?? null,
  ownerId: l.assignee_id ?? null,
  modifiedAt: copperDateToSeconds(l.date_modified) ?? 0,
});

export const toCompany = (c: CopperCompany): Company => ({
  id: c.id,
  name: c.name?.trim() || '(no name)',
  domain: c.email_domain?.toLowerCase() ?? null,
  address: address(c.address),
  phones: labelled(c.phone_numbers),
  tags: c.tags ?? [],
  modifiedAt: copperDateToSeconds(c.date_modified) ?? 0,
});

export const toOpportunity = (o: CopperOpportunity): Opportunity => ({
  id: o.id,
  name: o.name?.trim() || '(no name)',
  pipelineId: o.pipeline_id ?? null,
  stageId: o.pipeline_stage_id ?? null,
  status: (OPPORTUNITY_STATUSES as readonly string[]).includes(o.status ?? '')
    ? (o.status as Opportunity['status'])
    : 'Open',
  companyId: o.company_id ?? null,
  primaryContactId: o.primary_contact_id ?? null,
  value: o.monetary_value ?? null,
  closeDate: copperDateToSeconds(o.close_date),
  modifiedAt: copperDateToSeconds(o.date_modified) ?? 0,
});

export const toTask = (t: CopperTask): Task => {
  const related = t.related_resource;
  return {
    id: t.id,
    name: t.name?.trim() || '(no name)',
    related:
      related && (RECORD_TYPES as readonly string[]).includes(related.type)
        ? { type: related.type as RecordRef['type'], id: related.id }
        : null,
    dueDate: copperDateToSeconds(t.due_date),
    priority: t.priority === 'High' ? 'High' : 'None',
    status: t.status === 'Completed' ? 'Completed' : 'Open',
    modifiedAt: copperDateToSeconds(t.date_modified) ?? 0,
  };
};

const SEARCH_READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;

/**
 * The Copper Developer API v1 adapter (reference/copper-api.md). `account` is the Gmail account the
 * client acts for: the egress gate checks that account's consent and writes its audit log.
 */
export function createCopperClient(transport: CrmTransport, account?: string): CrmClient {
  let activityTypeNames: Map<string, string> | null = null;
  let threadTypes: { category: 'user'; id: number }[] | null = null;
  let emailTypeId: number | null = null;

  const call = async (c: CrmCall) => transport.request(account === undefined ? c : { ...c, account });

  const page = async <S extends z.ZodMiniType, T>(
    path: string,
    schema: S,
    map: (record: z.infer<S>) => T,
    query: PageQuery,
    extra: Record<string, unknown> = {},
  ): Promise<Page<T>> => {
    const answer = await call({
      method: 'POST',
      path,
      body: {
        page_number: query.page,
        page_size: query.pageSize,
        sort_by: 'date_modified',
        sort_direction: 'asc',
        ...(query.modifiedFrom === undefined ? {} : { minimum_modified_date: query.modifiedFrom }),
        ...(query.modifiedTo === undefined ? {} : { maximum_modified_date: query.modifiedTo }),
        ...extra,
      },
      ...SEARCH_READ,
    });
    const records = parse(z.array(schema), answer.json, path).map(map);
    return { records, total: answer.total };
  };

  const typeNames = async (): Promise<Map<string, string>> => {
    if (activityTypeNames) return activityTypeNames;
    const answer = await call({ method: 'GET', path: '/activity_types', ...SEARCH_READ });
    const types = parse(copperActivityTypes, answer.json, 'activity_types');
    activityTypeNames = new Map(
      [...(types.user ?? []), ...(types.system ?? [])].map((t) => [`${t.category}:${t.id}`, t.name]),
    );
    // Log e-mail as the account's "Email" type if it has one, else as a Note (id 0, fixed).
    emailTypeId = (types.user ?? []).find((t) => t.name.trim().toLowerCase() === 'email')?.id ?? null;
    threadTypes = [
      { category: 'user', id: 0 },
      ...(emailTypeId !== null && emailTypeId !== 0 ? [{ category: 'user' as const, id: emailTypeId }] : []),
    ];
    return activityTypeNames;
  };

  const toSynced = (names: Map<string, string>, a: z.infer<typeof copperActivity>): SyncedActivity => ({
    id: a.id,
    parentType: a.parent.type,
    parentId: a.parent.id,
    typeName: names.get(`${a.type.category}:${a.type.id}`) ?? 'Activity',
    details: a.details ?? null,
    at: copperDateToSeconds(a.activity_date) ?? 0,
    modifiedAt: copperDateToSeconds(a.date_modified) ?? 0,
  });

  const writeClasses = (fromGmail: boolean) =>
    fromGmail ? (['googleUserData', 'crmData'] as const) : (['crmData'] as const);

  const activityCall = async (
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    purpose: NewActivity['purpose'],
    fromGmail: boolean,
    recordIds: string[],
  ): Promise<SyncedActivity> => {
    const names = await typeNames();
    const answer = await call({
      method,
      path,
      body,
      purpose,
      dataClasses: writeClasses(fromGmail),
      recordIds,
    });
    return toSynced(names, parse(copperActivity, answer.json, 'activities'));
  };

  const findOne = async <T>(path: string, body: unknown, map: (json: unknown) => T[]): Promise<T | null> => {
    const answer = await call({
      method: 'POST',
      path,
      body,
      purpose: 'lookupContact',
      dataClasses: ['googleUserData'],
    });
    return map(answer.json)[0] ?? null;
  };

  return {
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
        const list = parse(z.array(copperUser), answer.json, 'users/search');
        users.push(...list.map((u) => ({ id: u.id, name: u.name ?? u.email, email: u.email })));
        if (list.length < 200) return users;
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

    pagePeople: (query) => page('/people/search', copperPerson, toPerson, query),
    pageCompanies: (query) => page('/companies/search', copperCompany, toCompany, query),
    pageLeads: (query) => page('/leads/search', copperLead, toLead, query),
    pageOpportunities: (query) => page('/opportunities/search', copperOpportunity, toOpportunity, query),

    async searchPeopleByEmails(addresses) {
      if (addresses.length === 0) return [];
      const answer = await call({
        method: 'POST',
        path: '/people/search',
        body: { emails: addresses.slice(0, 200), page_size: 200 },
        purpose: 'lookupContact',
        dataClasses: ['googleUserData'],
      });
      return parse(z.array(copperPerson), answer.json, 'people/search').map(toPerson);
    },

    async recentActivities(parent, limit) {
      const [names, answer] = await Promise.all([
        typeNames(),
        call({
          method: 'POST',
          path: '/activities/search',
          body: { parent, page_size: limit, sort_by: 'activity_date', sort_direction: 'desc' },
          ...SEARCH_READ,
        }),
      ]);
      return parse(z.array(copperActivity), answer.json, 'activities/search').map(
        (a): Activity => ({
          id: a.id,
          parentType: a.parent.type,
          parentId: a.parent.id,
          typeName: names.get(`${a.type.category}:${a.type.id}`) ?? 'Activity',
          details: a.details ?? null,
          at: copperDateToSeconds(a.activity_date) ?? 0,
        }),
      );
    },

    findPersonByEmail: (address) =>
      findOne('/people/search', { emails: [address], page_size: 1 }, (json) =>
        parse(z.array(copperPerson), json, 'people/search').map(toPerson),
      ),
    findLeadByEmail: (address) =>
      findOne('/leads/search', { emails: [address], page_size: 1 }, (json) =>
        parse(z.array(copperLead), json, 'leads/search').map(toLead),
      ),
    findCompanyByDomain: (domain) =>
      findOne('/companies/search', { email_domains: [domain], page_size: 1 }, (json) =>
        parse(z.array(copperCompany), json, 'companies/search').map(toCompany),
      ),

    async createCompany(input) {
      const answer = await call({
        method: 'POST',
        path: '/companies',
        body: { name: input.name, email_domain: input.domain },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toCompany(parse(copperCompany, answer.json, 'companies'));
    },

    async createPerson(input) {
      const answer = await call({
        method: 'POST',
        path: '/people',
        body: {
          name: input.name,
          emails: [{ email: input.email, category: 'work' }],
          ...(input.companyId === null ? {} : { company_id: input.companyId }),
          ...(input.title ? { title: input.title } : {}),
        },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toPerson(parse(copperPerson, answer.json, 'people'));
    },

    async createLead(input) {
      const answer = await call({
        method: 'POST',
        path: '/leads',
        body: {
          name: input.name,
          email: { email: input.email, category: 'work' },
          ...(input.companyName ? { company_name: input.companyName } : {}),
        },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toLead(parse(copperLead, answer.json, 'leads'));
    },

    async updatePerson(id, patch) {
      const body: Record<string, unknown> = {};
      if (patch.title !== undefined) body.title = patch.title;
      if (patch.tags !== undefined) body.tags = patch.tags;
      if (patch.phones !== undefined)
        body.phone_numbers = patch.phones.map((p) => ({ number: p.value, category: p.category }));
      const answer = await call({
        method: 'PUT',
        path: `/people/${id}`,
        body,
        purpose: 'updateRecord',
        dataClasses: ['crmData'],
      });
      return toPerson(parse(copperPerson, answer.json, 'people'));
    },

    async pageThreadActivities(query) {
      const names = await typeNames();
      const answer = await call({
        method: 'POST',
        path: '/activities/search',
        body: {
          page_number: query.page,
          page_size: query.pageSize,
          sort_by: 'date_modified',
          sort_direction: 'asc',
          activity_types: threadTypes,
          ...(query.modifiedFrom === undefined ? {} : { minimum_modified_date: query.modifiedFrom }),
        },
        ...SEARCH_READ,
      });
      const records = parse(z.array(copperActivity), answer.json, 'activities/search').map((a) =>
        toSynced(names, a),
      );
      return { records, total: answer.total };
    },

    async threadActivitiesOf(parent, since) {
      const names = await typeNames();
      const out: SyncedActivity[] = [];
      for (let pageNumber = 1; pageNumber <= 25; pageNumber += 1) {
        const answer = await call({
          method: 'POST',
          path: '/activities/search',
          body: {
            parent,
            activity_types: threadTypes,
            page_number: pageNumber,
            page_size: 200,
            sort_by: 'date_modified',
            sort_direction: 'asc',
            ...(since === null ? {} : { minimum_modified_date: since }),
          },
          ...SEARCH_READ,
        });
        const list = parse(z.array(copperActivity), answer.json, 'activities/search');
        out.push(...list.map((a) => toSynced(names, a)));
        if (list.length < 200) break;
      }
      return out;
    },

    async createActivity(input) {
      await typeNames();
      const typeId = input.kind === 'email' ? (emailTypeId ?? 0) : 0;
      return activityCall(
        'POST',
        '/activities',
        {
          parent: input.parent,
          type: { category: 'user', id: typeId },
          details: input.details,
          ...(input.at === undefined ? {} : { activity_date: input.at }),
        },
        input.purpose,
        input.fromGmail,
        [recordKeyOf(input.parent)],
      );
    },

    updateActivityDetails: (id, details, purpose, fromGmail) =>
      activityCall('PUT', `/activities/${id}`, { details }, purpose, fromGmail, [`activity:${id}`]),

    pageTasks: (query) => page('/tasks/search', copperTask, toTask, query),

    async createTask(input) {
      const answer = await call({
        method: 'POST',
        path: '/tasks',
        body: {
          name: input.name,
          related_resource: input.related,
          due_date: input.dueDate,
          priority: input.priority,
          status: 'Open',
        },
        purpose: 'manageTasks',
        dataClasses: ['crmData'],
        recordIds: input.related ? [recordKeyOf(input.related)] : [],
      });
      return toTask(parse(copperTask, answer.json, 'tasks'));
    },

    async setTaskStatus(id, status) {
      const answer = await call({
        method: 'PUT',
        path: `/tasks/${id}`,
        body: { status },
        purpose: 'manageTasks',
        dataClasses: ['crmData'],
        recordIds: [`task:${id}`],
      });
      return toTask(parse(copperTask, answer.json, 'tasks'));
    },

    async findTask(name, related) {
      const answer = await call({
        method: 'POST',
        path: '/tasks/search',
        body: { name, ...(related ? { related_resource: related } : {}), statuses: ['Open'], page_size: 200 },
        purpose: 'manageTasks',
        dataClasses: ['crmData'],
      });
      return (
        parse(z.array(copperTask), answer.json, 'tasks/search')
          .map(toTask)
          .find((t) => t.name === name) ?? null
      );
    },

    async createOpportunity(input) {
      const answer = await call({
        method: 'POST',
        path: '/opportunities',
        body: {
          name: input.name,
          pipeline_id: input.pipelineId,
          pipeline_stage_id: input.stageId,
          monetary_value: input.value,
          ...(input.closeDate === null ? {} : { close_date: input.closeDate }),
          primary_contact_id: input.primaryContactId,
          company_id: input.companyId,
          details: dealMarkerLine(input.idempotencyKey),
        },
        purpose: 'manageDeals',
        dataClasses: ['crmData'],
        recordIds: input.primaryContactId === null ? [] : [`person:${input.primaryContactId}`],
      });
      return toOpportunity(parse(copperOpportunity, answer.json, 'opportunities'));
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
      const found = parse(z.array(copperOpportunity), answer.json, 'opportunities/search').find((o) =>
        hasDealMarker(o.details, input.idempotencyKey),
      );
      return found ? toOpportunity(found) : null;
    },

    async updateOpportunity(id, patch) {
      const answer = await call({
        method: 'PUT',
        path: `/opportunities/${id}`,
        body: {
          ...(patch.stageId === undefined ? {} : { pipeline_stage_id: patch.stageId }),
          ...(patch.status === undefined ? {} : { status: patch.status }),
        },
        purpose: 'manageDeals',
        dataClasses: ['crmData'],
        recordIds: [`opportunity:${id}`],
      });
      return toOpportunity(parse(copperOpportunity, answer.json, 'opportunities'));
    },
  };
}
