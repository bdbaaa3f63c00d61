import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES, PIPELINES } from '../src/seed/seed-demo-data';
import { startTestServer, type TestServer } from './start-test-server';

type Rec = Record<string, unknown> & { id: number };

let server: TestServer;
let now = 1_800_000_000;
beforeAll(async () => {
  server = await startTestServer({ people: 300, clock: { now: () => now } });
});
afterAll(async () => {
  await server.close();
});

const ok = async (method: string, path: string, body?: unknown): Promise<Rec & Rec[]> => {
  const answer = await server.call(method, path, body);
  expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 200)}`).toBe(200);
  return answer.body as Rec & Rec[];
};

describe('people', () => {
  it('fetches by email, case-insensitively', async () => {
    const alice = await ok('POST', '/people/fetch_by_email', { email: 'ALICE.DOE@acme.test' });
    expect(alice).toMatchObject({
      name: 'Alice Doe',
      first_name: 'Alice',
      last_name: 'Doe',
      company_name: 'Acme Corporation',
    });
    expect(Object.keys(alice).sort()).toEqual(
      [
        'id',
        'name',
        'first_name',
        'last_name',
        'prefix',
        'middle_name',
        'suffix',
        'address',
        'assignee_id',
        'company_id',
        'company_name',
        'contact_type_id',
        'details',
        'emails',
        'phone_numbers',
        'socials',
        'tags',
        'title',
        'websites',
        'custom_fields',
        'date_created',
        'date_modified',
        'date_last_contacted',
        'interaction_count',
        'leads_converted_from',
        'date_lead_created',
      ].sort(),
    );
    expect(String(alice.date_created)).toMatch(/^\d{10}$/);
  });

  it('searches by many emails in one request, and by name, company and phone', async () => {
    const found = await ok('POST', '/people/search', {
      emails: ['alice.doe@acme.test', 'bob@acme.test', 'carol.chen@globex.test', 'stranger@nowhere.test'],
      page_size: 200,
    });
    expect(found.map((p) => p.name).sort()).toEqual(['Alice Doe', 'Bob Buyer', 'Carol Chen']);
    expect((await ok('POST', '/people/search', { name: 'alice d' })).map((p) => p.name)).toEqual([
      'Alice Doe',
    ]);
    const acme = await ok('POST', '/people/search', { company_ids: [1], page_size: 200 });
    expect(acme.length).toBeGreaterThanOrEqual(2);
    expect(acme.every((p) => p.company_id === 1)).toBe(true);
    const alice = (await ok('POST', '/people/fetch_by_email', {
      email: 'alice.doe@acme.test',
    })) as unknown as {
      id: number;
      phone_numbers: { number: string }[];
    };
    const digits = (alice.phone_numbers[0]?.number ?? '').replace(/\D/g, '');
    expect(
      (await ok('POST', '/people/search', { phone_number: digits.slice(-7) })).map((p) => p.id),
    ).toContain(alice.id);
    expect(await ok('POST', '/people/search', { emails: [] })).toEqual([]);
  });

  it('creates, reads, updates and deletes', async () => {
    now += 10;
    const created = await ok('POST', '/people', {
      name: 'Dave Initech',
      emails: [{ email: 'dave@initech.test', category: 'work' }],
      company_id: 2,
      tags: ['new'],
    });
    expect(created).toMatchObject({
      name: 'Dave Initech',
      company_name: 'Globex',
      date_created: now,
      date_modified: now,
    });
    expect(await ok('GET', `/people/${created.id}`)).toEqual(created);
    now += 10;
    const updated = await ok('PUT', `/people/${created.id}`, {
      title: 'CTO',
      phone_numbers: [{ number: '555 0100', category: 'work' }],
    });
    expect(updated).toMatchObject({ title: 'CTO', name: 'Dave Initech', tags: ['new'], date_modified: now });
    const renamed = await ok('PUT', `/people/${created.id}`, { name: 'David Initech' });
    expect(renamed).toMatchObject({ first_name: 'David', last_name: 'Initech' });
    expect(await ok('DELETE', `/people/${created.id}`)).toEqual({ id: created.id, is_deleted: true });
    expect((await server.call('GET', `/people/${created.id}`)).status).toBe(404);
    expect((await server.call('POST', '/people/fetch_by_email', { email: 'dave@initech.test' })).status).toBe(
      404,
    );
    // The address is free again.
    await ok('POST', '/people', { name: 'Dave Again', emails: [{ email: 'dave@initech.test' }] });
  });
});

describe('companies', () => {
  it('searches by email domain and name, gets, creates and updates', async () => {
    const acme = await ok('POST', '/companies/search', { email_domains: 'ACME.test' });
    expect(acme.map((c) => c.name)).toEqual(['Acme Corporation']);
    expect(acme[0]).toMatchObject({ email_domain: 'acme.test' });
    expect((await ok('POST', '/companies/search', { name: 'globex' })).map((c) => c.id)).toContain(2);
    expect(await ok('GET', '/companies/1')).toMatchObject({ name: 'Acme Corporation' });
    const created = await ok('POST', '/companies', { name: 'Initech', email_domain: 'Initech.test' });
    expect(created).toMatchObject({ name: 'Initech', email_domain: 'initech.test' });
    const updated = await ok('PUT', `/companies/${created.id}`, { name: 'Initech LLC', tags: ['prospect'] });
    expect(updated).toMatchObject({ name: 'Initech LLC', tags: ['prospect'], email_domain: 'initech.test' });
    // People at a renamed company show the new name (and count as modified).
    const pat = await ok('POST', '/people', { name: 'Pat Initech', company_id: created.id });
    await ok('PUT', `/companies/${created.id}`, { name: 'Initech Inc' });
    expect(await ok('GET', `/people/${pat.id}`)).toMatchObject({ company_name: 'Initech Inc' });
  });
});

describe('leads', () => {
  it('searches, creates, updates and converts to a person with company and deal', async () => {
    const created = await ok('POST', '/leads', {
      name: 'Lena Lead',
      email: { email: 'lena@leadco.test', category: 'work' },
      company_name: 'LeadCo',
      title: 'Buyer',
    });
    expect(created).toMatchObject({ status: 'New', email: { email: 'lena@leadco.test' } });
    expect((await ok('POST', '/leads/search', { emails: 'lena@leadco.test' })).map((l) => l.id)).toEqual([
      created.id,
    ]);
    expect((await ok('POST', '/leads/search', { name: 'lena' })).map((l) => l.id)).toEqual([created.id]);
    const updated = await ok('PUT', `/leads/${created.id}`, { status: 'Qualified' });
    expect(updated).toMatchObject({ status: 'Qualified', status_id: 4 });
    const converted = (await ok('POST', `/leads/${created.id}/convert`, {
      details: { opportunity: { name: 'LeadCo pilot', monetary_value: 5000 } },
    })) as unknown as { person: Rec; company: Rec; opportunity: Rec };
    expect(converted.person).toMatchObject({ name: 'Lena Lead', company_name: 'LeadCo', title: 'Buyer' });
    expect(converted.person.leads_converted_from).toEqual([
      { lead_id: created.id, converted_timestamp: now },
    ]);
    expect(converted.company).toMatchObject({ name: 'LeadCo' });
    expect(converted.opportunity).toMatchObject({
      name: 'LeadCo pilot',
      primary_contact_id: converted.person.id,
      status: 'Open',
    });
    expect((await server.call('GET', `/leads/${created.id}`)).status).toBe(404);
    expect(await ok('POST', '/people/fetch_by_email', { email: 'lena@leadco.test' })).toMatchObject({
      id: converted.person.id,
    });
  });
});

describe('pipelines and opportunities', () => {
  it('lists pipelines with stages, and stages', async () => {
    const pipelines = await ok('GET', '/pipelines');
    expect(pipelines).toEqual(
      PIPELINES.map((p) => ({ id: p.id, name: p.name, stages: p.stages.map((s) => ({ ...s })) })),
    );
    const stages = await ok('GET', '/pipeline_stages');
    expect(stages[0]).toEqual({ id: 987790, name: 'Qualified', pipeline_id: 213214, win_probability: 5 });
    expect(stages).toHaveLength(8);
  });

  it('searches by pipeline and status, creates, and moves stage and status', async () => {
    const open = await ok('POST', '/opportunities/search', {
      status_ids: [0],
      pipeline_ids: [213214],
      page_size: 200,
    });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((o) => o.status === 'Open' && o.pipeline_id === 213214)).toBe(true);
    // primary_contact_ids is not a documented filter: Copper refuses it.
    const byContact = await server.call('POST', '/opportunities/search', { primary_contact_ids: [1] });
    expect(byContact.body).toEqual({
      success: false,
      status: 422,
      message:
        'Invalid input: Validation errors: Base: Unrecognized attributes specified: primary_contact_ids',
    });
    const deal = await ok('POST', '/opportunities', {
      name: 'Globex renewal',
      pipeline_id: 213215,
      company_id: 2,
      primary_contact_id: 3,
      monetary_value: 12000,
      close_date: '12/31/2026',
    });
    expect(deal).toMatchObject({
      pipeline_stage_id: 987800,
      win_probability: 50,
      company_name: 'Globex',
      close_date: '12/31/2026',
    });
    now += 5;
    const moved = await ok('PUT', `/opportunities/${deal.id}`, { pipeline_stage_id: 987802 });
    expect(moved).toMatchObject({ pipeline_stage_id: 987802, win_probability: 95, date_stage_changed: now });
    const history = await ok('POST', '/activities/search', {
      parent: { type: 'opportunity', id: deal.id },
      activity_types: [{ category: 'system', id: ACTIVITY_TYPES.stageChanged }],
    });
    expect(history).toEqual([
      expect.objectContaining({ old_value: 987800, new_value: 987802, type: { id: 3, category: 'system' } }),
    ]);
    const won = await ok('PUT', `/opportunities/${deal.id}`, { status: 'Won' });
    expect(won.status).toBe('Won');
    expect(
      (await ok('POST', '/opportunities/search', { status_ids: [1], page_size: 200 })).map((o) => o.id),
    ).toContain(deal.id);
    expect(await ok('GET', `/opportunities/${deal.id}`)).toEqual(won);
  });
});

describe('activities', () => {
  it('lists activity types keyed by category, with Note = 0 and an Email user type', async () => {
    const types = (await ok('GET', '/activity_types')) as unknown as { user: Rec[]; system: Rec[] };
    expect(types.user[0]).toEqual({
      id: 0,
      category: 'user',
      name: 'Note',
      is_disabled: false,
      count_as_interaction: false,
    });
    expect(types.user.map((t) => t.name)).toContain('Email');
    expect(types.system.map((t) => t.id)).toEqual([1, 3]);
  });

  it('creates and searches by parent, type and date range; updates and deletes', async () => {
    now += 60;
    const note = await ok('POST', '/activities', {
      parent: { type: 'person', id: 2 },
      type: { category: 'user', id: 0 },
      details: 'text',
    });
    expect(note).toEqual({
      id: note.id,
      parent: { type: 'person', id: 2 },
      type: { category: 'user', id: 0 },
      user_id: server.owner.id,
      details: 'text',
      activity_date: now,
      old_value: null,
      new_value: null,
      date_created: now,
      date_modified: now,
    });
    const email = await ok('POST', '/activities', {
      parent: { type: 'person', id: 2 },
      type: { category: 'user', id: ACTIVITY_TYPES.email },
      details: 'Subject: hello',
      activity_date: now - 86_400,
    });
    const all = await ok('POST', '/activities/search', { parent: { type: 'person', id: 2 }, page_size: 200 });
    expect(all.slice(0, 2).map((a) => a.id)).toEqual([note.id, email.id]); // newest first
    const onlyEmail = await ok('POST', '/activities/search', {
      parent: { type: 'person', id: 2 },
      activity_types: [{ category: 'user', id: ACTIVITY_TYPES.email }],
    });
    expect(onlyEmail.map((a) => a.id)).toEqual([email.id]);
    const ranged = await ok('POST', '/activities/search', {
      parent: { type: 'person', id: 2 },
      minimum_activity_date: now - 100,
      maximum_activity_date: now,
    });
    expect(ranged.map((a) => a.id)).toEqual([note.id]);
    expect(await ok('PUT', `/activities/${note.id}`, { details: 'edited' })).toMatchObject({
      details: 'edited',
    });
    expect(await ok('DELETE', `/activities/${note.id}`)).toEqual({ id: note.id, is_deleted: true });
    expect((await server.call('GET', `/activities/${note.id}`)).status).toBe(404);
  });
});

describe('tasks', () => {
  it('creates, searches by related record and status, and completes', async () => {
    const task = await ok('POST', '/tasks', {
      name: 'Follow up',
      related_resource: { type: 'person', id: 3 },
      due_date: now + 86_400,
      priority: 'High',
    });
    expect(task).toMatchObject({
      status: 'Open',
      priority: 'High',
      completed_date: null,
      assignee_id: server.owner.id,
    });
    // related_resource is not a documented filter of tasks/search: page open tasks instead.
    const forCarol = await ok('POST', '/tasks/search', { statuses: ['Open'], page_size: 200 });
    expect(forCarol.map((t) => t.id)).toContain(task.id);
    now += 1;
    const done = await ok('PUT', `/tasks/${task.id}`, { status: 'Completed' });
    expect(done).toMatchObject({ status: 'Completed', completed_date: now });
    const reopened = await ok('PUT', `/tasks/${task.id}`, { status: 'Open' });
    expect(reopened).toMatchObject({ status: 'Open', completed_date: null });
    expect(await ok('GET', `/tasks/${task.id}`)).toEqual(reopened);
    expect(
      (await server.call('POST', '/tasks', { name: 'x', related_resource: { type: 'person', id: 999999 } }))
        .status,
    ).toBe(422);
  });
});

describe('related records, custom fields, account and users', () => {
  it('adds and lists related records in both directions', async () => {
    const added = await ok('POST', '/people/1/related', { resource: { id: 1, type: 'opportunity' } });
    expect(added).toMatchObject({ id: 1, type: 'person' });
    expect(await ok('GET', '/people/1/related')).toEqual([{ id: 1, type: 'opportunity' }]);
    expect(await ok('GET', '/opportunities/1/related/people')).toEqual([{ id: 1, type: 'person' }]);
    expect(await ok('GET', '/opportunities/1/related/companies')).toEqual([]);
    await ok('POST', '/people/1/related', { resource: { id: 1, type: 'opportunity' } }); // idempotent
    expect(await ok('GET', '/people/1/related')).toHaveLength(1);
    expect(
      (await server.call('POST', '/people/1/related', { resource: { id: 999999, type: 'company' } })).status,
    ).toBe(422);
    expect((await server.call('GET', '/people/999999/related')).status).toBe(404);
  });

  it('lists custom field definitions with their data types', async () => {
    const fields = await ok('GET', '/custom_field_definitions');
    expect(fields.map((f) => f.data_type)).toEqual(['Date', 'Dropdown', 'URL']);
  });

  it('answers account, the calling user, and the team', async () => {
    expect(await ok('GET', '/account')).toEqual({ id: 1, name: 'Threadline Demo Co.' });
    expect(await ok('GET', '/users/me')).toEqual({
      id: server.owner.id,
      name: server.owner.name,
      email: server.owner.email,
    });
    const team = await server.call('POST', '/users/search', {});
    expect(team.headers.get('X-PW-TOTAL')).toBe('3');
    expect((team.body as Rec[]).map((u) => u.email)).toContain('tara@threadline-demo.test');
  });

  it('answers CORS preflights from the extension and exposes X-PW-TOTAL', async () => {
    const preflight = await server.raw('/developer_api/v1/people/search', {
      method: 'OPTIONS',
      headers: {
        Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-pw-accesstoken,x-pw-application,x-pw-useremail',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    );
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'x-pw-accesstoken',
    );
  });
});
