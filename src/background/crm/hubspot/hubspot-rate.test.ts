import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { connect } from '../../../../test/unit/hubspot-double-client';
import { createEgress } from '../../privacy/egress/egress-fetch';
import type { CrmError } from '../crm-error';
import { createCrmTransport } from '../crm-transport';
import { createRateLimiter } from '../rate-limiter';
import { hubspotAdapter } from './hubspot-adapter';
import { createHubspotClient } from './hubspot-client';
import { HUBSPOT_DAILY_PAUSE_MS, hubspotLimitFromHeaders, hubspotRateLimitVerdict } from './hubspot-rate';

describe('HubSpot rate limits', () => {
  const limited = (policyName: string, message: string) => ({
    status: 429,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: 'c0ffee', policyName },
  });

  it('TEN_SECONDLY_ROLLING: waits the 10-second window and retries', async () => {
    const double = new HubspotDouble();
    double.forced.push(limited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'));
    const { client, sleeps } = connect(double);
    expect(await client.listUsers()).toHaveLength(2);
    expect(sleeps).toEqual([10_000]);
  });

  it('the secondly search limit: waits 1 s (newer bodies with category RATE_LIMITS too)', async () => {
    const double = new HubspotDouble();
    double.forced.push({
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your secondly limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'x',
        category: 'RATE_LIMITS',
      },
    });
    const { client, sleeps } = connect(double);
    await client.searchPeopleByEmails(['a@x.test']);
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[0]).toBeLessThan(10_000);
  });

  it('DAILY: stops with a plain error, and sends nothing more until the pause is over', async () => {
    const double = new HubspotDouble();
    double.forced.push(limited('DAILY', 'You have reached your daily limit.'));
    const { client } = connect(double);
    const error = (await client.listUsers().catch((e: unknown) => e)) as CrmError;
    expect(error.kind).toBe('rateLimited');
    expect(error.message).toContain("HubSpot's daily API limit");
    const sent = double.requests.length;
    await expect(client.listUsers()).rejects.toThrow("HubSpot's daily API limit");
    expect(double.requests.length).toBe(sent);
    double.nowMs += HUBSPOT_DAILY_PAUSE_MS;
    expect(await client.listUsers()).toHaveLength(2);
  });

  it('reads every 429 body: an unknown or unparsable one gets the generic backoff', () => {
    expect(hubspotRateLimitVerdict({ status: 'error', policyName: 'SOMETHING_NEW' })).toBeNull();
    expect(hubspotRateLimitVerdict('<html>')).toBeNull();
    expect(hubspotRateLimitVerdict(null)).toBeNull();
  });

  it('learns the 10-second limit from X-HubSpot-RateLimit-Max, lowering or raising it', () => {
    const headers = (h: Record<string, string>) => (n: string) => h[n] ?? null;
    expect(
      hubspotLimitFromHeaders(
        headers({ 'X-HubSpot-RateLimit-Max': '190', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' }),
      ),
    ).toBe(190);
    expect(hubspotLimitFromHeaders(headers({ 'X-HubSpot-RateLimit-Max': '250' }))).toBe(250);
    expect(
      hubspotLimitFromHeaders(
        headers({ 'X-HubSpot-RateLimit-Max': '100', 'X-HubSpot-RateLimit-Interval-Milliseconds': '1000' }),
      ),
    ).toBeNull();
    expect(hubspotLimitFromHeaders(headers({}))).toBeNull();
  });

  it('the 10-second limiter waits out the window on a fake clock, and a learned limit applies', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      limit: 3,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 3; i += 1) await limiter.acquire();
    expect(waits).toEqual([]);
    await limiter.acquire();
    expect(waits).toEqual([10_001]);
    limiter.setLimit(5);
    await limiter.acquire();
    expect(waits).toEqual([10_001]); // room under the raised limit: no wait
  });

  it('search requests also wait for the 5-a-second search limiter; other requests do not', async () => {
    const double = new HubspotDouble();
    let now = 0;
    const waits: number[] = [];
    const search = createRateLimiter({
      limit: 5,
      windowMs: 1000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const transport = createCrmTransport({
      egress: createEgress({
        allowedOrigin: () => 'https://api.hubapi.com',
        hasConsent: async () => true,
        fetchImpl: double.fetch,
      }),
      limiter: createRateLimiter({ limit: 100, windowMs: 10_000, now: () => now }),
      searchLimiter: search,
      baseUrl: 'https://api.hubapi.com',
      headers: hubspotAdapter.headers(double.token, ''),
    });
    const client = createHubspotClient(transport, 'me@gmail.test', { email: 'sam@corp.test' });
    for (let i = 0; i < 6; i += 1) await client.findPersonByEmail(`p${i}@x.test`);
    expect(waits).toEqual([1001]);
    for (let i = 0; i < 10; i += 1) await client.getPerson(1);
    expect(waits).toEqual([1001]);
  });
});
