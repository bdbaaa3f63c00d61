/**
 * The HubSpot personality's gate: Bearer tokens (401 INVALID_AUTHENTICATION), scopes (403
 * MISSING_SCOPES), the 10-second and daily budgets with their X-HubSpot-RateLimit-* headers, and
 * search's own 5 per second without headers (reference/hubspot-api.md, "Errors", "Rate limits").
 * Time is a clock the test moves: nothing waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../src/hubspot/object-types';
import { bearer, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

let server: HubspotTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const RATE_HEADERS = [
  'x-hubspot-ratelimit-daily',
  'x-hubspot-ratelimit-daily-remaining',
  'x-hubspot-ratelimit-interval-milliseconds',
  'x-hubspot-ratelimit-max',
  'x-hubspot-ratelimit-remaining',
];

describe('authentication', () => {
  it('answers a missing, malformed or wrong token with 401 INVALID_AUTHENTICATION, and the right one with 200', async () => {
    server = await startHubspotTestServer();
    const answers = [
      await server.call('GET', '/crm/v3/objects/contacts', undefined, {}),
      await server.call('GET', '/crm/v3/objects/contacts', undefined, bearer('not-the-token')),
      await server.call('GET', '/crm/v3/objects/contacts', undefined, { Authorization: server.owner.apiKey }),
      // An unknown path asks for a token first, as every API request does.
      await server.call('GET', '/crm/v3/nothing-here', undefined, {}),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        status: 'error',
        category: 'INVALID_AUTHENTICATION',
        message: expect.stringMatching(/^Authentication credentials not found/),
        correlationId: expect.any(String),
      });
    }
    expect((await server.call('GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });
});

describe('scopes', () => {
  it('refuses a request whose scope the token lacks with 403 MISSING_SCOPES naming the scope', async () => {
    server = await startHubspotTestServer({
      hubspot: {
        scopes: ALL_SCOPES.filter((s) => s !== 'crm.objects.deals.read' && s !== 'crm.objects.owners.read'),
      },
    });
    for (const [path, scope] of [
      ['/crm/v3/objects/deals', 'crm.objects.deals.read'],
      ['/crm/v3/pipelines/deals', 'crm.objects.deals.read'],
      ['/crm/v3/owners', 'crm.objects.owners.read'],
    ] as const) {
      const answer = await server.call('GET', path);
      expect(answer.status, path).toBe(403);
      expect(answer.body).toMatchObject({
        status: 'error',
        category: 'MISSING_SCOPES',
        message: expect.stringContaining("hasn't been granted all required scopes"),
        errors: [{ context: { requiredGranularScopes: [scope] } }],
      });
    }
    // The scopes it has still work, search included.
    expect((await server.call('GET', '/crm/v3/objects/contacts')).status).toBe(200);
    expect((await server.call('POST', '/crm/v3/objects/companies/search', {})).status).toBe(200);
  });

  it('lets e-mails be read with sales-email-read alone, but not written', async () => {
    server = await startHubspotTestServer({ hubspot: { scopes: ['sales-email-read'] } });
    expect((await server.call('GET', '/crm/v3/objects/emails')).status).toBe(200);
    const write = await server.call('POST', '/crm/v3/objects/emails', {
      properties: { hs_timestamp: '1700000000000', hs_email_direction: 'EMAIL' },
    });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({
      errors: [{ context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
    });
  });
});

describe('the 10-second budget', () => {
  it('counts down in the headers, then answers 429 TEN_SECONDLY_ROLLING until the window rolls on', async () => {
    let now = 1_800_000_000_000;
    server = await startHubspotTestServer({ rateLimit: 3, nowMs: () => now });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const answer = await server.call('GET', '/crm/v3/owners');
      expect(answer.status).toBe(200);
      for (const name of RATE_HEADERS) expect(answer.headers.get(name), name).not.toBeNull();
      expect(answer.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(answer.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(answer.headers.get('x-hubspot-ratelimit-daily')).toBe('250000');
      remaining.push(answer.headers.get('x-hubspot-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await server.call('GET', '/crm/v3/owners');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      category: 'RATE_LIMITS',
      correlationId: expect.any(String),
    });
    expect(over.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    now += 10_001;
    expect((await server.call('GET', '/crm/v3/owners')).status).toBe(200);
  });

  it('keeps a daily budget for the account: 429 DAILY once it is spent', async () => {
    server = await startHubspotTestServer({ rateLimit: 100, hubspot: { dailyLimit: 2 } });
    const first = await server.call('GET', '/crm/v3/owners');
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
    expect((await server.call('GET', '/crm/v3/owners')).status).toBe(200);
    const over = await server.call('GET', '/crm/v3/owners');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      errorType: 'RATE_LIMIT',
      policyName: 'DAILY',
      category: 'RATE_LIMITS',
    });
  });

  it('is off with --rate-limit 0: no 429, no headers', async () => {
    server = await startHubspotTestServer({ rateLimit: 0 });
    for (let i = 0; i < 8; i += 1) {
      const answer = await server.call('POST', '/crm/v3/objects/contacts/search', {});
      expect(answer.status).toBe(200);
    }
    const answer = await server.call('GET', '/crm/v3/owners');
    expect(answer.headers.get('x-hubspot-ratelimit-max')).toBeNull();
  });
});

describe('search’s own limit', () => {
  it('takes 5 searches per second per account, without rate headers, and does not spend the 10-second budget', async () => {
    let now = 1_800_000_000_000;
    server = await startHubspotTestServer({ rateLimit: 2, nowMs: () => now, adminToken: 'adm' });
    for (let i = 0; i < 5; i += 1) {
      const answer = await server.call('POST', '/crm/v3/objects/contacts/search', { limit: 1 });
      expect(answer.status).toBe(200);
      for (const name of RATE_HEADERS) expect(answer.headers.get(name), name).toBeNull();
    }
    const over = await server.call('POST', '/crm/v3/objects/contacts/search', { limit: 1 });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      category: 'RATE_LIMITS',
    });
    for (const name of RATE_HEADERS) expect(over.headers.get(name), name).toBeNull();
    // The 10-second budget (2) is untouched by the searches.
    expect((await server.call('GET', '/crm/v3/owners')).headers.get('x-hubspot-ratelimit-remaining')).toBe(
      '1',
    );
    now += 1001;
    expect((await server.call('POST', '/crm/v3/objects/contacts/search', { limit: 1 })).status).toBe(200);
    // The benchmark reads which limit refused: one search refused, by the secondly limit.
    const stats = await server.call('GET', '/__admin/stats', undefined, { 'X-Admin-Token': 'adm' });
    expect(stats.body).toMatchObject({ rateLimited: 1, refusedBy: { SECONDLY: 1 } });
  });
});
