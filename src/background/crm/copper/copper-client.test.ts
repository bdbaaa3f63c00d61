import { describe, expect, it } from 'vitest';
import type { CrmAnswer, CrmCall, CrmTransport } from '../crm-transport';
import { createCopperClient } from './copper-client';
import { copperDateToSeconds } from './copper-schemas';

function transport(answers: Record<string, unknown>, total: number | null = null) {
  const calls: CrmCall[] = [];
  const t: CrmTransport = {
    request: async (call): Promise<CrmAnswer> => {
      calls.push(call);
      if (!(call.path in answers)) throw new Error(`unexpected ${call.path}`);
      return {
        status: 200,
        json: answers[call.path],
        header: (name) => (name === 'X-PW-TOTAL' && total !== null ? String(total) : null),
      };
    },
  };
  return { t, calls };
}

describe('Copper dates', () => {
  it('parses unix seconds, milliseconds, mm/dd/yyyy and ISO strings', () => {
    expect(copperDateToSeconds(1516312771)).toBe(1516312771);
    expect(copperDateToSeconds(1516312771000)).toBe(1516312771);
    expect(copperDateToSeconds('1/23/2017')).toBe(Date.UTC(2017, 0, 23) / 1000);
    expect(copperDateToSeconds('12/31/2026')).toBe(Date.UTC(2026, 11, 31) / 1000);
    expect(copperDateToSeconds('1516312771')).toBe(1516312771);
    expect(copperDateToSeconds('2026-11-22T10:00:00Z')).toBe(Date.UTC(2026, 10, 22, 10) / 1000);
    expect(copperDateToSeconds(null)).toBeNull();
    expect(copperDateToSeconds('someday')).toBeNull();
  });
});

describe('Copper adapter', () => {
  it('maps Copper’s person shape, tolerating unknown fields and missing optional ones', async () => {
    const { t, calls } = transport({
      '/people/search': [
        {
          id: 7,
          name: 'Taylor Lowe',
          address: {
            street: '221 Main Street',
            city: 'Vancouver',
            state: 'BC',
            postal_code: 'A1A1A1',
            country: 'CA',
          },
          company_id: 2,
          company_name: 'ProsperWorks',
          emails: [{ email: 'taylor@prosperworks.com', category: 'work' }],
          phone_numbers: [{ number: '4158546956', category: 'work' }],
          tags: ['tag1'],
          title: 'CEO',
          date_modified: 1516312771,
          brand_new_field: { anything: true },
        },
        { id: 8, first_name: 'Only', last_name: 'Parts', emails: null, date_modified: '1/2/2020' },
      ],
    });
    const people = await createCopperClient(t).searchPeopleByEmails(['taylor@prosperworks.com', 'x@y.test']);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      body: { emails: ['taylor@prosperworks.com', 'x@y.test'], page_size: 200 },
      purpose: 'lookupContact',
    });
    expect(people[0]).toEqual({
      id: 7,
      name: 'Taylor Lowe',
      title: 'CEO',
      companyId: 2,
      companyName: 'ProsperWorks',
      emails: [{ value: 'taylor@prosperworks.com', category: 'work' }],
      phones: [{ value: '4158546956', category: 'work' }],
      address: {
        street: '221 Main Street',
        city: 'Vancouver',
        state: 'BC',
        postalCode: 'A1A1A1',
        country: 'CA',
      },
      tags: ['tag1'],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1516312771,
    });
    expect(people[1]).toMatchObject({
      name: 'Only Parts',
      emails: [],
      modifiedAt: Date.UTC(2020, 0, 2) / 1000,
    });
  });

  it('maps opportunities with an mm/dd/yyyy close date and an unknown status', async () => {
    const { t } = transport(
      {
        '/opportunities/search': [
          {
            id: 1,
            name: 'Deal',
            close_date: '1/23/2017',
            status: 'Open',
            monetary_value: 100,
            pipeline_id: 9,
            pipeline_stage_id: 91,
            date_modified: 5,
          },
          { id: 2, name: 'Odd', status: 'Paused', date_modified: 6 },
        ],
      },
      2,
    );
    const page = await createCopperClient(t).pageOpportunities({ page: 1, pageSize: 200 });
    expect(page.total).toBe(2);
    // "1/23/2017": a day above 12 shows the account writes the month first.
    expect(page.dateOrder).toBe('monthFirst');
    expect(page.records[0]).toMatchObject({
      closeDate: Date.UTC(2017, 0, 23) / 1000,
      status: 'Open',
      value: 100,
      stageId: 91,
    });
    expect(page.records[1]?.status).toBe('Open');
  });

  it('refuses an answer that is not a page (not an array) with a clear invalidResponse error', async () => {
    const { t } = transport({ '/people/search': { id: 1 } });
    await expect(createCopperClient(t).pagePeople({ page: 1, pageSize: 200 })).rejects.toMatchObject({
      kind: 'invalidResponse',
      message: expect.stringContaining('/people/search'),
    });
  });

  it.each([
    ['a record without an id', { name: 'x' }],
    ['an id of the wrong type', { id: '7' }],
    ['emails that are not a list', { id: 1, emails: 'a@b.test' }],
  ])('skips and counts %s, and keeps the rest of the page', async (_label, bad) => {
    const { t } = transport({ '/people/search': [bad, { id: 2, name: 'Fine', date_modified: 3 }] });
    const page = await createCopperClient(t).pagePeople({ page: 1, pageSize: 200 });
    expect(page).toMatchObject({ skipped: 1, received: 2 });
    expect(page.records.map((p) => p.id)).toEqual([2]);
  });

  it('skips a deleted activity’s stub in a page of thread activities, and counts it', async () => {
    const { t } = transport({
      '/activity_types': { user: [{ id: 0, category: 'user', name: 'Note' }], system: [] },
      '/activities/search': [
        { id: 41, is_deleted: true },
        {
          id: 42,
          parent: { id: 7, type: 'person' },
          type: { id: 0, category: 'user' },
          details: 'kept',
          activity_date: 100,
          date_modified: 100,
        },
      ],
    });
    const page = await createCopperClient(t).pageThreadActivities({
      page: 1,
      pageSize: 200,
      activityFrom: 0,
    });
    expect(page.records.map((a) => a.id)).toEqual([42]);
    expect(page).toMatchObject({ skipped: 1, received: 2 });
  });

  it('names activity types from the account’s own list (only Note = 0 is fixed)', async () => {
    const { t } = transport({
      '/activity_types': {
        user: [
          { id: 0, category: 'user', name: 'Note' },
          { id: 190711, category: 'user', name: 'Phone Call' },
        ],
        system: [],
      },
      '/activities/search': [
        {
          id: 1,
          parent: { id: 7, type: 'person' },
          type: { id: 190711, category: 'user' },
          details: 'Called',
          activity_date: 100,
        },
        {
          id: 2,
          parent: { id: 7, type: 'person' },
          type: { id: 55, category: 'user' },
          details: null,
          activity_date: 90,
        },
      ],
    });
    const activities = await createCopperClient(t).recentActivities({ type: 'person', id: 7 }, 5);
    expect(activities.map((a) => a.typeName)).toEqual(['Phone Call', 'Activity']);
  });
});

