import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { ThreadlineDb } from '../../../db/threadline-db';
import { createLogger } from '../../../shared/logger';
import { parseMarker } from '../../../shared/threadline-marker';
import { createOutbox } from '../../outbox/outbox';
import { createEgress } from '../../privacy/egress/egress-fetch';
import type { CrmClient } from '../crm-client';
import { CrmError } from '../crm-error';
import { createCrmTransport } from '../crm-transport';
import { createRateLimiter } from '../rate-limiter';
import { hubspotAdapter } from './hubspot-adapter';
import { createHubspotClient } from './hubspot-client';
import { decodeKeyset } from './hubspot-delta';
import { labelIdToNumber } from './hubspot-ids';
import { HUBSPOT_DAILY_PAUSE_MS, hubspotLimitFromHeaders, hubspotRateLimitVerdict } from './hubspot-rate';

/** The real transport and egress gate over the double; every wait recorded, never slept. */
function connect(
  double: HubspotDouble,
  options: { token?: string; email?: string; account?: string; maxAttempts?: number } = {},
) {
  const sleeps: number[] = [];
  const limiter = createRateLimiter({ limit: 100, windowMs: 10_000, now: () => double.nowMs });
  const egress = createEgress({
    allowedOrigin: () => 'https://api.hubapi.com',
    hasConsent: async () => true,
    now: () => double.nowMs,
    fetchImpl: double.fetch,
  });
  const transport = createCrmTransport({
    egress,
    limiter,
    baseUrl: 'https://api.hubapi.com',
    headers: hubspotAdapter.headers(options.token ?? double.token, ''),
    sleep: async (ms) => {
      sleeps.push(ms);
      double.nowMs += ms;
    },
    random: () => 0.5,
    now: () => double.nowMs,
    rateLimitVerdict: hubspotRateLimitVerdict,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    onHeaders: (get) => {
      const limit = hubspotLimitFromHeaders(get);
      if (limit !== null) limiter.setLimit(limit);
    },
  });
  const client: CrmClient = createHubspotClient(
    transport,
    options.account ?? 'me@gmail.test',
    {
      email: options.email ?? 'sam@corp.test',
    },
    { nowMs: () => double.nowMs },
  );
  return { client, sleeps };
}

const bodies = (double: HubspotDouble, pathPart: string) =>
  double.requests.filter((r) => r.path.includes(pathPart)).map((r) => r.body);

describe('HubSpot connect', () => {
  it('checks the token on one cheap read per object and finds the owner who is "me"', async () => {
    const double = new HubspotDouble();
    const { client } = connect(double);
    const check = await client.checkConnection();
    expect(check.user).toEqual({ id: 41629779, name: 'Sam Lee', email: 'sam@corp.test' });
    expect(check.accountName).toBe('HubSpot · sam@corp.test · owner 41629779');
    expect(double.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'GET /crm/v3/owners?email=sam%40corp.test&limit=1',
        ...['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'].map(
          (o) => `GET /crm/v3/objects/${o}?limit=1`,
        ),
      ].sort(),
    );
  });

  it('a token of another HubSpot account is another connection (another owner id)', async () => {
    const first = await connect(new HubspotDouble()).client.checkConnection();
    const other = new HubspotDouble();
    other.owners = other.owners.map((o) => ({ ...o, id: o.id === '41629779' ? '77001' : o.id }));
    const second = await connect(other).client.checkConnection();
    expect(second.accountName).not.toBe(first.accountName);
  });

  it('401: says plainly that the token is not valid', async () => {
    const double = new HubspotDouble();
    const error = await connect(double, { token: 'pat-na1-wrong' })
      .client.checkConnection()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).message).toBe(
      "HubSpot says the access token is not valid. Copy it again from the private app's settings.",
    );
  });

  it('403 MISSING_SCOPES: names the missing scope from errors[0].context.requiredGranularScopes', async () => {
    const double = new HubspotDouble();
    double.missingScopes.add('deals');
    const error = (await connect(double)
      .client.checkConnection()
      .catch((e: unknown) => e)) as CrmError;
    expect(error.message).toBe(
      "The private app's token is missing these scopes: crm.objects.deals.read. Add them to the app in HubSpot, then try again.",
    );
    double.missingScopes.add('owners');
    const both = (await connect(double)
      .client.checkConnection()
      .catch((e: unknown) => e)) as CrmError;
    expect(both.message).toContain('crm.objects.owners.read, crm.objects.deals.read');
  });

  it('no owner with the e-mail: says so', async () => {
    const error = (await connect(new HubspotDouble(), { email: 'nobody@corp.test' })
      .client.checkConnection()
      .catch((e: unknown) => e)) as CrmError;
    expect(error.message).toContain('No HubSpot user with the e-mail address nobody@corp.test');
  });

  it('the adapter: Bearer header, api.hubapi.com unless a loopback address is typed, the permission origin', () => {
    expect(hubspotAdapter.headers('pat-1', 'x@y.test')).toEqual({
      Authorization: 'Bearer pat-1',
      'Content-Type': 'application/json',
    });
    expect(hubspotAdapter.baseUrl('')).toBe('https://api.hubapi.com');
    expect(hubspotAdapter.baseUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(() => hubspotAdapter.baseUrl('http://evil.test')).toThrow(CrmError);
    expect(hubspotAdapter.permissionOrigins).toEqual(['https://api.hubapi.com/*']);
    expect(hubspotAdapter.rateLimit).toEqual({ limit: 100, windowMs: 10_300 });
    expect(hubspotAdapter.searchRateLimit).toEqual({ limit: 5, windowMs: 1100 });
    expect(hubspotAdapter.features).toEqual({ leads: false, tags: false });
  });
});

