import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { bodies, connect } from '../../../../test/unit/hubspot-double-client';
import { CrmError } from '../crm-error';
import { hubspotAdapter } from './hubspot-adapter';
import { labelIdToNumber } from './hubspot-ids';

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

  it('the adapter: Bearer header, api.hubapi.com unless a loopback address is typed', () => {
    expect(hubspotAdapter.headers('pat-1', 'x@y.test')).toEqual({
      Authorization: 'Bearer pat-1',
      'Content-Type': 'application/json',
    });
    expect(hubspotAdapter.baseUrl('')).toBe('https://api.hubapi.com');
    expect(hubspotAdapter.baseUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(() => hubspotAdapter.baseUrl('http://evil.test')).toThrow(CrmError);
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

describe('HubSpot tasks, contacts and deals written', () => {
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
    expect(await client.findTasks('Call Ana', { type: 'person', id: 512 })).toMatchObject([{ id: task.id }]);
    expect(await client.findTasks('Call Ana', { type: 'person', id: 999 })).toEqual([]);
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
    const found = await connect(double).client.findTasks('Send terms', related);
    expect(found.map((f) => f.id)).toEqual([Number(task[0]?.id)]);
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
    expect((await connect(double).client.findCreatedOpportunity(input)).deal?.id).toBe(deal.id);
    expect(
      (await connect(double).client.findCreatedOpportunity({ ...input, idempotencyKey: 'k-2' })).deal,
    ).toBeNull();
    const won = await client.updateOpportunity(deal.id, { status: 'Won' });
    expect(won.status).toBe('Won');
    expect(double.requests.at(-1)?.body).toEqual({ properties: { dealstage: 'closedwon' } });
  });
});
