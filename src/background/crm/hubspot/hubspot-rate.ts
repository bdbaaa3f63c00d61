/**
 * HubSpot's limits for private apps (reference, "Rate limits"): a rolling 10-second budget by
 * account tier, a daily budget, and 5 search requests a second per account. The tier is chosen
 * at connect; `X-HubSpot-RateLimit-Max` (with `-Interval-Milliseconds` 10000) on a reply corrects
 * it either way. Search replies carry no rate headers.
 */
import { t } from '../../i18n';
import type { RateLimitVerdict } from '../crm-transport';
import { hubspotError } from './hubspot-schemas';

export const HUBSPOT_WINDOW_MS = 10_000;
/** Requests per 10 s by tier: Free/Starter 100, Professional/Enterprise 190, API Limit Increase 250. */
export const HUBSPOT_TIERS = { starter: 100, professional: 190, increase: 250 } as const;
export type HubspotTier = keyof typeof HUBSPOT_TIERS;
export const HUBSPOT_SEARCH_LIMIT = { limit: 5, windowMs: 1000 } as const;
/**
 * How Threadline paces itself against those limits: the same counts over slightly longer windows,
 * because HubSpot counts a request when it arrives and Threadline when it leaves (the limiters take
 * their turn just before the send, crm-transport.ts), so the way between (the network, a busy
 * machine) must not bring two windows' requests into one of HubSpot's. The search margin is the
 * wider one: a one-second window has little room for that, and the bench saw every 429 of a busy
 * run come from it (4 "secondly", 0 ten-second at 5 per 1.05 s). The margins cost 3 % (budget) and
 * 9 % (search) of the top speed.
 */
export const HUBSPOT_PACING = {
  budgetWindowMs: HUBSPOT_WINDOW_MS + 300,
  search: { limit: HUBSPOT_SEARCH_LIMIT.limit, windowMs: HUBSPOT_SEARCH_LIMIT.windowMs + 100 },
} as const;
/** Without a known tier, the lowest (Free/Starter). */
export const HUBSPOT_DEFAULT_LIMIT = HUBSPOT_TIERS.starter;
/** After a DAILY 429 nothing is sent for this long, then one request finds out whether it reset. */
export const HUBSPOT_DAILY_PAUSE_MS = 60 * 60_000;

/** The per-10-second limit a reply's headers state, or null when they state none (search). */
export function hubspotLimitFromHeaders(get: (name: string) => string | null): number | null {
  const max = get('X-HubSpot-RateLimit-Max');
  const interval = get('X-HubSpot-RateLimit-Interval-Milliseconds');
  if (max === null || !/^\d{1,6}$/.test(max)) return null;
  if (interval !== null && interval !== String(HUBSPOT_WINDOW_MS)) return null;
  const limit = Number(max);
  return limit >= 1 ? limit : null;
}

/**
 * Every 429 body: `TEN_SECONDLY_ROLLING` → wait the 10-second window out; "You have reached your
 * secondly limit." (search) → 1 s; `DAILY` → stop with a plain message. Newer bodies add
 * `category: "RATE_LIMITS"`; a body that says none of these gets the generic backoff.
 */
export function hubspotRateLimitVerdict(json: unknown): RateLimitVerdict {
  const body = hubspotError.safeParse(json);
  if (!body.success) return null;
  const { policyName, message } = body.data;
  if (policyName === 'DAILY') return { stopForMs: HUBSPOT_DAILY_PAUSE_MS, message: t('errHubspotDaily') };
  if (policyName === 'TEN_SECONDLY_ROLLING') return { retryAfterMs: HUBSPOT_WINDOW_MS };
  if (message && /secondly limit/i.test(message)) return { retryAfterMs: 1000 };
  return null;
}