describe('HubSpot people, companies, deals, owners', () => {
  it('looks several addresses up in one search per four: email IN, and each as a secondary address', async () => {
    const double = new HubspotDouble();
    double.add(
      'contacts',
      { email: 'ana@acme.test', firstname: 'Ana', lastname: 'Ruiz', lifecyclestage: 'lead' },
      '512',
    );
    double.add(
      'contacts',
      {
        email: 'bo@acme.test',
        firstname: 'Bo',
        hs_additional_emails: 'bo.private@mail.test;b@acme.test',
        jobtitle: 'CTO',
        hubspot_owner_id: '41629779',
      },
      '513',
    );
    double.add('contacts', { email: 'other@acme.test', hs_additional_emails: 'ana@acme.test.evil' }, '514');
    const { client } = connect(double);
    const people = await client.searchPeopleByEmails([
      'Ana@acme.test',
      'bo.private@mail.test',
      'c@x.test',
      'd@x.test',
      'e@x.test',
    ]);
    const searches = bodies(double, '/crm/v3/objects/contacts/search');
    expect(searches).toHaveLength(2);
    expect(searches[0]).toEqual({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'email',
              operator: 'IN',
              values: ['ana@acme.test', 'bo.private@mail.test', 'c@x.test', 'd@x.test'],
            },
          ],
        },
        ...['ana@acme.test', 'bo.private@mail.test', 'c@x.test', 'd@x.test'].map((a) => ({
          filters: [{ propertyName: 'hs_additional_emails', operator: 'CONTAINS_TOKEN', value: a }],
        })),
      ],
      properties: expect.arrayContaining(['email', 'hs_additional_emails', 'lastmodifieddate']),
      limit: 200,
    });
    expect((searches[1] as { filterGroups: unknown[] }).filterGroups).toHaveLength(2);
    expect(people.map((p) => p.id).sort()).toEqual([512, 513]);
    const bo = people.find((p) => p.id === 513);
    expect(bo).toMatchObject({
      name: 'Bo',
      title: 'CTO',
      ownerId: 41629779,
      emails: [
        { value: 'bo@acme.test', category: 'work' },
        { value: 'bo.private@mail.test', category: 'other' },
        { value: 'b@acme.test', category: 'other' },
      ],
      modifiedAt: Math.floor(double.nowMs / 1000),
    });
    expect(people.find((p) => p.id === 512)?.tags).toEqual(['lead']);
  });

  it('answers for a company it made itself, as search lags writes, so a second new person on a new domain shares it', async () => {
    const double = new HubspotDouble();
    const { client } = connect(double);
    const made = await client.createCompany({ name: 'Initech', domain: 'Initech.test' });
    double.requests = [];
    expect(await client.findCompanyByDomain('initech.test')).toEqual(made);
    // No search was asked: HubSpot's index may not hold the company yet, and a domain is not unique.
    expect(double.requests).toEqual([]);
    // Ten minutes on, HubSpot's own answer counts again (the company may have been merged or deleted).
    double.nowMs += 10 * 60_000;
    await client.findCompanyByDomain('initech.test');
    expect(double.requests.map((r) => r.path)).toEqual(['/crm/v3/objects/companies/search']);
  });

  it('finds a company by domain or an additional domain', async () => {
    const double = new HubspotDouble();
    double.add(
      'companies',
      { name: 'Acme', domain: 'acme.test', hs_additional_domains: 'acme.example;acme.io' },
      '88',
    );
    const { client } = connect(double);
    expect(await client.findCompanyByDomain('acme.io')).toMatchObject({
      id: 88,
      name: 'Acme',
      domain: 'acme.io',
    });
    expect(await client.findCompanyByDomain('nope.test')).toBeNull();
    expect(bodies(double, '/companies/search')[0]).toMatchObject({
      filterGroups: [
        { filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.io' }] },
        {
          filters: [{ propertyName: 'hs_additional_domains', operator: 'CONTAINS_TOKEN', value: 'acme.io' }],
        },
      ],
    });
    expect(await client.findLeadByEmail('ana@acme.test')).toBeNull();
    await expect(client.createLead({ name: 'A', email: 'a@b.test', companyName: null })).rejects.toThrow(
      'HubSpot has no separate leads',
    );
  });

  it('maps pipelines, stages (won/lost from metadata), deals and owners', async () => {
    const double = new HubspotDouble();
    double.add(
      'deals',
      {
        dealname: 'Big',
        pipeline: 'default',
        dealstage: 'closedwon',
        amount: '1500.00',
        closedate: '2026-12-01T00:00:00.000Z',
      },
      '301',
    );
    double.add('deals', { dealname: 'Lost one', pipeline: 'default', dealstage: 'closedlost' }, '302');
    double.add('deals', { dealname: 'Early', pipeline: 'default', dealstage: 'appointmentscheduled' }, '303');
    const { client } = connect(double);
    const [pipeline] = await client.listPipelines();
    expect(pipeline).toEqual({
      id: labelIdToNumber('default'),
      name: 'Sales Pipeline',
      stages: [
        { id: labelIdToNumber('appointmentscheduled'), name: 'Appointment Scheduled', winProbability: 20 },
        { id: labelIdToNumber('closedwon'), name: 'Closed Won', winProbability: 100 },
        { id: labelIdToNumber('closedlost'), name: 'Closed Lost', winProbability: 0 },
      ],
    });
    expect(pipeline?.id).toBeLessThan(0); // a word id never meets a digit id
    double.link('deals', '301', 'contacts', '512');
    double.link('deals', '301', 'companies', '88');
    const page = await client.pageOpportunities({ page: 1, pageSize: 200 });
    expect(page.records.map((d) => [d.id, d.status])).toEqual([
      [301, 'Won'],
      [302, 'Lost'],
      [303, 'Open'],
    ]);
    expect(page.records[0]).toMatchObject({
      name: 'Big',
      value: 1500,
      closeDate: Date.UTC(2026, 11, 1) / 1000,
      stageId: labelIdToNumber('closedwon'),
      // Read from the deal's associations (search replies carry none).
      primaryContactId: 512,
      companyId: 88,
    });
    expect(page.records[1]).toMatchObject({ primaryContactId: null, companyId: null });
    // ISO dates: the deal form never has to ask for the day/month order.
    expect(page.dateOrder).toBe('monthFirst');
    expect(await client.listUsers()).toEqual([
      { id: 41629779, name: 'Sam Lee', email: 'sam@corp.test' },
      { id: 41629780, name: 'Kim Ho', email: 'kim@corp.test' },
    ]);
  });

  it('skips a record whose id is not digits or whose property is not a string, and counts it', async () => {
    const double = new HubspotDouble();
    double.add('companies', { name: 'Good' }, '1');
    const bad = double.add('companies', { name: 'Bad' }, '2');
    (bad.properties as Record<string, unknown>).name = 17;
    const page = await connect(double).client.pageCompanies({ page: 1, pageSize: 200 });
    expect(page.records.map((c) => c.name)).toEqual(['Good']);
    expect(page.skipped).toBe(1);
  });
});

