import { afterEach, describe, expect, it } from 'vitest';
import { DOCUMENTED_FIELDS } from '../src/http/documented-fields';
import { ACTIVITY_TYPES } from '../src/seed/seed-demo-data';
import { startTestServer, type TestServer } from './start-test-server';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const refused = (fields: string) => ({
  success: false,
  status: 422,
  message: `Invalid input: Validation errors: Base: Unrecognized attributes specified: ${fields}`,
});

describe('one table of documented request fields (reference: "Documented request fields")', () => {
  it('refuses what an endpoint does not document, with Copper’s wording, on every search', async () => {
    server = await startTestServer();
    const cases: [string, object, string][] = [
      ['/people/search', { pageSize: 5 }, 'pageSize'],
      ['/people/search', { minimum_modified_date: 1 }, 'minimum_modified_date'],
      ['/companies/search', { minimum_modified_date: 1 }, 'minimum_modified_date'],
      ['/activities/search', { sort_by: 'date_modified', sort_direction: 'asc' }, 'sort_by, sort_direction'],
      ['/activities/search', { minimum_modified_date: 1 }, 'minimum_modified_date'],
      ['/tasks/search', { name: 'x', related_resource: { type: 'person', id: 1 } }, 'name, related_resource'],
      ['/users/search', { sort_by: 'name' }, 'sort_by'],
      ['/people', { name: 'X', first_name: 'X' }, 'first_name'],
      ['/tasks', { name: 'X', completed_date: 1 }, 'completed_date'],
    ];
    for (const [path, body, fields] of cases) {
      const answer = await server.call('POST', path, body);
      expect(answer.status, path).toBe(422);
      expect(answer.body, path).toEqual(refused(fields));
    }
  });

  it('accepts every documented field of a search, implemented or not', async () => {
    server = await startTestServer();
    const answer = await server.call('POST', '/people/search', {
      followed: 1,
      age: 30,
      minimum_interaction_count: 0,
      sort_by: 'date_modified',
      sort_direction: 'desc',
    });
    expect(answer.status).toBe(200);
    expect(DOCUMENTED_FIELDS['POST /activities/search']).not.toContain('sort_by');
  });

  it('takes numbers as numeric strings and paging in the query string, as Copper does', async () => {
    server = await startTestServer({ people: 60 });
    const inBody = await server.call('POST', '/people/search', { page_number: '2', page_size: '20' });
    const asNumbers = await server.call('POST', '/people/search', { page_number: 2, page_size: 20 });
    expect(inBody.status).toBe(200);
    expect(inBody.body).toEqual(asNumbers.body);
    const inQuery = await server.call('POST', '/people/search?page_size=20&page_number=2', {});
    expect(inQuery.body).toEqual(asNumbers.body);
    expect((await server.call('POST', '/people/search', { page_number: 'two' })).status).toBe(422);
  });

  it('lists the one-string lead and company lookups as Copper documents them', async () => {
    server = await startTestServer();
    const company = await server.call('POST', '/companies/search', { email_domains: 'acme.test' });
    expect((company.body as { name: string }[]).map((c) => c.name)).toContain('Acme Corporation');
    expect((await server.call('POST', '/companies/search', { email_domains: ['acme.test'] })).status).toBe(
      422,
    );
    expect((await server.call('POST', '/leads/search', { emails: ['x@y.test'] })).status).toBe(422);
  });
});

describe('close_date: a string in the account’s date order', () => {
  it.each([
    ['MM/DD', '1/23/2027', '1/23/2027', '23/1/2027'],
    ['DD/MM', '23/1/2027', '23/1/2027', '1/23/2027'],
  ] as const)(
    '%s: stores and answers unpadded, refuses the other order and seconds',
    async (order, sent, answered, wrong) => {
      const crm = await startTestServer({ dateOrder: order });
      server = crm;
      const create = (close_date: unknown) =>
        crm.call('POST', '/opportunities', { name: 'Dated', primary_contact_id: 1, close_date });
      const made = await create(sent);
      expect(made.status).toBe(200);
      expect((made.body as { close_date: string }).close_date).toBe(answered);
      const padded = await create(order === 'MM/DD' ? '01/23/2027' : '23/01/2027');
      expect((padded.body as { close_date: string }).close_date).toBe(answered);
      expect((await create(wrong)).status).toBe(422);
      expect((await create(1_800_000_000)).status).toBe(422);
      const seeded = (await server.call('POST', '/opportunities/search', { page_size: 200 })).body as {
        close_date: string | null;
      }[];
      const dayFirst = seeded.some((o) => Number(o.close_date?.split('/')[0]) > 12);
      const monthFirst = seeded.some((o) => Number(o.close_date?.split('/')[1]) > 12);
      expect(order === 'DD/MM' ? dayFirst && !monthFirst : monthFirst && !dayFirst).toBe(true);
    },
  );
});

describe('activities', () => {
  it('has a disabled "Email" type in the seed and refuses activities of it', async () => {
    server = await startTestServer();
    const types = (await server.call('GET', '/activity_types')).body as {
      user: { id: number; name: string; is_disabled: boolean }[];
    };
    expect(types.user.filter((t) => t.name === 'Email').map((t) => t.is_disabled)).toEqual([true, false]);
    const answer = await server.call('POST', '/activities', {
      parent: { type: 'person', id: 1 },
      type: { category: 'user', id: ACTIVITY_TYPES.retiredEmail },
      details: 'x',
    });
    expect(answer.status).toBe(422);
  });

  it('a deleted activity answers its stub once, then is gone from reads and searches', async () => {
    server = await startTestServer();
    const made = (
      await server.call('POST', '/activities', {
        parent: { type: 'person', id: 1 },
        type: { category: 'user', id: 0 },
        details: 'to delete',
      })
    ).body as { id: number };
    expect((await server.call('DELETE', `/activities/${made.id}`)).body).toEqual({
      id: made.id,
      is_deleted: true,
    });
    expect((await server.call('GET', `/activities/${made.id}`)).status).toBe(404);
    const left = (
      await server.call('POST', '/activities/search', { parent: { type: 'person', id: 1 }, page_size: 200 })
    ).body as { id: number }[];
    expect(left.map((a) => a.id)).not.toContain(made.id);
  });
});

describe('searches stop at 100,000 records, as Copper does', () => {
  it('answers an empty page beyond the window, with the total still counted', async () => {
    const crm = await startTestServer({ people: 0 });
    server = crm;
    // 100,050 bare rows straight into the table: the window, not the seed, is under test.
    const insert = crm.db.prepare(
      "INSERT INTO people (id, name, company_id, phones, date_created, date_modified, data) VALUES (?, ?, NULL, '', 1, 1, ?)",
    );
    crm.db.transaction(() => {
      for (let id = 1_000_001; id <= 1_100_050; id += 1)
        insert.run(id, `P${id}`, JSON.stringify({ id, name: `P${id}` }));
    })();
    const last = await crm.call('POST', '/people/search', { page_size: 200, page_number: 500 });
    expect((last.body as unknown[]).length).toBe(200);
    const beyond = await crm.call('POST', '/people/search', { page_size: 200, page_number: 501 });
    expect(beyond.body).toEqual([]);
    expect(Number(beyond.headers.get('X-PW-TOTAL'))).toBeGreaterThanOrEqual(100_050);
  });
});
