import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../src/create-crm-server';
import { openDatabase } from '../src/db/open-database';
import { authHeaders, startTestServer, type TestServer } from './start-test-server';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

type Person = { id: number; name: string; date_modified: number; emails: { email: string }[] };

describe('authentication (X-PW-* headers)', () => {
  it.each([
    ['no headers', {}],
    ['a wrong key', { 'X-PW-AccessToken': 'nope' }],
    ['a missing application header', { 'X-PW-Application': '' }],
    ['a wrong application', { 'X-PW-Application': 'web' }],
    ['another user’s email', { 'X-PW-UserEmail': 'tara@threadline-demo.test' }],
    ['a missing email', { 'X-PW-UserEmail': '' }],
  ])('answers 401 for %s', async (_label, override) => {
    server = await startTestServer();
    const headers = { ...authHeaders(server.owner), ...override };
    for (const key of Object.keys(headers))
      if (headers[key as keyof typeof headers] === '') delete headers[key as keyof typeof headers];
    const answer = await server.call('POST', '/people/search', {}, _label === 'no headers' ? {} : headers);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ success: false, status: 401 });
  });

  it('accepts each user of the account with their own key, and the email in any case', async () => {
    server = await startTestServer();
    const tara = server.users[1];
    if (!tara) throw new Error('no teammate');
    const me = await server.call('GET', '/users/me', undefined, {
      ...authHeaders(tara),
      'X-PW-UserEmail': tara.email.toUpperCase(),
    });
    expect(me.body).toEqual({ id: tara.id, name: tara.name, email: tara.email });
  });
});

describe('searches: paging, totals and sorting', () => {
  it('pages through more than 200 records with X-PW-TOTAL and no duplicates', async () => {
    server = await startTestServer({ people: 450 });
    const first = await server.call('POST', '/people/search', { page_size: 200, page_number: 1 });
    const second = await server.call('POST', '/people/search', { page_size: 200, page_number: 2 });
    const third = await server.call('POST', '/people/search', { page_size: 200, page_number: 3 });
    expect(first.headers.get('X-PW-TOTAL')).toBe('450');
    expect(Array.isArray(first.body)).toBe(true);
    const pages = [first.body, second.body, third.body] as Person[][];
    expect(pages.map((p) => p.length)).toEqual([200, 200, 50]);
    expect(new Set(pages.flat().map((p) => p.id)).size).toBe(450);
    const beyond = await server.call('POST', '/people/search', { page_size: 200, page_number: 4 });
    expect(beyond.body).toEqual([]);
  });

  it('defaults to 20 per page and refuses page sizes outside 1..200', async () => {
    server = await startTestServer();
    expect(((await server.call('POST', '/people/search', {})).body as unknown[]).length).toBe(20);
    for (const page_size of [0, 201, 1.5]) {
      const answer = await server.call('POST', '/people/search', { page_size });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({
        success: false,
        status: 422,
        message: expect.stringMatching(/^Invalid input: Validation errors: Page size/),
      });
    }
    expect((await server.call('POST', '/people/search', { page_number: 0 })).status).toBe(422);
  });

  it('sorts by sort_by and sort_direction', async () => {
    server = await startTestServer({ people: 120 });
    const names = async (body: object): Promise<string[]> => {
      const answer = await server?.call('POST', '/people/search', { page_size: 200, ...body });
      return ((answer?.body ?? []) as Person[]).map((p) => p.name);
    };
    const asc = await names({ sort_by: 'name' });
    expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || 0));
    const desc = await names({ sort_by: 'name', sort_direction: 'desc' });
    expect(desc).toEqual([...asc].reverse());
    const byModified = (
      (
        await server.call('POST', '/people/search', {
          page_size: 200,
          sort_by: 'date_modified',
          sort_direction: 'desc',
        })
      ).body as Person[]
    ).map((p) => p.date_modified);
    expect(byModified).toEqual([...byModified].sort((a, b) => b - a));
    expect((await server.call('POST', '/people/search', { sort_by: 'password' })).status).toBe(422);
  });

  it('date_modified changes on every update; people page newest first; the modified filter only where documented', async () => {
    let now = 1_800_000_000;
    const crm = await startTestServer({ clock: { now: () => now } });
    server = crm;
    const newest = async (): Promise<Person[]> =>
      (
        await crm.call('POST', '/people/search', {
          sort_by: 'date_modified',
          sort_direction: 'desc',
          page_size: 2,
        })
      ).body as Person[];
    const first = (await server.call('PUT', '/people/5', { title: 'CTO' })).body as Person;
    const second = (await server.call('PUT', '/people/5', { title: 'CEO' })).body as Person;
    expect(first.date_modified).toBe(now);
    expect(second.date_modified).toBeGreaterThan(first.date_modified);
    now += 100;
    await server.call('PUT', '/people/9', { tags: ['x'] });
    expect((await newest()).map((p) => p.id)).toEqual([9, 5]);
    // People document no modified-date filter (reference: "No modified-date filter").
    expect((await server.call('POST', '/people/search', { minimum_modified_date: now })).body).toEqual({
      success: false,
      status: 422,
      message:
        'Invalid input: Validation errors: Base: Unrecognized attributes specified: minimum_modified_date',
    });
    // Leads do, and take it as a numeric string too.
    const leads = await server.call('POST', '/leads/search', { minimum_modified_date: String(now) });
    expect(leads.status).toBe(200);
  });
});