describe('HubSpot deals’ contacts and companies in bulk', () => {
  const seedDeals = (double: HubspotDouble, n: number) => {
    for (let i = 0; i < n; i += 1) {
      const id = String(5000 + i);
      double.add(
        'deals',
        { dealname: `Deal ${i}`, pipeline: 'default', dealstage: 'appointmentscheduled' },
        id,
      );
      if (i % 3 !== 2) double.link('deals', id, 'contacts', String(7000 + i), [3]);
      if (i % 2 === 0) double.link('deals', id, 'companies', String(8000 + i), [341]);
      // Every tenth deal has a second, primary company with a higher id: the primary wins.
      if (i % 10 === 0) double.link('deals', id, 'companies', String(9000 + i), [5, 341]);
    }
  };
  const expected = (i: number) => ({
    id: 5000 + i,
    primaryContactId: i % 3 !== 2 ? 7000 + i : null,
    companyId: i % 10 === 0 ? 9000 + i : i % 2 === 0 ? 8000 + i : null,
  });
  const batchPaths = (double: HubspotDouble) =>
    double.requests.filter((r) => r.path.startsWith('/crm/v4/associations/')).map((r) => r.path);

  for (const misses of ['errors', 'absent'] as const) {
    it(`a page of 200 deals costs 1 search and 2 batch reads per 100 deals, not a GET each (misses: ${misses})`, async () => {
      const double = new HubspotDouble();
      double.associationMisses = misses;
      seedDeals(double, 200);
      const { client } = connect(double);
      await client.listPipelines(); // pipelines are read once per client, not per page
      double.requests = [];
      const page = await client.pageOpportunities({ page: 1, pageSize: 200 });
      expect(page.records).toHaveLength(200);
      expect(
        page.records.map((d) => ({ id: d.id, primaryContactId: d.primaryContactId, companyId: d.companyId })),
      ).toEqual(Array.from({ length: 200 }, (_, i) => expected(i)));
      expect(double.requests.filter((r) => r.path === '/crm/v3/objects/deals/search')).toHaveLength(1);
      // At most 100 inputs per batch (HubSpot's cap is unconfirmed): 200 deals, 2 × 2 requests.
      expect(batchPaths(double)).toEqual([
        '/crm/v4/associations/deals/contacts/batch/read',
        '/crm/v4/associations/deals/contacts/batch/read',
        '/crm/v4/associations/deals/companies/batch/read',
        '/crm/v4/associations/deals/companies/batch/read',
      ]);
      expect(double.requests).toHaveLength(5);
      const inputs = double.requests
        .filter((r) => r.path.endsWith('/batch/read'))
        .map((r) => (r.body as { inputs: { id: string }[] }).inputs);
      expect(inputs.map((list) => list.length)).toEqual([100, 100, 100, 100]);
      expect(inputs[0]?.[0]).toEqual({ id: '5000' });
    });
  }

  it('a page of 100 deals: 1 search + 2 batch reads; an empty page: the search only', async () => {
    const double = new HubspotDouble();
    seedDeals(double, 100);
    const { client } = connect(double);
    await client.listPipelines();
    double.requests = [];
    const page = await client.pageOpportunities({ page: 1, pageSize: 100 });
    expect(page.records[10]).toMatchObject(expected(10));
    expect(double.requests.map((r) => r.path)).toEqual([
      '/crm/v3/objects/deals/search',
      '/crm/v4/associations/deals/contacts/batch/read',
      '/crm/v4/associations/deals/companies/batch/read',
    ]);
    const empty = connect(new HubspotDouble());
    const none = await empty.client.pageOpportunities({ page: 1, pageSize: 100 });
    expect(none.records).toEqual([]);
  });

  it('reads the next page of one deal’s links with paging.next.after beside its id', async () => {
    const double = new HubspotDouble();
    double.associationBatchPage = 1;
    seedDeals(double, 3);
    const { client } = connect(double);
    const page = await client.pageOpportunities({ page: 1, pageSize: 200 });
    // Deal 0's primary company (9000) is on its second page of companies.
    expect(page.records[0]).toMatchObject(expected(0));
    expect(page.records.map((d) => d.companyId)).toEqual([9000, null, 8002]);
    const companyReads = double.requests
      .filter((r) => r.path === '/crm/v4/associations/deals/companies/batch/read')
      .map((r) => r.body);
    expect(companyReads).toEqual([
      { inputs: [{ id: '5000' }, { id: '5001' }, { id: '5002' }] },
      { inputs: [{ id: '5000', after: '9000' }] },
    ]);
  });

  it('a batch answer naming an id it was not asked about, or an id that is not digits, is not taken', async () => {
    const double = new HubspotDouble();
    seedDeals(double, 1);
    const { client } = connect(double);
    await client.listPipelines();
    const stray = {
      status: 200,
      body: {
        status: 'COMPLETE',
        results: [
          { from: { id: '6666' }, to: [{ toObjectId: 1, associationTypes: [] }] },
          { from: { id: '5000' }, to: [{ toObjectId: 'x1', associationTypes: [] }] },
        ],
        startedAt: 'x',
        completedAt: 'x',
      },
    };
    double.forced.push(
      { status: 200, body: { total: 1, results: [double.objects.deals?.get('5000')] } },
      stray,
      stray,
    );
    const page = await client.pageOpportunities({ page: 1, pageSize: 200 });
    expect(page.records[0]).toMatchObject({ id: 5000, primaryContactId: null, companyId: null });
  });
});

