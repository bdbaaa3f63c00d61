/**
 * HubSpot records as reference/hubspot-api.md describes them ("Records, value formats", "Objects",
 * "Contact by email", "Lists, delta sync, deletions"): digit-string ids, every value a string or null,
 * ISO dates out, epoch ms or ISO in, unknown properties refused, duplicate e-mails 409 with the id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HsRecord, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

let server: HubspotTestServer;
let now = 1_800_000_000_000;
beforeAll(async () => {
  server = await startHubspotTestServer({ people: 60, nowMs: () => now });
});
afterAll(async () => {
  await server.close();
});

const ok = async (
  method: string,
  path: string,
  body?: unknown,
  status = 200,
): Promise<HsRecord & { results: HsRecord[] }> => {
  const answer = await server.call(method, path, body);
  expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 300)}`).toBe(status);
  return answer.body as HsRecord & { results: HsRecord[] };
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('records', () => {
  it('have digit-string ids, string (or null) values and ISO timestamps', async () => {
    const page = await ok(
      'GET',
      '/crm/v3/objects/deals?limit=5&properties=dealname,amount,closedate,pipeline,dealstage',
    );
    expect(page.results).toHaveLength(5);
    for (const deal of page.results) {
      expect(deal.id).toMatch(/^\d+$/);
      expect(deal.createdAt).toMatch(ISO);
      expect(deal.updatedAt).toMatch(ISO);
      expect(deal.archived).toBe(false);
      for (const value of Object.values(deal.properties))
        expect(value === null || typeof value === 'string').toBe(true);
      expect(deal.properties.amount).toMatch(/^\d+(\.\d+)?$/);
      expect(deal.properties.closedate).toMatch(ISO);
      expect(deal.properties.hs_object_id).toBe(deal.id);
    }
  });

  it('take numbers, booleans and datetimes as epoch ms or ISO, and give them back as strings, datetimes ISO', async () => {
    const epoch = Date.UTC(2026, 10, 20, 20, 12, 3, 54);
    const byEpoch = await ok(
      'POST',
      '/crm/v3/objects/deals',
      {
        properties: {
          dealname: 'By epoch',
          pipeline: 'default',
          dealstage: 'qualifiedtobuy',
          amount: 1500,
          closedate: epoch,
        },
      },
      201,
    );
    expect(byEpoch.properties).toMatchObject({ amount: '1500', closedate: '2026-11-20T20:12:03.054Z' });
    const byIso = await ok(
      'POST',
      '/crm/v3/objects/deals',
      {
        properties: {
          dealname: 'By ISO',
          pipeline: 'default',
          dealstage: 'qualifiedtobuy',
          amount: '1500.00',
          closedate: '2026-11-20T20:12:03.054Z',
        },
      },
      201,
    );
    expect(byIso.properties).toMatchObject({ amount: '1500.00', closedate: '2026-11-20T20:12:03.054Z' });
    const read = await ok('GET', `/crm/v3/objects/deals/${byIso.id}?properties=closedate,amount`);
    expect(read.properties.closedate).toBe('2026-11-20T20:12:03.054Z');
    const bad = await server.call('PATCH', `/crm/v3/objects/deals/${byIso.id}`, {
      properties: { closedate: 'next Tuesday' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ context: { propertyName: ['closedate'] } }],
    });
  });

  it('refuse unknown property names in writes with 400 PROPERTY_DOESNT_EXIST, writing nothing', async () => {
    const before = await ok('POST', '/crm/v3/objects/contacts/search', { limit: 1 });
    const answer = await server.call('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'new.person@example.test', favourite_colour: 'teal' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: expect.stringMatching(/^Property values were not valid: \[/),
      errors: [{ code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['favourite_colour'] } }],
    });
    expect((answer.body as { message: string }).message).toContain('favourite_colour');
    const after = await ok('POST', '/crm/v3/objects/contacts/search', { limit: 1 });
    expect((after as unknown as { total: number }).total).toBe(
      (before as unknown as { total: number }).total,
    );
    // Read-only ones too.
    const readOnly = await server.call('POST', '/crm/v3/objects/contacts', {
      properties: { lastmodifieddate: '1' },
    });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ context: { propertyName: ['lastmodifieddate'] } }],
    });
  });

  it('ignore unknown names in properties= reads', async () => {
    const alice = await ok(
      'GET',
      '/crm/v3/objects/contacts/alice.doe@acme.test?idProperty=email&properties=firstname,no_such_thing',
    );
    expect(alice.properties.firstname).toBe('Alice');
    expect('no_such_thing' in alice.properties).toBe(false);
  });

  it('require what each object requires', async () => {
    for (const [type, properties, missing] of [
      ['deals', { dealname: 'No stage' }, ['dealstage', 'pipeline']],
      ['notes', { hs_note_body: 'No time' }, ['hs_timestamp']],
      ['emails', { hs_timestamp: '1700000000000' }, ['hs_email_direction']],
      ['tasks', { hs_task_subject: 'No due date' }, ['hs_timestamp']],
      ['companies', {}, ['name']],
    ] as const) {
      const answer = await server.call('POST', `/crm/v3/objects/${type}`, { properties });
      expect(answer.status, type).toBe(400);
      expect(answer.body).toMatchObject({ category: 'VALIDATION_ERROR' });
      const names = (answer.body as { errors: { context: { propertyName: string[] } }[] }).errors.flatMap(
        (e) => e.context.propertyName,
      );
      expect(names, type).toEqual([...missing]);
    }
    expect(
      (await server.call('POST', '/crm/v3/objects/companies', { properties: { domain: 'only-domain.test' } }))
        .status,
    ).toBe(201);
  });

  it('cap a note body at 65,536 characters', async () => {
    const note = (body: string) =>
      server.call('POST', '/crm/v3/objects/notes', {
        properties: { hs_timestamp: '1790000000000', hs_note_body: body },
      });
    expect((await note('x'.repeat(65_536))).status).toBe(201);
    const over = await note('x'.repeat(65_537));
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ context: { propertyName: ['hs_note_body'] } }],
    });
  });

  it('take datetimes without an offset as UTC, and date-only ones as UTC midnight', async () => {
    const task = await ok(
      'POST',
      '/crm/v3/objects/tasks',
      { properties: { hs_timestamp: '2026-11-20T10:00:00', hs_task_subject: 'No offset' } },
      201,
    );
    const read = await ok('GET', `/crm/v3/objects/tasks/${task.id}?properties=hs_timestamp`);
    expect(read.properties.hs_timestamp).toBe('2026-11-20T10:00:00.000Z');
  });

  it('refuse a deal stage that is not in its pipeline', async () => {
    const answer = await server.call('POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Wrong stage', pipeline: '213215', dealstage: 'closedwon' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ context: { propertyName: ['dealstage'] } }] });
  });

  it('fill the read-only sender and recipients of an e-mail from hs_email_headers', async () => {
    const email = await ok(
      'POST',
      '/crm/v3/objects/emails',
      {
        properties: {
          hs_timestamp: '2026-11-20T10:00:00Z',
          hs_email_direction: 'EMAIL',
          hs_email_subject: 'Proposal',
          hs_email_headers: JSON.stringify({
            from: { email: 'sam.seller@threadline-demo.test', firstName: 'Sam', lastName: 'Seller' },
            to: [{ email: 'alice.doe@acme.test', firstName: 'Alice', lastName: 'Doe' }],
            cc: [],
            bcc: [],
          }),
        },
      },
      201,
    );
    const read = await ok(
      'GET',
      `/crm/v3/objects/emails/${email.id}?properties=hs_email_from_email,hs_email_to_email,hs_timestamp`,
    );
    expect(read.properties).toMatchObject({
      hs_email_from_email: 'sam.seller@threadline-demo.test',
      hs_email_to_email: 'alice.doe@acme.test',
      hs_timestamp: '2026-11-20T10:00:00.000Z',
    });
  });
});

describe('contacts by e-mail', () => {
  it('are read with idProperty=email, case-insensitively; a stranger is a 404', async () => {
    const alice = await ok('GET', '/crm/v3/objects/contacts/ALICE.DOE@acme.test?idProperty=email');
    expect(alice.properties).toMatchObject({
      email: 'alice.doe@acme.test',
      firstname: 'Alice',
      lastname: 'Doe',
    });
    expect(Object.keys(alice.properties).sort()).toEqual(
      ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'].sort(),
    );
    const byId = await ok('GET', `/crm/v3/objects/contacts/${alice.id}`);
    expect(byId.properties.email).toBe('alice.doe@acme.test');
    expect(
      (await server.call('GET', '/crm/v3/objects/contacts/nobody@nowhere.test?idProperty=email')).status,
    ).toBe(404);
    expect((await server.call('GET', '/crm/v3/objects/contacts/99999999999')).status).toBe(404);
  });

  it('are unique: a second contact with the same address is a 409 naming the existing id', async () => {
    const bob = await ok('GET', '/crm/v3/objects/contacts/bob@acme.test?idProperty=email');
    const answer = await server.call('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'Bob@Acme.test' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      status: 'error',
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${bob.id}`,
    });
    const created = await ok(
      'POST',
      '/crm/v3/objects/contacts',
      { properties: { email: 'bobs.twin@acme.test' } },
      201,
    );
    const patch = await server.call('PATCH', `/crm/v3/objects/contacts/${created.id}`, {
      properties: { email: 'bob@acme.test' },
    });
    expect(patch.status).toBe(409);
    expect((patch.body as { message: string }).message).toBe(
      `Contact already exists. Existing ID: ${bob.id}`,
    );
  });

  it('are read in batches of at most 100 by id or e-mail; missing ones come back as a 207 error', async () => {
    const batch = await ok('POST', '/crm/v3/objects/contacts/batch/read', {
      idProperty: 'email',
      properties: ['email', 'firstname'],
      inputs: [{ id: 'alice.doe@acme.test' }, { id: 'carol.chen@globex.test' }],
    });
    expect(batch.results.map((r) => r.properties.firstname).sort()).toEqual(['Alice', 'Carol']);
    const partial = await server.call('POST', '/crm/v3/objects/contacts/batch/read', {
      idProperty: 'email',
      inputs: [{ id: 'alice.doe@acme.test' }, { id: 'stranger@nowhere.test' }],
    });
    expect(partial.status).toBe(207);
    expect(partial.body).toMatchObject({
      results: [{ properties: { email: 'alice.doe@acme.test' } }],
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['stranger@nowhere.test'] } }],
    });
    const byId = await ok('POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: batch.results[0]?.id }],
    });
    expect(byId.results).toHaveLength(1);
    const tooMany = await server.call('POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ category: 'VALIDATION_ERROR' });
  });
});

describe('updates, archiving and lists', () => {
  it('move updatedAt on every update and clear a value with ""', async () => {
    const created = await ok(
      'POST',
      '/crm/v3/objects/contacts',
      { properties: { email: 'dana@example.test', jobtitle: 'CTO' } },
      201,
    );
    now += 5_000;
    const patched = await ok('PATCH', `/crm/v3/objects/contacts/${created.id}`, {
      properties: { jobtitle: '' },
    });
    expect(Date.parse(patched.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    const read = await ok('GET', `/crm/v3/objects/contacts/${created.id}?properties=jobtitle`);
    expect(read.properties.jobtitle).toBeNull();
  });

  it('archive with DELETE: gone from reads, listed with archivedAt only under archived=true', async () => {
    const created = await ok(
      'POST',
      '/crm/v3/objects/companies',
      { properties: { name: 'Soon Gone', domain: 'soon-gone.test' } },
      201,
    );
    const deleted = await server.call('DELETE', `/crm/v3/objects/companies/${created.id}`);
    expect(deleted.status).toBe(204);
    expect((await server.call('GET', `/crm/v3/objects/companies/${created.id}`)).status).toBe(404);
    expect(
      (await server.call('PATCH', `/crm/v3/objects/companies/${created.id}`, { properties: { name: 'x' } }))
        .status,
    ).toBe(404);
    const archived = await ok('GET', '/crm/v3/objects/companies?archived=true&limit=100');
    expect(archived.results.map((r) => r.id)).toContain(created.id);
    for (const record of archived.results) {
      expect(record.archived).toBe(true);
      expect(record.archivedAt).toMatch(ISO);
    }
    const live = await ok('GET', `/crm/v3/objects/companies/${created.id}?archived=true`);
    expect(live.archived).toBe(true);
    const all: string[] = [];
    let after: string | undefined;
    do {
      const page = (await ok(
        'GET',
        `/crm/v3/objects/companies?limit=100${after ? `&after=${after}` : ''}`,
      )) as unknown as {
        results: HsRecord[];
        paging?: { next: { after: string } };
      };
      all.push(...page.results.map((r) => r.id));
      after = page.paging?.next.after;
    } while (after);
    expect(all).not.toContain(created.id);
  });

  it('page lists with limit ≤ 100 and an after cursor', async () => {
    const first = (await ok('GET', '/crm/v3/objects/contacts?limit=2')) as unknown as {
      results: HsRecord[];
      paging: { next: { after: string } };
    };
    expect(first.results).toHaveLength(2);
    const second = await ok('GET', `/crm/v3/objects/contacts?limit=2&after=${first.paging.next.after}`);
    expect(second.results[0]?.id).not.toBe(first.results[1]?.id);
    expect(Number(second.results[0]?.id)).toBeGreaterThan(Number(first.results[1]?.id));
    expect((await server.call('GET', '/crm/v3/objects/contacts?limit=101')).status).toBe(400);
  });
});
