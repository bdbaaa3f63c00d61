/**
 * Associations as reference/hubspot-api.md, "Associations", gives them: inline on create, v4
 * `PUT …/default/…` (200) and `PUT …/{toType}/{toId}` with types (201), v4 `GET` with `toObjectId` a
 * number, the type ids (forward and reverse), and v3 `associations=` on reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HsRecord, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

interface AssociationPage {
  results: {
    toObjectId: number;
    associationTypes: { category: string; typeId: number; label: string | null }[];
  }[];
  paging?: { next: { after: string } };
}

let server: HubspotTestServer;
let alice: HsRecord;
let acme: HsRecord;
beforeAll(async () => {
  server = await startHubspotTestServer({ people: 40 });
  alice = (await server.call('GET', '/crm/v3/objects/contacts/alice.doe@acme.test?idProperty=email'))
    .body as HsRecord;
  const found = await server.call('POST', '/crm/v3/objects/companies/search', {
    filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.test' }] }],
  });
  acme = (found.body as { results: HsRecord[] }).results[0] as HsRecord;
});
afterAll(async () => {
  await server.close();
});

const associations = async (type: string, id: string, toType: string): Promise<AssociationPage> => {
  const answer = await server.call('GET', `/crm/v4/objects/${type}/${id}/associations/${toType}`);
  expect(answer.status, answer.text.slice(0, 200)).toBe(200);
  return answer.body as AssociationPage;
};

describe('seeded associations', () => {
  it('link a contact to its company (primary and unlabelled) and back, with numeric toObjectId', async () => {
    const fromContact = await associations('contacts', alice.id, 'companies');
    expect(fromContact.results).toHaveLength(1);
    const [link] = fromContact.results;
    expect(link?.toObjectId).toBe(Number(acme.id));
    expect(typeof link?.toObjectId).toBe('number');
    expect(link?.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([1, 279]);
    expect(link?.associationTypes.find((t) => t.typeId === 1)).toMatchObject({
      category: 'HUBSPOT_DEFINED',
      label: 'Primary',
    });
    expect(link?.associationTypes.find((t) => t.typeId === 279)?.label).toBeNull();
    const fromCompany = await associations('companies', acme.id, 'contacts');
    const back = fromCompany.results.find((r) => String(r.toObjectId) === alice.id);
    expect(back?.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([2, 280]);
  });

  it('show on v3 reads with associations=', async () => {
    const read = await server.call(
      'GET',
      `/crm/v3/objects/contacts/${alice.id}?associations=companies,deals`,
    );
    const record = read.body as HsRecord;
    expect(record.associations?.companies?.results.map((r) => r.id)).toContain(acme.id);
    expect(record.associations?.deals?.results.length).toBeGreaterThan(0);
  });
});

describe('making associations', () => {
  it('inline on create, with the type ids the reference lists; the reverse is readable', async () => {
    const created = await server.call('POST', '/crm/v3/objects/notes', {
      properties: { hs_timestamp: '2026-11-20T10:00:00Z', hs_note_body: 'Called about the rollout.' },
      associations: [
        { to: { id: alice.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] },
      ],
    });
    expect(created.status).toBe(201);
    const note = created.body as HsRecord;
    const fromNote = await associations('notes', note.id, 'contacts');
    expect(fromNote.results).toEqual([
      {
        toObjectId: Number(alice.id),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 202, label: null }],
      },
    ]);
    const fromContact = await associations('contacts', alice.id, 'notes');
    expect(
      fromContact.results.find((r) => String(r.toObjectId) === note.id)?.associationTypes[0]?.typeId,
    ).toBe(201);
  });

  it('inline to a company too (note→company 190, email→company 186 [NODE]), with contact and deal in one create', async () => {
    const deal = (
      await server.call('POST', '/crm/v3/objects/deals', {
        properties: { dealname: 'Acme renewal', pipeline: 'default', dealstage: 'qualifiedtobuy' },
      })
    ).body as HsRecord;
    const to = (id: string, typeId: number) => ({
      to: { id },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
    });
    const email = await server.call('POST', '/crm/v3/objects/emails', {
      properties: { hs_timestamp: '1790000000000', hs_email_direction: 'EMAIL', hs_email_text: 'Hi' },
      associations: [to(alice.id, 198), to(deal.id, 210), to(acme.id, 186)],
    });
    expect(email.status).toBe(201);
    const id = (email.body as HsRecord).id;
    for (const [type, from] of [
      ['contacts', alice.id],
      ['deals', deal.id],
      ['companies', acme.id],
    ] as const)
      expect((await associations(type, from, 'emails')).results.map((r) => String(r.toObjectId))).toContain(
        id,
      );
    const note = await server.call('POST', '/crm/v3/objects/notes', {
      properties: { hs_timestamp: '1790000000000', hs_note_body: 'On Acme' },
      associations: [to(acme.id, 190)],
    });
    expect(note.status).toBe(201);
    expect((await associations('notes', (note.body as HsRecord).id, 'companies')).results[0]).toMatchObject({
      toObjectId: Number(acme.id),
      associationTypes: [{ typeId: 190 }],
    });
  });

  it('refuses an inline type that does not start at the created object, or a target that does not exist, creating nothing', async () => {
    const count = async () =>
      ((await server.call('POST', '/crm/v3/objects/tasks/search', {})).body as { total: number }).total;
    const before = await count();
    for (const associations of [
      [{ to: { id: alice.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }],
      [
        {
          to: { id: '99999999999' },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }],
        },
      ],
    ]) {
      const answer = await server.call('POST', '/crm/v3/objects/tasks', {
        properties: { hs_timestamp: '1790000000000', hs_task_subject: 'Nope' },
        associations,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    }
    expect(await count()).toBe(before);
  });

  it('v4 default association: 200, both directions, with the default type', async () => {
    const email = (
      await server.call('POST', '/crm/v3/objects/emails', {
        properties: { hs_timestamp: '1790000000000', hs_email_direction: 'EMAIL', hs_email_subject: 'Hello' },
      })
    ).body as HsRecord;
    const put = await server.call(
      'PUT',
      `/crm/v4/objects/emails/${email.id}/associations/default/contacts/${alice.id}`,
    );
    expect(put.status).toBe(200);
    expect((await associations('emails', email.id, 'contacts')).results[0]).toMatchObject({
      toObjectId: Number(alice.id),
      associationTypes: [{ typeId: 198 }],
    });
    const putCompany = await server.call(
      'PUT',
      `/crm/v4/objects/emails/${email.id}/associations/default/companies/${acme.id}`,
    );
    expect(putCompany.status).toBe(200);
    expect(
      (await associations('companies', acme.id, 'emails')).results.map((r) => String(r.toObjectId)),
    ).toContain(email.id);
  });

  it('v4 association with types: 201; a type id of another pair is a 400; a missing record a 404', async () => {
    const deal = (
      await server.call('POST', '/crm/v3/objects/deals', {
        properties: { dealname: 'Acme expansion', pipeline: 'default', dealstage: 'qualifiedtobuy' },
      })
    ).body as HsRecord;
    const put = await server.call(
      'PUT',
      `/crm/v4/objects/deals/${deal.id}/associations/companies/${acme.id}`,
      [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 },
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 },
      ],
    );
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      fromObjectId: Number(deal.id),
      toObjectId: Number(acme.id),
      labels: ['Primary'],
    });
    const types = (await associations('deals', deal.id, 'companies')).results[0]?.associationTypes.map(
      (t) => t.typeId,
    );
    expect(types?.sort((a, b) => a - b)).toEqual([5, 341]);
    const wrong = await server.call(
      'PUT',
      `/crm/v4/objects/deals/${deal.id}/associations/contacts/${alice.id}`,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }],
    );
    expect(wrong.status).toBe(400);
    const missing = await server.call(
      'PUT',
      `/crm/v4/objects/deals/${deal.id}/associations/default/contacts/99999999999`,
    );
    expect(missing.status).toBe(404);
  });

  it('pages v4 reads with limit ≤ 500 and after', async () => {
    const first = await server.call(
      'GET',
      `/crm/v4/objects/companies/${acme.id}/associations/contacts?limit=1`,
    );
    const page = first.body as AssociationPage;
    expect(page.results).toHaveLength(1);
    const after = page.paging?.next.after;
    expect(after).toBeDefined();
    const second = (
      await server.call(
        'GET',
        `/crm/v4/objects/companies/${acme.id}/associations/contacts?limit=1&after=${after}`,
      )
    ).body as AssociationPage;
    expect(second.results[0]?.toObjectId).toBeGreaterThan(page.results[0]?.toObjectId ?? 0);
    expect(
      (await server.call('GET', `/crm/v4/objects/companies/${acme.id}/associations/contacts?limit=501`))
        .status,
    ).toBe(400);
  });
});