describe('HubSpot delta sync', () => {
  it('asks modified ≥ watermark ascending; a page wholly in one millisecond goes on by hs_object_id GT', async () => {
    const double = new HubspotDouble();
    const t0 = Date.UTC(2026, 10, 1, 9);
    // 250 contacts changed in the same millisecond (an import), then 3 later ones.
    for (let i = 0; i < 250; i += 1)
      double.add(
        'contacts',
        { email: `p${i}@x.test`, lastmodifieddate: new Date(t0).toISOString() },
        String(2000 + i),
      );
    for (let i = 0; i < 3; i += 1)
      double.add(
        'contacts',
        { email: `q${i}@x.test`, lastmodifieddate: new Date(t0 + 5000 + i).toISOString() },
        String(100 + i),
      );
    const { client } = connect(double);
    const seen: number[] = [];
    let query = { page: 1, pageSize: 200, modifiedFrom: Math.floor(t0 / 1000) } as Parameters<
      CrmClient['pagePeople']
    >[0];
    for (let n = 0; n < 10; n += 1) {
      const page = await client.pagePeople(query);
      seen.push(...page.records.map((p) => p.id));
      if (page.nextCursor === null) break;
      expect(typeof page.nextCursor).toBe('string');
      query = { ...query, cursor: page.nextCursor as string };
    }
    expect(new Set(seen).size).toBe(253);
    const searches = bodies(double, '/contacts/search') as {
      filterGroups: { filters: unknown[] }[];
      sorts: unknown[];
      limit: number;
      after?: string;
    }[];
    expect(searches[0]).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(t0) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
    });
    expect(searches[1]).toMatchObject({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(t0) },
            { propertyName: 'lastmodifieddate', operator: 'LTE', value: String(t0) },
            { propertyName: 'hs_object_id', operator: 'GT', value: '0' },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    });
    // Never an offset: the 10,000-result cap cannot be reached.
    expect(searches.every((s) => s.after === undefined)).toBe(true);
    expect(decodeKeyset('m5i7')).toEqual({ ms: 5, afterId: '7' });
    expect(decodeKeyset('junk')).toBeNull();
  });

  it('companies, deals and tasks use hs_lastmodifieddate; leads are empty and final', async () => {
    const double = new HubspotDouble();
    const { client } = connect(double);
    await client.pageCompanies({ page: 1, pageSize: 200, modifiedFrom: 1000 });
    await client.pageTasks({ page: 1, pageSize: 200, modifiedFrom: 1000 });
    for (const body of [...bodies(double, '/companies/search'), ...bodies(double, '/tasks/search')])
      expect(body).toMatchObject({
        filterGroups: [
          { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1000000' }] },
        ],
      });
    expect(await client.pageLeads({ page: 1, pageSize: 200 })).toEqual({
      records: [],
      total: 0,
      skipped: 0,
      received: 0,
      nextCursor: null,
    });
  });
});

