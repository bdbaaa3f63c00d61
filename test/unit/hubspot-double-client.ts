/**
 * The real HubSpot client for the adapter's unit tests, over the HubSpot double through the real
 * transport, rate limiter and egress gate; every wait is recorded and moves the double's clock, never
 * slept.
 */
import type { CrmClient } from '../../src/background/crm/crm-client';
import { createCrmTransport } from '../../src/background/crm/crm-transport';
import { hubspotAdapter } from '../../src/background/crm/hubspot/hubspot-adapter';
import { createHubspotClient } from '../../src/background/crm/hubspot/hubspot-client';
import {
  hubspotLimitFromHeaders,
  hubspotRateLimitVerdict,
} from '../../src/background/crm/hubspot/hubspot-rate';
import { createRateLimiter } from '../../src/background/crm/rate-limiter';
import { createEgress } from '../../src/background/privacy/egress/egress-fetch';
import type { HubspotDouble } from './hubspot-double';

export function connect(
  double: HubspotDouble,
  options: { token?: string; email?: string; account?: string; maxAttempts?: number } = {},
) {
  const sleeps: number[] = [];
  const limiter = createRateLimiter({ limit: 100, windowMs: 10_000, now: () => double.nowMs });
  const egress = createEgress({
    allowedOrigin: () => 'https://api.hubapi.com',
    hasConsent: async () => true,
    now: () => double.nowMs,
    fetchImpl: double.fetch,
  });
  const transport = createCrmTransport({
    egress,
    limiter,
    baseUrl: 'https://api.hubapi.com',
    headers: hubspotAdapter.headers(options.token ?? double.token, ''),
    sleep: async (ms) => {
      sleeps.push(ms);
      double.nowMs += ms;
    },
    random: () => 0.5,
    now: () => double.nowMs,
    rateLimitVerdict: hubspotRateLimitVerdict,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    onHeaders: (get) => {
      const limit = hubspotLimitFromHeaders(get);
      if (limit !== null) limiter.setLimit(limit);
    },
  });
  const client: CrmClient = createHubspotClient(
    transport,
    options.account ?? 'me@gmail.test',
    {
      email: options.email ?? 'sam@corp.test',
    },
    { nowMs: () => double.nowMs },
  );
  return { client, sleeps };
}

export const bodies = (double: HubspotDouble, pathPart: string) =>
  double.requests.filter((r) => r.path.includes(pathPart)).map((r) => r.body);
