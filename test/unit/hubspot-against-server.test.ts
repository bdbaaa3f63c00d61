/**
 * The HubSpot client against the strict local server's HubSpot personality: the v4 batch read of
 * associations and inline associations to company and deals are sent as the server (coded to
 * reference/hubspot-api.md) accepts them, and read back the links the server holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubspotTestServer, startHubspotTestServer } from '../../server/test/start-hubspot-test-server';
import { CrmError } from '../../src/background/crm/crm-error';
import type { CrmCall, CrmTransport } from '../../src/background/crm/crm-transport';
import { createHubspotClient } from '../../src/background/crm/hubspot/hubspot-client';
import { parseMarker } from '../../src/shared/threadline-marker';

let server: HubspotTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Real HTTP to the server, errors mapped as crm-transport.ts maps them; no retries, no egress gate. */
function transport(s: HubspotTestServer, sent: CrmCall[]): CrmTransport {
  return {
    async request(call) {
      sent.push(call);
      const answer = await s.call(call.method, call.path, call.body);
      if (answer.status === 404) throw new CrmError('notFound', 'not found', 404);
      if (answer.status >= 400) throw new CrmError('invalidInput', answer.text.slice(0, 300), answer.status);
      return { status: answer.status, json: answer.body, header: () => null };
    },
  };
}

type Links = { results: { toObjectId: number; associationTypes: { typeId: number }[] }[] };

describe('the HubSpot client against the local server', () => {
  it('a page of deals: one search and batch association reads, with the links the server holds', async () => {
    server = await startHubspotTestServer({ people: 60 });
    const sent: CrmCall[] = [];
    const client = createHubspotClient(transport(server, sent));
    await client.listPipelines();
    sent.length = 0;
    const page = await client.pageOpportunities({ page: 1, pageSize: 200 });
    expect(page.records.length).toBeGreaterThan(1);
    const batches = Math.ceil(page.records.length / 100);
    expect(sent.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /crm/v3/objects/deals/search',
      ...Array(batches).fill('POST /crm/v4/associations/deals/contacts/batch/read'),
      ...Array(batches).fill('POST /crm/v4/associations/deals/companies/batch/read'),
    ]);
    let linked = 0;
    for (const deal of page.records) {
      const s = server;
      const read = async (to: string) =>
        ((await s.call('GET', `/crm/v4/objects/deals/${deal.id}/associations/${to}`)).body as Links).results;
      const contacts = await read('contacts');
      const companies = await read('companies');
      const primary = companies.find((c) => c.associationTypes.some((t) => t.typeId === 5)) ?? companies[0];
      expect(deal.primaryContactId).toBe(contacts[0]?.toObjectId ?? null);
      expect(deal.companyId).toBe(primary?.toObjectId ?? null);
      if (deal.companyId !== null) linked += 1;
    }
    expect(linked).toBeGreaterThan(0);
  });

  it('an e-mail logged on a contact is made with her company and open deals inline, and found again on her', async () => {
    server = await startHubspotTestServer({ people: 30 });
    const sent: CrmCall[] = [];
    const client = createHubspotClient(transport(server, sent));
    const s = server;
    // A contact with a company and at least one deal.
    const contacts = (await s.call('POST', '/crm/v3/objects/contacts/search', { limit: 100 })).body as {
      results: { id: string }[];
    };
    let contactId: string | null = null;
    for (const c of contacts.results) {
      const deals = (await s.call('GET', `/crm/v4/objects/contacts/${c.id}/associations/deals`))
        .body as Links;
      const companies = (await s.call('GET', `/crm/v4/objects/contacts/${c.id}/associations/companies`))
        .body as Links;
      if (deals.results.length > 0 && companies.results.length > 0) {
        contactId = c.id;
        break;
      }
    }
    expect(contactId).not.toBeNull();
    const parent = { type: 'person', id: Number(contactId) } as const;
    const made = await client.createActivity({
      parent,
      kind: 'email',
      details: 'Hello\n[threadline:v1 email thread=t9 message=m9]',
      purpose: 'logEmail',
      fromGmail: true,
    });
    const create = sent.find((c) => c.method === 'POST' && c.path === '/crm/v3/objects/emails');
    const associations = (create?.body as { associations?: { to: { id: string } }[] } | undefined)
      ?.associations;
    expect(associations?.[0]?.to.id).toBe(contactId);
    const fromEmail = async (to: string) =>
      (
        (await s.call('GET', `/crm/v4/objects/emails/${made.id}/associations/${to}`)).body as Links
      ).results.map((r) => String(r.toObjectId));
    const companies = await fromEmail('companies');
    expect(companies).toHaveLength(1);
    const primary = (
      (await s.call('GET', `/crm/v4/objects/contacts/${contactId}/associations/companies`)).body as Links
    ).results.find((r) => r.associationTypes.some((t) => t.typeId === 1));
    expect(companies).toEqual([String(primary?.toObjectId)]);
    expect(await fromEmail('contacts')).toEqual([contactId]);
    // Exactly her open deals (stages whose metadata says isClosed "false").
    const pipelines = (await s.call('GET', '/crm/v3/pipelines/deals')).body as {
      results: { stages: { id: string; metadata: { isClosed?: string } }[] }[];
    };
    const closed = new Set(
      pipelines.results.flatMap((p) =>
        p.stages.filter((st) => st.metadata.isClosed === 'true').map((st) => st.id),
      ),
    );
    const open: string[] = [];
    const hers = (await s.call('GET', `/crm/v4/objects/contacts/${contactId}/associations/deals`))
      .body as Links;
    for (const r of hers.results) {
      const deal = (await s.call('GET', `/crm/v3/objects/deals/${r.toObjectId}?properties=dealstage`))
        .body as {
        properties: { dealstage: string };
      };
      if (!closed.has(deal.properties.dealstage)) open.push(String(r.toObjectId));
    }
    expect((await fromEmail('deals')).sort()).toEqual(open.sort());
    const found = await createHubspotClient(transport(s, [])).threadActivitiesOf(parent, null);
    expect(found.filter((a) => parseMarker(a.details)?.kind === 'email').map((a) => a.id)).toEqual([made.id]);
  });
});