describe('HubSpot activities and tasks', () => {
  it('a note, a logged e-mail and a task: bodies with the association type ids', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    double.add('companies', { name: 'Acme' }, '88');
    const { client } = connect(double);
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details: 'a < b\nnext',
      at: 1_700_000_000,
      purpose: 'addNote',
      fromGmail: false,
    });
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'email',
      details: 'Subject line\nbody',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
      outgoing: false,
    });
    await client.createActivity({
      parent: { type: 'opportunity', id: 301 },
      kind: 'email',
      details: 'x',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
    });
    await client.createActivity({
      parent: { type: 'company', id: 88 },
      kind: 'note',
      details: 'on the company',
      at: 1_700_000_000,
      purpose: 'addNote',
      fromGmail: false,
    });
    await client.createTask({
      name: 'Call Ana',
      related: { type: 'person', id: 512 },
      dueDate: 1_700_086_400,
      priority: 'High',
    });
    const posts = double.requests.filter(
      (r) => r.method === 'POST' && /objects\/(notes|emails|tasks)$/.test(r.path),
    );
    expect(posts.map((r) => r.body)).toEqual([
      {
        properties: { hs_timestamp: '1700000000000', hs_note_body: 'a &lt; b<br>next' },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] },
        ],
      },
      {
        properties: {
          hs_timestamp: '1700000000000',
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_status: 'SENT',
          hs_email_subject: 'Subject line',
          hs_email_text: 'Subject line\nbody',
        },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] },
        ],
      },
      {
        properties: expect.objectContaining({ hs_email_direction: 'EMAIL' }),
        associations: [
          { to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 210 }] },
        ],
      },
      {
        properties: { hs_timestamp: '1700000000000', hs_note_body: 'on the company' },
        associations: [
          { to: { id: '88' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] },
        ],
      },
      {
        properties: {
          hs_task_subject: 'Call Ana',
          hs_timestamp: '1700086400000',
          hs_task_status: 'NOT_STARTED',
          hs_task_priority: 'HIGH',
        },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
        ],
      },
    ]);
    // Every association is inline (note→company 190): nothing is associated after the create.
    expect(double.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const recent = await client.recentActivities({ type: 'company', id: 88 }, 5);
    expect(recent.map((a) => a.details)).toEqual(['on the company']);
  });

  it('exactly once: a retry finds the marked note the first attempt wrote, even read back as HTML', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    const { client } = connect(double);
    const details = 'Linked thread\n[threadline:v1 link thread=18c%2F1]';
    const created = await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details,
      purpose: 'linkThread',
      fromGmail: true,
    });
    // HubSpot may hand the body back as paragraphs.
    const stored = double.objects.notes?.get(String(created.id));
    if (stored)
      stored.properties.hs_note_body = `<p>Linked thread</p><p>[threadline:v1 link thread=18c%2F1]</p>`;
    const again = connect(double).client; // a new worker
    const found = await again.threadActivitiesOf({ type: 'person', id: 512 }, null);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: created.id, parentType: 'person', parentId: 512, typeName: 'Note' });
    expect(parseMarker(found[0]?.details ?? null)).toEqual({ kind: 'link', threadId: '18c/1' });
    expect(
      double.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/objects/notes'),
    ).toHaveLength(1);
    // The look-back sweep finds it too, with its parent.
    const page = await again.pageThreadActivities({ page: 1, pageSize: 200, activityFrom: 0 });
    expect(page.records.map((a) => [a.id, a.parentType, a.parentId])).toEqual([[created.id, 'person', 512]]);
    // Unlinking rewrites the same note.
    const unlinked = await again.updateActivityDetails(
      created.id,
      'x\n[threadline:v1 unlinked thread=18c%2F1]',
      'linkThread',
      true,
    );
    expect(parseMarker(unlinked.details)).toEqual({ kind: 'unlinked', threadId: '18c/1' });
    expect(unlinked.parentId).toBe(512);
  });

  /** Ana (512) at Acme (88, primary) and Old Co (87); her deals: 301 open, 302 won, 303 open. */
  const crmWithLinks = () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    double.add('contacts', { email: 'bo@acme.test' }, '513');
    double.add('companies', { name: 'Old Co' }, '87');
    double.add('companies', { name: 'Acme' }, '88');
    double.link('contacts', '512', 'companies', '87', [279]);
    double.link('contacts', '512', 'companies', '88', [279, 1]);
    for (const [id, stage] of [
      ['301', 'appointmentscheduled'],
      ['302', 'closedwon'],
      ['303', 'appointmentscheduled'],
    ] as const) {
      double.add('deals', { dealname: `Deal ${id}`, pipeline: 'default', dealstage: stage }, id);
      double.link('deals', id, 'contacts', '512', [3]);
    }
    double.link('deals', '301', 'contacts', '513', [3]);
    double.link('deals', '301', 'companies', '87', [341]);
    double.link('deals', '301', 'companies', '88', [341, 5]);
    return double;
  };
  const typed = (id: string, typeId: number) => ({
    to: { id },
    types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
  });
  const created = (double: HubspotDouble, object: 'notes' | 'emails') =>
    double.requests.filter((r) => r.method === 'POST' && r.path === `/crm/v3/objects/${object}`);

  it('an e-mail logged on a contact is associated with her, her primary company and her open deals, in the create', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    const activity = await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'email',
      details: 'Hello\n[threadline:v1 email thread=t1 message=m1]',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
    });
    expect(activity).toMatchObject({ parentType: 'person', parentId: 512 });
    const [post] = created(double, 'emails');
    expect((post?.body as { associations?: unknown[] } | undefined)?.associations).toEqual([
      typed('512', 198),
      typed('301', 210),
      typed('303', 210),
      typed('88', 186),
    ]);
    // One create, nothing associated afterwards; the links are HubSpot's own, both ways.
    expect(double.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const id = String(activity.id);
    expect(double.links.get('companies:88')?.get('emails')?.has(id)).toBe(true);
    expect(double.links.get('deals:302')?.get('emails')?.has(id) ?? false).toBe(false);
    expect(double.links.get('companies:87')?.get('emails')?.has(id) ?? false).toBe(false);
    // A note and a thread link on her read the same records once, not again per write.
    const reads = double.requests.filter((r) => r.path.startsWith('/crm/v4/associations/')).length;
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details: 'Linked\n[threadline:v1 link thread=t1]',
      purpose: 'linkThread',
      fromGmail: true,
    });
    expect(double.requests.filter((r) => r.path.startsWith('/crm/v4/associations/')).length).toBe(reads);
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('512', 202), typed('301', 214), typed('303', 214), typed('88', 190)]);
  });

  it('a remembered deal deleted since: the refused create is made again with her links read afresh', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    const log = (details: string) =>
      client.createActivity({
        parent: { type: 'person', id: 512 },
        kind: 'note',
        details,
        purpose: 'addNote',
        fromGmail: false,
      });
    await log('first');
    const deal = double.objects.deals?.get('303');
    if (deal) deal.archived = true;
    await log('second');
    const posts = created(double, 'notes').map((r) =>
      (r.body as { associations?: { to: { id: string } }[] } | undefined)?.associations?.map((a) => a.to.id),
    );
    expect(posts).toEqual([
      ['512', '301', '303', '88'],
      ['512', '301', '303', '88'], // refused: 303 is archived
      ['512', '301', '88'],
    ]);
    expect(double.objects.notes?.size).toBe(2);
  });

  it('a contact with one company that is not labelled primary: that company', async () => {
    const double = crmWithLinks();
    double.add('contacts', { email: 'cy@solo.test' }, '514');
    double.add('companies', { name: 'Solo' }, '89');
    double.link('contacts', '514', 'companies', '89', [279]);
    await connect(double).client.createActivity({
      parent: { type: 'person', id: 514 },
      kind: 'note',
      details: 'x',
      purpose: 'addNote',
      fromGmail: false,
    });
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('514', 202), typed('89', 190)]);
  });

  it('logged on a deal: the deal, its contacts and its (primary) company; on a company: the company only', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    await client.createActivity({
      parent: { type: 'opportunity', id: 301 },
      kind: 'email',
      details: 'x',
      purpose: 'logEmail',
      fromGmail: true,
    });
    expect(
      (created(double, 'emails')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('301', 210), typed('512', 198), typed('513', 198), typed('88', 186)]);
    const before = double.requests.length;
    await client.createActivity({
      parent: { type: 'company', id: 88 },
      kind: 'note',
      details: 'y',
      purpose: 'addNote',
      fromGmail: false,
    });
    // No association read for a company: one request, the create.
    expect(double.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /crm/v3/objects/notes',
    ]);
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('88', 190)]);
  });

  for (const parent of [
    { type: 'person', id: 512 },
    { type: 'opportunity', id: 301 },
    { type: 'company', id: 88 },
  ] as const) {
    it(`exactly once on a ${parent.type}: after a lost answer, the duplicate check of a new worker finds the first e-mail`, async () => {
      const double = crmWithLinks();
      double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/emails';
      const details = 'Hello\n[threadline:v1 email thread=t1 message=m1]';
      const input = { parent, kind: 'email', details, purpose: 'logEmail', fromGmail: true } as const;
      // The worker's last attempt: its answer is lost (one attempt, so the transport does not send it
      // again itself; a transport resend after a network error is another matter, see the report).
      const first = await connect(double, { maxAttempts: 1 })
        .client.createActivity(input)
        .catch((e: unknown) => e);
      expect(first).toBeInstanceOf(CrmError);
      const emails = [...(double.objects.emails?.values() ?? [])];
      expect(emails).toHaveLength(1);
      const again = connect(double).client;
      const found = await again.threadActivitiesOf(parent, null);
      const marked = found.filter((a) => parseMarker(a.details)?.kind === 'email');
      expect(marked.map((a) => [a.id, a.parentType, a.parentId])).toEqual([
        [Number(emails[0]?.id), parent.type, parent.id],
      ]);
    });
  }

  it('through the outbox: a logged message whose create answer was lost is not logged twice on the retry', async () => {
    const double = crmWithLinks();
    const db = new ThreadlineDb(`hs-outbox-${Math.random()}`);
    const outbox = createOutbox({
      db,
      // One attempt per drain, as a worker that dies with the request in flight.
      client: async () => connect(double, { maxAttempts: 1 }).client,
      nowMs: () => double.nowMs,
      random: () => 0.5,
      logger: createLogger('t', () => undefined),
    });
    const record = { type: 'person', id: 512 } as const;
    await outbox.enqueue('me@gmail.test', 'person:512', {
      op: 'logMessage',
      payload: { threadId: 't1', messageId: 'm1', record, text: 'Hello', at: 1_700_000_000, outgoing: true },
    });
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/emails';
    await outbox.drain();
    expect(double.objects.emails?.size).toBe(1);
    expect(await db.outbox.count()).toBe(1); // still due: the answer never came
    double.nowMs = (await outbox.nextDue()) ?? double.nowMs;
    await outbox.drain();
    expect(await db.outbox.count()).toBe(0);
    expect(double.objects.emails?.size).toBe(1);
    expect(created(double, 'emails')).toHaveLength(1);
    // The mark the sidebar reads points at the one engagement, on the contact.
    const [mark] = await db.threadMarks.toArray();
    expect(mark).toMatchObject({
      recordKey: 'person:512',
      activityId: Number([...(double.objects.emails?.keys() ?? [])][0]),
    });
  });

  it('a task create is found again on its record; completing it patches hs_task_status', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    const { client } = connect(double);
    const task = await client.createTask({
      name: 'Call Ana',
      related: { type: 'person', id: 512 },
      dueDate: null,
      priority: 'None',
    });
    expect(await client.findTask('Call Ana', { type: 'person', id: 512 })).toMatchObject({ id: task.id });
    expect(await client.findTask('Call Ana', { type: 'person', id: 999 })).toBeNull();
    expect(await client.setTaskStatus(task.id, 'Completed')).toMatchObject({ status: 'Completed' });
    expect(double.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      body: { properties: { hs_task_status: 'COMPLETED' } },
    });
  });

  it('a task on a company is linked inline (task→company 192): after a lost answer, a retry finds it there', async () => {
    const double = new HubspotDouble();
    double.add('companies', { name: 'Acme' }, '88');
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/tasks';
    const related = { type: 'company', id: 88 } as const;
    const lost = await connect(double, { maxAttempts: 1 })
      .client.createTask({ name: 'Send terms', related, dueDate: null, priority: 'None' })
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(CrmError);
    expect(double.requests.at(-1)?.body).toMatchObject({
      associations: [
        { to: { id: '88' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] },
      ],
    });
    const task = [...(double.objects.tasks?.values() ?? [])];
    expect(task).toHaveLength(1);
    const found = await connect(double).client.findTask('Send terms', related);
    expect(found?.id).toBe(Number(task[0]?.id));
    expect(double.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('a contact create that meets a 409 returns the existing contact by the id in the message', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test', firstname: 'Ana' }, '37765128953');
    const person = await connect(double).client.createPerson({
      name: 'Ana Ruiz',
      email: 'ana@acme.test',
      companyId: null,
    });
    expect(person.id).toBe(37765128953);
  });

  it('a deal: created with its associations and marker note, found again by a retry', async () => {
    const double = new HubspotDouble();
    const { client } = connect(double);
    const input = {
      idempotencyKey: 'k-1',
      name: 'Renewal',
      pipelineId: labelIdToNumber('default'),
      stageId: labelIdToNumber('appointmentscheduled'),
      value: 1500,
      closeDate: Date.UTC(2026, 11, 1) / 1000,
      primaryContactId: 512,
      companyId: 88,
    };
    const deal = await client.createOpportunity(input);
    expect(bodies(double, '/crm/v3/objects/deals')[0]).toEqual({
      properties: {
        dealname: 'Renewal',
        pipeline: 'default',
        dealstage: 'appointmentscheduled',
        amount: '1500.00',
        closedate: String(Date.UTC(2026, 11, 1)),
      },
      associations: [
        { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
        { to: { id: '88' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] },
      ],
    });
    double.add('deals', { dealname: 'Renewal', pipeline: 'default', dealstage: 'appointmentscheduled' }); // a namesake
    expect((await connect(double).client.findCreatedOpportunity(input))?.id).toBe(deal.id);
    expect(
      await connect(double).client.findCreatedOpportunity({ ...input, idempotencyKey: 'k-2' }),
    ).toBeNull();
    const won = await client.updateOpportunity(deal.id, { status: 'Won' });
    expect(won.status).toBe('Won');
    expect(double.requests.at(-1)?.body).toEqual({ properties: { dealstage: 'closedwon' } });
  });
});

describe('HubSpot archived records', () => {
  it('ids the batch read no longer returns are missing; getPerson confirms with a 404', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'a@x.test' }, '1');
    const gone = double.add('contacts', { email: 'b@x.test' }, '2');
    gone.archived = true;
    const { client } = connect(double);
    const check = await client.existingIds('people', [1, 2]);
    expect(check?.existing).toEqual(new Set([1]));
    expect(bodies(double, '/contacts/batch/read')[0]).toEqual({
      properties: ['hs_object_id'],
      inputs: [{ id: '1' }, { id: '2' }],
    });
    expect(await client.getPerson(2)).toBeNull();
    expect(await client.getPerson(1)).toMatchObject({ id: 1 });
  });
});

