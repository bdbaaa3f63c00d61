import { describe, expect, it } from 'vitest';
import type { EgressRequest, EgressResponse } from '../privacy/egress/egress-fetch';
import { createEgress } from '../privacy/egress/egress-fetch';
import { backoffDelay, parseRetryAfter } from './backoff';
import { CrmError } from './crm-error';
import { createCrmTransport } from './crm-transport';
import { createRateLimiter } from './rate-limiter';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): EgressResponse => ({
  status,
  headers: { get: (name) => headers[name] ?? null },
  text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
});

function scripted(answers: (EgressResponse | 'network')[]) {
  const sent: EgressRequest[] = [];
  const sleeps: number[] = [];
  const transport = createCrmTransport({
    egress: async (request) => {
      sent.push(request);
      const next = answers.shift();
      if (next === 'network' || next === undefined) throw new TypeError('Failed to fetch');
      return next;
    },
    limiter: { acquire: async () => undefined, setLimit: () => undefined },
    baseUrl: 'https://crm.test/api',
    headers: { 'X-Api-Key': 'k' },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
  return { transport, sent, sleeps };
}

const call = {
  method: 'POST',
  path: '/people/search',
  body: {},
  purpose: 'syncRecords',
  dataClasses: ['crmData'],
} as const;

describe('backoff', () => {
  it('grows exponentially with jitter, under a cap, never below Retry-After', () => {
    const max = (attempt: number) => backoffDelay(attempt, { random: () => 1 });
    expect([0, 1, 2, 3].map(max)).toEqual([500, 1000, 2000, 4000]);
    expect(max(20)).toBe(30_000);
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { random: () => 0, retryAfterMs: 7000 })).toBe(7000);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe('CRM transport', () => {
  it('retries 429, 5xx and network errors, then succeeds', async () => {
    const { transport, sent, sleeps } = scripted([
      response(429, { message: 'slow down' }, { 'Retry-After': '2' }),
      response(503, 'unavailable'),
      'network',
      response(200, [{ id: 1 }], { 'X-Result-Count': '1' }),
    ]);
    const answer = await transport.request(call);
    expect(answer).toMatchObject({ status: 200, json: [{ id: 1 }] });
    expect(answer.header('X-Result-Count')).toBe('1'); // an adapter reads its CRM's own headers
    expect(sent).toHaveLength(4);
    expect(sleeps[0]).toBe(2000); // Retry-After honoured
    expect(sleeps.slice(1)).toEqual([500, 1000]);
  });

  it.each([
    ['a 5xx', response(502, 'bad gateway'), 'server'],
    ['a dropped connection', 'network', 'unreachable'],
  ] as const)(
    'sends a create once after %s (it may have been made): the outbox checks, then sends it again',
    async (_label, failure, kind) => {
      for (const path of ['/people', '/crm/v3/objects/contacts', '/activities']) {
        const { transport, sent } = scripted([failure, response(200, { id: 1 })]);
        await expect(transport.request({ ...call, path, purpose: 'createRecord' })).rejects.toMatchObject({
          kind,
          retryable: true,
        });
        expect(sent).toHaveLength(1);
      }
      // Reads sent as POST (searches, batch reads) and idempotent methods are retried as before.
      for (const read of [
        { path: '/crm/v3/objects/deals/batch/read', method: 'POST' },
        { path: '/crm/v4/associations/contacts/companies/batch/read', method: 'POST' },
        { path: '/activities/search', method: 'POST' },
        { path: '/people/7', method: 'PUT' },
        { path: '/crm/v3/objects/contacts/7', method: 'PATCH' },
      ] as const) {
        const { transport, sent } = scripted([failure, response(200, { id: 1 })]);
        await expect(transport.request({ ...call, ...read })).resolves.toMatchObject({ status: 200 });
        expect(sent).toHaveLength(2);
      }
      // A 429 is refused before anything is made: a create is retried on it.
      const { transport, sent } = scripted([response(429, {}), response(200, { id: 1 })]);
      await expect(transport.request({ ...call, path: '/people' })).resolves.toMatchObject({ status: 200 });
      expect(sent).toHaveLength(2);
    },
  );

  it('gives up after the last attempt with the last kind of error', async () => {
    const { transport, sent } = scripted(Array(6).fill(response(500, {})));
    await expect(transport.request(call)).rejects.toMatchObject({ kind: 'server', retryable: true });
    expect(sent).toHaveLength(6);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'notFound'],
    [422, 'invalidInput'],
  ] as const)('does not retry %i (%s)', async (status, kind) => {
    const { transport, sent } = scripted([
      response(status, { message: 'Invalid input: Name: can’t be blank' }),
    ]);
    await expect(transport.request(call)).rejects.toMatchObject({ kind });
    expect(sent).toHaveLength(1);
  });

  it('treats a non-JSON success as an invalid response', async () => {
    const { transport } = scripted([response(200, '<html>proxy login</html>')]);
    await expect(transport.request(call)).rejects.toMatchObject({ kind: 'invalidResponse' });
  });
});

describe('egress gate', () => {
  const ok = async () => response(200, {});
  it('sends only to the configured CRM origin, over HTTPS or to loopback', async () => {
    const egress = createEgress({ allowedOrigin: () => 'https://api.crm.example', fetchImpl: ok });
    const request = { method: 'GET', headers: {}, purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
    await expect(
      egress({ ...request, url: 'https://api.crm.example/developer_api/v1/account' }),
    ).resolves.toBeDefined();
    await expect(egress({ ...request, url: 'https://evil.test/collect' })).rejects.toThrow(/not the CRM/);
    await expect(egress({ ...request, url: 'http://api.crm.example/x' })).rejects.toThrow(/insecure/);
    const local = createEgress({ allowedOrigin: () => 'http://127.0.0.1:8787', fetchImpl: ok });
    await expect(
      local({ ...request, url: 'http://127.0.0.1:8787/developer_api/v1/account' }),
    ).resolves.toBeDefined();
    const none = createEgress({ allowedOrigin: () => null, fetchImpl: ok });
    await expect(none({ ...request, url: 'https://api.crm.example/x' })).rejects.toThrow(/no CRM/);
  });

  it('maps a refused destination to notConnected, never a retry', async () => {
    const transport = createCrmTransport({
      egress: createEgress({ allowedOrigin: () => 'https://api.crm.example', fetchImpl: ok }),
      limiter: { acquire: async () => undefined, setLimit: () => undefined },
      baseUrl: 'https://evil.test',
      headers: {},
      sleep: async () => undefined,
    });
    await expect(transport.request(call)).rejects.toEqual(
      new CrmError('notConnected', 'destination evil.test is not the CRM'),
    );
  });
});

describe("the rate limiters' turn", () => {
  it('is taken inside the gate, after its checks and just before the request leaves; searches wait for both limiters', async () => {
    const order: string[] = [];
    const counting = (name: string) => ({
      acquire: async () => void order.push(name),
      setLimit: () => undefined,
    });
    const transport = createCrmTransport({
      egress: createEgress({
        allowedOrigin: () => 'https://api.crm.example',
        hasConsent: async () => false,
        fetchImpl: async () => {
          order.push('send');
          return response(200, {});
        },
      }),
      limiter: counting('limiter'),
      searchLimiter: counting('search'),
      baseUrl: 'https://api.crm.example',
      headers: {},
      sleep: async () => undefined,
    });
    await transport.request(call);
    await transport.request({ ...call, search: true });
    expect(order).toEqual(['limiter', 'send', 'limiter', 'search', 'send']);
    order.length = 0;
    // Refused for want of consent: nothing left, and no turn of the CRM's budget was spent on it.
    await expect(
      transport.request({
        ...call,
        purpose: 'logEmail',
        dataClasses: ['googleUserData'],
        account: 'me@x.test',
      }),
    ).rejects.toMatchObject({ kind: 'consentRequired' });
    expect(order).toEqual([]);
  });
});

describe('rate limiter', () => {
  it('lets `limit` requests through per rolling window, then waits for the oldest to leave it', async () => {
    let now = 0;
    const waited: number[] = [];
    const limiter = createRateLimiter({
      limit: 3,
      windowMs: 60_000,
      now: () => now,
      sleep: async (ms) => {
        waited.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 3; i += 1) {
      await limiter.acquire();
      now += 1000;
    }
    expect(waited).toEqual([]);
    await limiter.acquire();
    expect(waited).toEqual([57_001]);
    expect(now).toBe(60_001);
  });
});
