/**
 * The v4 batch read of associations (reference/hubspot-api.md, "Associations", [BATCH-ASSOC]):
 * `POST /crm/v4/associations/{from}/{to}/batch/read` with `{inputs:[{id, after?}]}`; results
 * `{from:{id}, to:[{toObjectId, associationTypes}], paging?}` with `paging` only when an id has more;
 * at most 100 inputs (unconfirmed cap, kept conservative); unknown fields refused; the from-object's
 * read scope; a non-search call, so it spends the 10-second budget and carries rate headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHubspotStore } from '../src/hubspot/hubspot-store';
import { ALL_SCOPES } from '../src/hubspot/object-types';
import { type HsRecord, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

interface BatchAnswer {
  status: string;
  results: {
    from: { id: string };
    to: {
      toObjectId: number;
      associationTypes: { category: string; typeId: number; label: string | null }[];
    }[];
    paging?: { next: { after: string } };
  }[];
  startedAt: string;
  completedAt: string;
  numErrors?: number;
  errors?: { context?: { fromObjectId?: string[] } }[];
}

let server: HubspotTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const PATH = '/crm/v4/associations/deals/companies/batch/read';

async function deals(s: HubspotTestServer): Promise<HsRecord[]> {
  const answer = await s.call('POST', '/crm/v3/objects/deals/search', { limit: 200 });
  return (answer.body as { results: HsRecord[] }).results;
}

describe('v4 batch read of associations', () => {
  it('answers each deal’s companies with their type ids (primary 5 and 341), as the single read does', async () => {
    server = await startHubspotTestServer({ people: 40 });
    const list = (await deals(server)).slice(0, 10);
    expect(list.length).toBeGreaterThan(1);
    const answer = await server.call('POST', PATH, { inputs: list.map((d) => ({ id: d.id })) });
    expect([200, 207]).toContain(answer.status);
    const body = answer.body as BatchAnswer;
    expect(body.status).toBe('COMPLETE');
    expect(body.startedAt).toEqual(expect.any(String));
    expect(body.completedAt).toEqual(expect.any(String));
    for (const deal of list) {
      const single = (await server.call('GET', `/crm/v4/objects/deals/${deal.id}/associations/companies`))
        .body as { results: BatchAnswer['results'][number]['to'] };
      const row = body.results.find((r) => r.from.id === deal.id);
      if (single.results.length === 0) {
        expect(row).toBeUndefined();
        expect(body.errors?.flatMap((e) => e.context?.fromObjectId ?? [])).toContain(deal.id);
      } else {
        expect(row?.to).toEqual(single.results);
        expect(row?.paging).toBeUndefined();
      }
    }
    const withCompany = body.results[0];
    expect(withCompany?.to[0]?.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([5, 341]);
    expect(withCompany?.to[0]?.associationTypes.find((t) => t.typeId === 5)?.label).toBe('Primary');
  });

  it('an unknown id or one without associations is left out of results, named in a 207’s errors', async () => {
    server = await startHubspotTestServer({ people: 20 });
    const [deal] = await deals(server);
    const bare = (
      await server.call('POST', '/crm/v3/objects/deals', {
        properties: { dealname: 'Bare', pipeline: 'default', dealstage: 'qualifiedtobuy' },
      })
    ).body as HsRecord;
    const answer = await server.call('POST', PATH, {
      inputs: [{ id: deal?.id ?? '' }, { id: bare.id }, { id: '99999999999' }],
    });
    expect(answer.status).toBe(207);
    const body = answer.body as BatchAnswer;
    expect(body.results.map((r) => r.from.id)).toEqual([deal?.id]);
    expect(body.numErrors).toBe(2);
    expect(body.errors?.flatMap((e) => e.context?.fromObjectId ?? []).sort()).toEqual(
      [bare.id, '99999999999'].sort(),
    );
  });

  it('pages one id past 500 associations with paging.next.after, sent back beside the id', async () => {
    server = await startHubspotTestServer({ people: 5 });
    const store = createHubspotStore(server.db);
    const at = { created: 1, updated: 1 };
    const company = store.insert('companies', { name: 'Big Co' }, at);
    for (let i = 0; i < 501; i += 1) {
      const contact = store.insert('contacts', { email: `p${i}@big.test` }, at);
      store.associate('companies', company.id, 'contacts', contact.id, 280);
    }
    const path = '/crm/v4/associations/companies/contacts/batch/read';
    const first = (await server.call('POST', path, { inputs: [{ id: String(company.id) }] }))
      .body as BatchAnswer;
    expect(first.results[0]?.to).toHaveLength(500);
    const after = first.results[0]?.paging?.next.after;
    expect(after).toEqual(expect.any(String));
    const second = (await server.call('POST', path, { inputs: [{ id: String(company.id), after }] }))
      .body as BatchAnswer;
    expect(second.results[0]?.to).toHaveLength(1);
    expect(second.results[0]?.paging).toBeUndefined();
    const seen = new Set(
      [...(first.results[0]?.to ?? []), ...(second.results[0]?.to ?? [])].map((t) => t.toObjectId),
    );
    expect(seen.size).toBe(501);
  });

  it('refuses more than 100 inputs, an unknown field, and a missing inputs list with 400 VALIDATION_ERROR', async () => {
    server = await startHubspotTestServer({ people: 5 });
    const many = Array.from({ length: 101 }, (_, i) => ({ id: String(30_000_000_001 + i) }));
    for (const body of [
      { inputs: many },
      { inputs: [{ id: '1' }], properties: ['dealname'] },
      { inputs: [{ id: '1', limit: 10 }] },
      {},
      { inputs: [{ id: 1 }] },
    ]) {
      const answer = await server.call('POST', PATH, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
    expect((await server.call('POST', PATH, { inputs: many.slice(0, 100) })).status).toBe(207);
  });

  it('needs the from-object’s read scope (403 MISSING_SCOPES)', async () => {
    server = await startHubspotTestServer({
      people: 5,
      hubspot: { scopes: ALL_SCOPES.filter((s) => s !== 'crm.objects.deals.read') },
    });
    const refused = await server.call('POST', PATH, { inputs: [{ id: '1' }] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [{ context: { requiredGranularScopes: ['crm.objects.deals.read'] } }],
    });
    const other = await server.call('POST', '/crm/v4/associations/companies/deals/batch/read', {
      inputs: [{ id: '1' }],
    });
    expect(other.status).toBe(207);
  });

  it('spends the 10-second budget like any non-search call, with rate headers; 429 past it', async () => {
    let now = 1_800_000_000_000;
    server = await startHubspotTestServer({ people: 5, rateLimit: 2, nowMs: () => now });
    const body = { inputs: [{ id: '1' }] };
    const first = await server.call('POST', PATH, body);
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect((await server.call('POST', PATH, body)).status).toBe(207);
    const over = await server.call('POST', PATH, body);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    now += 10_001;
    expect((await server.call('POST', PATH, body)).status).toBe(207);
  });
});