describe('HubSpot rate limits', () => {
  const limited = (policyName: string, message: string) => ({
    status: 429,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: 'c0ffee', policyName },
  });

  it('TEN_SECONDLY_ROLLING: waits the 10-second window and retries', async () => {
    const double = new HubspotDouble();
    double.forced.push(limited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'));
    const { client, sleeps } = connect(double);
    expect(await client.listUsers()).toHaveLength(2);
    expect(sleeps).toEqual([10_000]);
  });

  it('the secondly search limit: waits 1 s (newer bodies with category RATE_LIMITS too)', async () => {
    const double = new HubspotDouble();
    double.forced.push({
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your secondly limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'x',
        category: 'RATE_LIMITS',
      },
    });
    const { client, sleeps } = connect(double);
    await client.searchPeopleByEmails(['a@x.test']);
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[0]).toBeLessThan(10_000);
  });

  it('DAILY: stops with a plain error, and sends nothing more until the pause is over', async () => {
    const double = new HubspotDouble();
    double.forced.push(limited('DAILY', 'You have reached your daily limit.'));
    const { client } = connect(double);
    const error = (await client.listUsers().catch((e: unknown) => e)) as CrmError;
    expect(error.kind).toBe('rateLimited');
    expect(error.message).toContain("HubSpot's daily API limit");
    const sent = double.requests.length;
    await expect(client.listUsers()).rejects.toThrow("HubSpot's daily API limit");
    expect(double.requests.length).toBe(sent);
    double.nowMs += HUBSPOT_DAILY_PAUSE_MS;
    expect(await client.listUsers()).toHaveLength(2);
  });

  it('reads every 429 body: an unknown or unparsable one gets the generic backoff', () => {
    expect(hubspotRateLimitVerdict({ status: 'error', policyName: 'SOMETHING_NEW' })).toBeNull();
    expect(hubspotRateLimitVerdict('<html>')).toBeNull();
    expect(hubspotRateLimitVerdict(null)).toBeNull();
  });

  it('learns the 10-second limit from X-HubSpot-RateLimit-Max, lowering or raising it', () => {
    const headers = (h: Record<string, string>) => (n: string) => h[n] ?? null;
    expect(
      hubspotLimitFromHeaders(
        headers({ 'X-HubSpot-RateLimit-Max': '190', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' }),
      ),
    ).toBe(190);
    expect(hubspotLimitFromHeaders(headers({ 'X-HubSpot-RateLimit-Max': '250' }))).toBe(250);
    expect(
      hubspotLimitFromHeaders(
        headers({ 'X-HubSpot-RateLimit-Max': '100', 'X-HubSpot-RateLimit-Interval-Milliseconds': '1000' }),
      ),
    ).toBeNull();
    expect(hubspotLimitFromHeaders(headers({}))).toBeNull();
  });

  it('the 10-second limiter waits out the window on a fake clock, and a learned limit applies', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      limit: 3,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 3; i += 1) await limiter.acquire();
    expect(waits).toEqual([]);
    await limiter.acquire();
    expect(waits).toEqual([10_001]);
    limiter.setLimit(5);
    await limiter.acquire();
    expect(waits).toEqual([10_001]); // room under the raised limit: no wait
  });

  it('search requests also wait for the 5-a-second search limiter; other requests do not', async () => {
    const double = new HubspotDouble();
    let now = 0;
    const waits: number[] = [];
    const search = createRateLimiter({
      limit: 5,
      windowMs: 1000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const transport = createCrmTransport({
      egress: createEgress({
        allowedOrigin: () => 'https://api.hubapi.com',
        hasConsent: async () => true,
        fetchImpl: double.fetch,
      }),
      limiter: createRateLimiter({ limit: 100, windowMs: 10_000, now: () => now }),
      searchLimiter: search,
      baseUrl: 'https://api.hubapi.com',
      headers: hubspotAdapter.headers(double.token, ''),
    });
    const client = createHubspotClient(transport, 'me@gmail.test', { email: 'sam@corp.test' });
    for (let i = 0; i < 6; i += 1) await client.findPersonByEmail(`p${i}@x.test`);
    expect(waits).toEqual([1001]);
    for (let i = 0; i < 10; i += 1) await client.getPerson(1);
    expect(waits).toEqual([1001]);
  });
});