describe('errors in Copper’s shapes', () => {
  it('answers 404 {"error":"not_found"} for a missing record or route', async () => {
    server = await startTestServer();
    for (const path of [
      '/people/999999',
      '/companies/999999',
      '/opportunities/999999',
      '/tasks/999999',
      '/nothing/here',
    ]) {
      const answer = await server.call('GET', path);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'not_found' });
    }
    expect(
      (await server.call('POST', '/people/fetch_by_email', { email: 'nobody@nowhere.test' })).body,
    ).toEqual({ error: 'not_found' });
  });

  it('answers 422 with the documented body for invalid input', async () => {
    server = await startTestServer();
    const answer = await server.call('POST', '/people', { name: '' });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      success: false,
      status: 422,
      message: "Invalid input: Validation errors: Name: can't be blank",
    });
  });
});

describe('rate limit (rolling window per user)', () => {
  it('answers the 181st request in a minute with 429 and recovers after the window', async () => {
    let nowMs = 1_000_000;
    server = await startTestServer({ rateLimit: 180, nowMs: () => nowMs, adminToken: 'adm' });
    for (let i = 0; i < 180; i += 1) {
      nowMs += 100; // 180 requests spread over 18 s
      expect((await server.call('GET', '/account')).status).toBe(200);
    }
    const limited = await server.call('GET', '/account');
    expect(limited.status).toBe(429);
    const stats = await server.raw('/__admin/stats', { headers: { 'X-Admin-Token': 'adm' } });
    expect(stats.body).toEqual({ requests: 181, rateLimited: 1, refusedBy: {} });
    expect(limited.body).toMatchObject({ success: false, status: 429 });
    // Another user has a window of their own.
    const tara = server.users[1];
    if (!tara) throw new Error('no teammate');
    expect((await server.call('GET', '/account', undefined, authHeaders(tara))).status).toBe(200);
    // Rolling: at 60 s after the first request only that one has left the window: one more fits.
    nowMs = 1_000_100 + 60_000;
    expect((await server.call('GET', '/account')).status).toBe(200);
    expect((await server.call('GET', '/account')).status).toBe(429);
    nowMs += 60_000;
    for (let i = 0; i < 10; i += 1) expect((await server.call('GET', '/account')).status).toBe(200);
  });

  it('can be turned off', async () => {
    server = await startTestServer({ rateLimit: 0 });
    const answers = await Promise.all(Array.from({ length: 250 }, () => server?.call('GET', '/account')));
    expect(answers.every((a) => a?.status === 200)).toBe(true);
  });
});

describe('fault injection', () => {
  it('fails a share of requests with 500/503', async () => {
    server = await startTestServer({ faults: { failRate: 0.5 }, faultSeed: 7 });
    const statuses = [];
    for (let i = 0; i < 200; i += 1) statuses.push((await server.call('GET', '/account')).status);
    const failed = statuses.filter((s) => s === 500 || s === 503).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(statuses.every((s) => [200, 500, 503].includes(s))).toBe(true);
    expect(new Set(statuses)).toEqual(new Set([200, 500, 503]));
  });

  it('drops connections without an answer', async () => {
    server = await startTestServer({ faults: { dropRate: 1 } });
    await expect(server.call('GET', '/account')).rejects.toThrow();
  });

  it('adds latency', async () => {
    server = await startTestServer({ faults: { latencyMs: 150 } });
    const started = performance.now();
    await server.call('GET', '/account');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('can be changed at run time through the admin API, which needs its token', async () => {
    server = await startTestServer({ adminToken: 'secret-token' });
    const admin = (init: RequestInit, token = 'secret-token') =>
      server?.raw(`${ADMIN_PREFIX}/config`, {
        ...init,
        headers: { 'Content-Type': 'application/json', 'X-Admin-Token': token },
      });
    expect((await admin({ method: 'GET' }, 'wrong'))?.status).toBe(401);
    expect((await admin({ method: 'POST', body: JSON.stringify({ failRate: 1 }) }))?.body).toMatchObject({
      failRate: 1,
    });
    expect([500, 503]).toContain((await server.call('GET', '/account')).status);
    await admin({ method: 'POST', body: JSON.stringify({ failRate: 0 }) });
    expect((await server.call('GET', '/account')).status).toBe(200);
  });

  it('records requests for tests only when asked to', async () => {
    server = await startTestServer({ adminToken: 't', recordRequests: true });
    await server.call('POST', '/people/search', { emails: ['alice.doe@acme.test'] });
    const log = await server.raw(`${ADMIN_PREFIX}/requests`, { headers: { 'X-Admin-Token': 't' } });
    expect(log.body).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/developer_api/v1/people/search',
        body: '{"emails":["alice.doe@acme.test"]}',
      }),
    ]);
  });
});

