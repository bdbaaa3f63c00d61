/**
 * `POST /crm/v3/objects/{type}/search` as reference/hubspot-api.md, "Search", says: AND within a
 * group, OR across groups, the operators, the filter caps (the stricter reading: 5 groups, 6 filters
 * each, 18 in all), one sort, limit ≤ 200, integer-offset paging, the 10,000-result cap and the
 * hs_object_id restart past it, archived records never found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubspotStore } from '../src/hubspot/hubspot-store';
import { type HsRecord, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

interface SearchPage {
  total: number;
  results: HsRecord[];
  paging?: { next: { after: string } };
}

let server: HubspotTestServer;
const now = 1_800_000_000_000;
beforeAll(async () => {
  server = await startHubspotTestServer({ people: 80, nowMs: () => now });
});
afterAll(async () => {
  await server.close();
});

const search = async (type: string, body: unknown): Promise<SearchPage> => {
  const answer = await server.call('POST', `/crm/v3/objects/${type}/search`, body);
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  return answer.body as SearchPage;
};
const refused = async (type: string, body: unknown) => {
  const answer = await server.call('POST', `/crm/v3/objects/${type}/search`, body);
  expect(answer.status, JSON.stringify(body).slice(0, 200)).toBe(400);
  expect(answer.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
};
const filter = (propertyName: string, operator: string, value?: unknown, extra: object = {}) => ({
  propertyName,
  operator,
  ...(value === undefined ? {} : { value }),
  ...extra,
});
const emailsOf = (page: SearchPage) => page.results.map((r) => r.properties.email).sort();

describe('filters', () => {
  it('AND within a group, OR across groups', async () => {
    const either = await search('contacts', {
      filterGroups: [
        { filters: [filter('email', 'EQ', 'alice.doe@acme.test')] },
        { filters: [filter('email', 'EQ', 'CAROL.CHEN@globex.test')] },
      ],
      properties: ['email'],
    });
    expect(emailsOf(either)).toEqual(['alice.doe@acme.test', 'carol.chen@globex.test']);
    const both = await search('contacts', {
      filterGroups: [
        { filters: [filter('email', 'EQ', 'alice.doe@acme.test'), filter('firstname', 'EQ', 'Bob')] },
      ],
    });
    expect(both.total).toBe(0);
  });

  it('finds secondary addresses with CONTAINS_TOKEN on hs_additional_emails, wildcards included', async () => {
    const created = await server.call('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'erin@work.test', hs_additional_emails: 'erin.home@mail.test;erin.old@mail.test' },
    });
    expect(created.status).toBe(201);
    const lookup = (address: string) =>
      search('contacts', {
        filterGroups: [
          { filters: [filter('email', 'EQ', address)] },
          { filters: [filter('hs_additional_emails', 'CONTAINS_TOKEN', address)] },
        ],
        properties: ['email'],
      });
    expect(emailsOf(await lookup('erin.old@mail.test'))).toEqual(['erin@work.test']);
    expect(emailsOf(await lookup('ERIN@work.test'))).toEqual(['erin@work.test']);
    expect((await lookup('erin@mail.test')).total).toBe(0);
    const wildcard = await search('contacts', {
      filterGroups: [{ filters: [filter('hs_additional_emails', 'CONTAINS_TOKEN', 'erin.h*')] }],
    });
    expect(wildcard.total).toBe(1);
    const notToken = await search('contacts', {
      filterGroups: [
        {
          filters: [
            filter('email', 'EQ', 'erin@work.test'),
            filter('hs_additional_emails', 'NOT_CONTAINS_TOKEN', 'erin.old@mail.test'),
          ],
        },
      ],
    });
    expect(notToken.total).toBe(0);
  });

  it('compares numbers and datetimes as numbers, datetimes given as epoch ms or ISO', async () => {
    const all = await search('deals', { limit: 200, properties: ['amount'] });
    const pivot = all.results[Math.floor(all.results.length / 2)] as HsRecord;
    const watermark = Date.parse(pivot.updatedAt);
    const byEpoch = await search('deals', {
      filterGroups: [{ filters: [filter('hs_lastmodifieddate', 'GTE', String(watermark))] }],
      limit: 200,
    });
    const byIso = await search('deals', {
      filterGroups: [{ filters: [filter('hs_lastmodifieddate', 'GTE', new Date(watermark).toISOString())] }],
      limit: 200,
    });
    const expected = all.results
      .filter((d) => Date.parse(d.updatedAt) >= watermark)
      .map((d) => d.id)
      .sort();
    expect(byEpoch.results.map((d) => d.id).sort()).toEqual(expected);
    expect(byIso.results.map((d) => d.id).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.total);
    const big = await search('deals', {
      filterGroups: [{ filters: [filter('amount', 'GT', '50000')] }],
      limit: 200,
      properties: ['amount'],
    });
    expect(big.results.every((d) => Number(d.properties.amount) > 50_000)).toBe(true);
    expect(big.total).toBe(all.results.filter((d) => Number(d.properties.amount) > 50_000).length);
    const between = await search('deals', {
      filterGroups: [{ filters: [filter('amount', 'BETWEEN', '1000', { highValue: '20000' })] }],
      limit: 200,
      properties: ['amount'],
    });
    expect(
      between.results.every(
        (d) => Number(d.properties.amount) >= 1000 && Number(d.properties.amount) <= 20_000,
      ),
    ).toBe(true);
  });

  it('IN takes lower-case strings; enumerations match exactly; HAS_PROPERTY / NOT_HAS_PROPERTY; NEQ', async () => {
    const lower = await search('contacts', {
      filterGroups: [
        { filters: [filter('email', 'IN', undefined, { values: ['alice.doe@acme.test', 'bob@acme.test'] })] },
      ],
    });
    expect(lower.total).toBe(2);
    const upper = await search('contacts', {
      filterGroups: [{ filters: [filter('email', 'IN', undefined, { values: ['ALICE.DOE@ACME.TEST'] })] }],
    });
    expect(upper.total).toBe(0);
    const leads = await search('contacts', {
      filterGroups: [{ filters: [filter('lifecyclestage', 'EQ', 'lead')] }],
    });
    expect(leads.total).toBeGreaterThan(0);
    expect(
      (await search('contacts', { filterGroups: [{ filters: [filter('lifecyclestage', 'EQ', 'LEAD')] }] }))
        .total,
    ).toBe(0);
    const all = await search('contacts', {});
    const withSecondary = await search('contacts', {
      filterGroups: [{ filters: [filter('hs_additional_emails', 'HAS_PROPERTY')] }],
    });
    const without = await search('contacts', {
      filterGroups: [{ filters: [filter('hs_additional_emails', 'NOT_HAS_PROPERTY')] }],
    });
    expect(withSecondary.total).toBeGreaterThan(0);
    expect(withSecondary.total + without.total).toBe(all.total);
    const notAlice = await search('contacts', {
      filterGroups: [{ filters: [filter('email', 'NEQ', 'alice.doe@acme.test')] }],
    });
    expect(notAlice.total).toBe(all.total - 1);
  });

  it('restarts past a page with hs_object_id GT, sorted by hs_object_id', async () => {
    const first = await search('contacts', {
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 5,
    });
    const last = first.results.at(-1)?.id ?? '';
    const next = await search('contacts', {
      filterGroups: [{ filters: [filter('hs_object_id', 'GT', last)] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 5,
    });
    expect(Number(next.results[0]?.id)).toBeGreaterThan(Number(last));
    expect(next.total).toBe(first.total - 5);
  });

  it('never finds archived records', async () => {
    const created = await server.call('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'gone.soon@example.test' },
    });
    const id = (created.body as HsRecord).id;
    const find = () =>
      search('contacts', { filterGroups: [{ filters: [filter('email', 'EQ', 'gone.soon@example.test')] }] });
    expect((await find()).total).toBe(1);
    expect((await server.call('DELETE', `/crm/v3/objects/contacts/${id}`)).status).toBe(204);
    expect((await find()).total).toBe(0);
    // The address is free again.
    expect(
      (
        await server.call('POST', '/crm/v3/objects/contacts', {
          properties: { email: 'gone.soon@example.test' },
        })
      ).status,
    ).toBe(201);
  });

  it('matches query against names and secondary e-mails', async () => {
    const page = await search('contacts', { query: 'erin.home', properties: ['email'] });
    expect(emailsOf(page)).toEqual(['erin@work.test']);
  });
});

describe('shape and caps', () => {
  it('returns the default properties, oldest first, 10 per page, with an integer-offset after', async () => {
    const first = await search('contacts', {});
    expect(first.results).toHaveLength(10);
    expect(Object.keys(first.results[0]?.properties ?? {}).sort()).toEqual(
      ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'].sort(),
    );
    const created = first.results.map((r) => Date.parse(r.createdAt));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(first.paging?.next.after).toBe('10');
    const second = await search('contacts', { after: '10' });
    expect(second.results[0]?.id).not.toBe(first.results[9]?.id);
    const notes = await search('notes', { limit: 1 });
    expect(Object.keys(notes.results[0]?.properties ?? {}).sort()).toEqual([
      'hs_createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
    ]);
    const lastPage = await search('contacts', { after: String(first.total - 1) });
    expect(lastPage.results).toHaveLength(1);
    expect(lastPage.paging).toBeUndefined();
  });

  it('sorts by one property, either way; two sorts are refused', async () => {
    const descending = await search('deals', {
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
      limit: 20,
      properties: ['amount'],
    });
    const amounts = descending.results.map((d) => Number(d.properties.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    await refused('deals', {
      sorts: [
        { propertyName: 'amount', direction: 'DESCENDING' },
        { propertyName: 'dealname', direction: 'ASCENDING' },
      ],
    });
  });

  it('holds to 5 groups, 6 filters a group, 18 filters in all, and limit ≤ 200', async () => {
    const f = filter('email', 'HAS_PROPERTY');
    const groups = (count: number, each: number) =>
      Array.from({ length: count }, () => ({ filters: Array.from({ length: each }, () => f) }));
    expect((await search('contacts', { filterGroups: groups(5, 3) })).total).toBeGreaterThan(0);
    await refused('contacts', { filterGroups: groups(6, 1) });
    expect((await search('contacts', { filterGroups: groups(1, 6) })).total).toBeGreaterThan(0);
    await refused('contacts', { filterGroups: groups(1, 7) });
    expect((await search('contacts', { filterGroups: groups(3, 6) })).total).toBeGreaterThan(0);
    await refused('contacts', { filterGroups: [...groups(3, 6), ...groups(1, 1)] });
    expect((await search('contacts', { limit: 200 })).results.length).toBeGreaterThan(10);
    await refused('contacts', { limit: 201 });
    await refused('contacts', { filterGroups: [{ filters: [filter('no_such_property', 'EQ', 'x')] }] });
    await refused('contacts', { filterGroups: [{ filters: [filter('email', 'LIKE', 'x')] }] });
    await refused('contacts', { unknownField: true });
  });

  it('stops at 10,000 results: the 10,000th offset is a 400, and the hs_object_id restart gets past it', async () => {
    const store = createHubspotStore(server.db);
    store.transaction(() => {
      for (let i = 0; i < 10_050; i += 1)
        store.insert(
          'companies',
          { name: `Bulk ${i}`, domain: `bulk-${i}.test` },
          { created: now, updated: now },
        );
    });
    const query = (extra: object) =>
      search('companies', {
        filterGroups: [{ filters: [filter('name', 'CONTAINS_TOKEN', 'bulk')] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        ...extra,
      });
    const nearEnd = await query({ after: '9800', limit: 200 });
    expect(nearEnd.total).toBe(10_050);
    expect(nearEnd.results).toHaveLength(200);
    expect(nearEnd.paging?.next.after).toBe('10000');
    await refused('companies', {
      filterGroups: [{ filters: [filter('name', 'CONTAINS_TOKEN', 'bulk')] }],
      after: '10000',
    });
    const lastSeen = nearEnd.results.at(-1)?.id ?? '';
    const restarted = await search('companies', {
      filterGroups: [
        { filters: [filter('name', 'CONTAINS_TOKEN', 'bulk'), filter('hs_object_id', 'GT', lastSeen)] },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
    });
    expect(restarted.total).toBe(50);
    expect(restarted.paging).toBeUndefined();
  });
});