describe('Copper lookups kept for a minute', () => {
  it('a company created after a lookup found none answers the next lookup of its domain', async () => {
    const answers: Record<string, unknown> = {
      '/companies/search': [],
      '/companies': { id: 41, name: 'Brand New Co', email_domain: 'brand-new-co.test', date_modified: 1 },
    };
    const { t, calls } = transport(answers);
    const client = createCopperClient(t);
    expect(await client.findCompanyByDomain('brand-new-co.test')).toBeNull();
    const created = await client.createCompany({ name: 'Brand New Co', domain: 'brand-new-co.test' });
    // The second person of the same new domain finds the company: no second create.
    expect(await client.findCompanyByDomain('Brand-New-Co.test')).toEqual(created);
    expect(calls.filter((c) => c.path === '/companies')).toHaveLength(1);
  });
});

describe('Copper’s search window (100,000 records): people and companies', () => {
  const raw = (id: number, created: number) => ({
    id,
    name: `P ${id}`,
    emails: [{ email: `p${id}@x.test`, category: 'work' }],
    date_created: created,
    date_modified: 2_000_000_000 - id,
  });
  const full = (ids: number[], created: (id: number) => number) => ids.map((id) => raw(id, created(id)));
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('the last page inside the window answers a sweep cursor; pages before it do not', async () => {
    const { t } = transport({ '/people/search': full(range(1, 200), () => 5) });
    const client = createCopperClient(t);
    expect(
      (await client.pagePeople({ page: 499, pageSize: 200, newestFirst: true })).nextCursor,
    ).toBeUndefined();
    const last = await client.pagePeople({ page: 500, pageSize: 200, newestFirst: true });
    expect(typeof last.nextCursor).toBe('string');
    // A short page ends the pass, window or not.
    const { t: short } = transport({ '/people/search': full(range(1, 150), () => 5) });
    const ended = await createCopperClient(short).pagePeople({ page: 500, pageSize: 200, newestFirst: true });
    expect(ended.nextCursor).toBeUndefined();
  });

  it('the sweep pages by date_created from its cursor, never repeats a record and ends on a short page', async () => {
    const answers: Record<string, unknown> = {};
    const { t, calls } = transport(answers);
    const client = createCopperClient(t);
    const window = await (async () => {
      answers['/companies/search'] = full(range(1, 200), () => 5);
      return client.pageCompanies({ page: 500, pageSize: 200, newestFirst: true });
    })();
    // First sweep page: from the start; the last two records share the second 20.
    answers['/companies/search'] = full(range(1, 200), (id) => (id >= 199 ? 20 : 10));
    const sweep = (cursor: string | null | undefined) =>
      client.pageCompanies({ page: 1, pageSize: 200, newestFirst: true, cursor: cursor ?? '' });
    const first = await sweep(window.nextCursor);
    const byCreation = { page_number: 1, page_size: 200, sort_by: 'date_created', sort_direction: 'asc' };
    expect(calls.at(-1)?.body).toEqual(byCreation);
    expect(first.records).toHaveLength(200);
    // The next page starts at 20 and drops the two already returned.
    answers['/companies/search'] = full([199, 200, ...range(201, 198)], () => 20);
    const second = await sweep(first.nextCursor);
    expect(calls.at(-1)?.body).toEqual({ ...byCreation, minimum_created_date: 20 });
    expect(second.records.map((c) => c.id)).toEqual(range(201, 198));
    // The whole page sat in the second 20: the next page of the same filter.
    answers['/companies/search'] = full(range(399, 50), () => 20);
    const third = await sweep(second.nextCursor);
    expect(calls.at(-1)?.body).toMatchObject({ page_number: 2, minimum_created_date: 20 });
    expect(third.records.map((c) => c.id)).toEqual(range(399, 50));
    expect(third.nextCursor).toBeNull();
  });
});