describe('bad input leaves stored data untouched', () => {
  const counts = (s: TestServer) =>
    Object.fromEntries(
      ['people', 'person_emails', 'companies', 'leads', 'opportunities', 'activities', 'tasks'].map((t) => [
        t,
        (s.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n,
      ]),
    );

  it('answers malformed JSON, wrong types, unknown fields, non-objects and huge bodies with a clear 4xx', async () => {
    server = await startTestServer();
    const before = counts(server);
    const cases: [string, string | object, number, RegExp][] = [
      ['/people', '{"name": "x",', 400, /Malformed JSON/],
      ['/people', '[1,2,3]', 422, /must be a JSON object/],
      ['/people', '"hello"', 422, /must be a JSON object/],
      ['/people', { name: 42 }, 422, /Name: /],
      ['/people', { name: 'X', emails: 'x@y.test' }, 422, /Emails: /],
      ['/people', { name: 'X', emails: [{ email: 'not-an-email' }] }, 422, /Email: is not a valid email/],
      [
        '/people',
        { name: 'X', favourite_colour: 'blue' },
        422,
        /Base: Unrecognized attributes specified: favourite_colour$/,
      ],
      ['/people/search', { emails: 'alice@acme.test' }, 422, /Emails: /],
      [
        '/people/search',
        { email: ['alice@acme.test'] },
        422,
        /Base: Unrecognized attributes specified: email$/,
      ],
      [
        '/opportunities',
        { name: 'Deal', primary_contact_id: 1, pipeline_stage_id: 1 },
        422,
        /Pipeline stage: does not belong/,
      ],
      ['/opportunities', { name: 'Deal' }, 422, /Validation errors: Primary contact: can't be blank$/],
      ['/opportunities', { name: 'Deal', primary_contact_id: null }, 422, /Primary contact: can't be blank$/],
      [
        '/activities',
        { parent: { type: 'person', id: 1 }, type: { category: 'system', id: 3 } },
        422,
        /only user activity types/,
      ],
      [
        '/activities',
        { parent: { type: 'person', id: 999999 }, type: { category: 'user', id: 0 } },
        422,
        /Parent: does not exist/,
      ],
      [
        '/people',
        { name: 'Clash', emails: [{ email: 'ALICE.DOE@acme.test' }] },
        422,
        /has already been taken/,
      ],
      ['/people', { name: 'x'.repeat(600) }, 422, /Name: /],
    ];
    for (const [path, body, status, message] of cases) {
      const answer = await server.call('POST', path, body);
      expect(answer.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect((answer.body as { message?: string }).message).toMatch(message);
    }
    const huge = await server.call('POST', '/people', { name: 'Huge', details: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ success: false, status: 413 });
    const wrongType = await server.raw('/developer_api/v1/people', {
      method: 'POST',
      headers: { ...authHeaders(server.owner), 'Content-Type': 'text/plain' },
      body: 'name=x',
    });
    expect(wrongType.status).toBe(415);
    expect(counts(server)).toEqual(before);
  });

  it('stores SQL-looking strings and unicode names literally', async () => {
    server = await startTestServer();
    const before = counts(server);
    const names = [
      "Robert'); DROP TABLE people;--",
      'Zoë Ångström-Łukasiewicz',
      'محمد بن سلمان',
      '山田 太郎',
      '👩🏽‍💼 Ada',
      '%_\\',
    ];
    for (const name of names) {
      const created = await server.call('POST', '/people', { name, title: "1' OR '1'='1" });
      expect(created.status).toBe(200);
      const fetched = await server.call('GET', `/people/${(created.body as Person).id}`);
      expect(fetched.body).toMatchObject({ name: name.trim(), title: "1' OR '1'='1" });
    }
    expect(counts(server).people).toBe((before.people ?? 0) + names.length);
    const literal = (await server.call('POST', '/people/search', { name: '%_\\' })).body as Person[];
    expect(literal.map((p) => p.name)).toEqual(['%_\\']);
    const arabic = (await server.call('POST', '/people/search', { name: 'بن' })).body as Person[];
    expect(arabic.map((p) => p.name)).toEqual(['محمد بن سلمان']);
  });
});

describe('persistence', () => {
  it('keeps data across a restart on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-'));
    try {
      const dbPath = join(dir, 'crm.sqlite');
      server = await startTestServer({ dbPath });
      const created = (
        await server.call('POST', '/people', {
          name: 'Persistent Pat',
          emails: [{ email: 'pat@persist.test' }],
        })
      ).body as Person;
      await server.close();
      server = await startTestServer({ db: openDatabase(dbPath), seed: false });
      expect((await server.call('GET', `/people/${created.id}`)).body).toEqual(created);
      expect(
        (await server.call('POST', '/people/fetch_by_email', { email: 'pat@persist.test' })).body,
      ).toEqual(created);
    } finally {
      await server?.close();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
