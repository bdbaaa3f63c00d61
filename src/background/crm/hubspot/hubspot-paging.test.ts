import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { bodies, connect } from '../../../../test/unit/hubspot-double-client';
import type { CrmClient } from '../crm-client';
import { decodeKeyset } from './hubspot-delta';

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
