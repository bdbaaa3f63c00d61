/**
 * The hook every HubSpot route runs first, in this order: injected faults, the private-app token
 * (`Authorization: Bearer <token>`, compared by its SHA-256 with the stored hash, as Copper's key is),
 * then the rate limits. Scopes are checked by each route, which knows what it needs
 * (`requireScopes`). Like Copper's gate it is registered in the API's own route scope, so routing,
 * not a string prefix, decides that a request is an API request.
 *
 * Rate limits [USAGE, SEARCH, COMM]: a rolling 10-second budget per token and a daily budget per
 * account, both answered in `X-HubSpot-RateLimit-*` headers on every non-search reply; search has its
 * own 5 requests per second per account and its replies carry no rate headers. Whether a search also
 * counts against the 10-second budget is unconfirmed: here it counts against the daily budget only.
 * The order (rate limit before scopes) is unconfirmed. A 429 carries no `Retry-After` (whether
 * HubSpot sends one is unconfirmed): a client waits by `policyName` and the message [NODE].
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/open-database';
import { type FaultConfig, injectFaults } from '../faults';
import type { DailyBudget, RateLimiter } from '../rate-limiter';
import type { CrmUser } from '../route-context';
import { hashSecret } from '../security/secrets';
import { HubspotError, invalidAuthentication, missingScopes } from './hubspot-error';

export interface HubspotLimits {
  /** The 10-second rolling budget; the admin API may replace it while the server runs. */
  interval: () => RateLimiter;
  daily: DailyBudget;
  search: RateLimiter;
}

export interface HubspotGateDeps {
  db: Db;
  faults: FaultConfig;
  random: () => number;
  limits: HubspotLimits;
  scopes: ReadonlySet<string>;
  stats: { requests: number; rateLimited: number; refusedBy: Record<string, number> };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A search route: its own per-second limit, no rate headers. */
    hubspotSearch?: boolean;
  }
}

/** The daily limit is the account's: every token of this server shares it. */
const ACCOUNT = 'account';

const rateLimited = (message: string, policyName: string | undefined): HubspotError =>
  new HubspotError(429, message, 'RATE_LIMITS', {
    errorType: 'RATE_LIMIT',
    ...(policyName ? { policyName } : {}),
  });

export function createHubspotGate(deps: HubspotGateDeps) {
  const userByKeyHash = deps.db.prepare('SELECT id, name, email FROM users WHERE api_key_hash = ?');
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const { stats, limits } = deps;
    /** A 429, counted by policy for the benchmarks (`/admin/stats`). */
    const refuse = (message: string, policyName: string): HubspotError => {
      stats.rateLimited += 1;
      stats.refusedBy[policyName] = (stats.refusedBy[policyName] ?? 0) + 1;
      return rateLimited(message, policyName);
    };
    const failure = (status: 500 | 503) =>
      // The fault's body: HubSpot's error shape; its wording and category are unconfirmed.
      new HubspotError(status, status === 503 ? 'Service Unavailable' : 'internal error', undefined);
    if (await injectFaults(deps.faults, deps.random, request, reply, failure)) return reply;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const user = match?.[1] ? (userByKeyHash.get(hashSecret(match[1])) as CrmUser | undefined) : undefined;
    if (!user) throw invalidAuthentication();
    request.crmUser = user;
    stats.requests += 1;
    const interval = limits.interval();
    // `--rate-limit 0` (the browser tests) turns every limit off, headers included.
    if (interval.limit <= 0) return undefined;
    const token = String(user.id);
    if (request.routeOptions.config.hubspotSearch) {
      if (!limits.search.take(ACCOUNT)) {
        // [NODE, COMM]: the message HubSpot's client keys on; `policyName` for search is unconfirmed.
        throw refuse('You have reached your secondly limit.', 'SECONDLY');
      }
      if (!limits.daily.take(ACCOUNT)) {
        throw refuse('You have reached your daily limit.', 'DAILY');
      }
      return undefined;
    }
    const setHeaders = () => {
      reply.header('X-HubSpot-RateLimit-Daily', String(limits.daily.limit));
      reply.header('X-HubSpot-RateLimit-Daily-Remaining', String(limits.daily.remaining(ACCOUNT)));
      reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(interval.windowMs));
      reply.header('X-HubSpot-RateLimit-Max', String(interval.limit));
      reply.header('X-HubSpot-RateLimit-Remaining', String(interval.remaining(token)));
    };
    if (limits.daily.limit > 0 && limits.daily.remaining(ACCOUNT) === 0) {
      setHeaders();
      throw refuse('You have reached your daily limit.', 'DAILY');
    }
    if (!interval.take(token)) {
      setHeaders();
      throw refuse('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING');
    }
    limits.daily.take(ACCOUNT);
    setHeaders();
    return undefined;
  };
}

/** Refuses the request (403 MISSING_SCOPES) unless the token has one of `anyOf`. */
export function requireScopes(granted: ReadonlySet<string>, anyOf: readonly string[]): void {
  if (!anyOf.some((scope) => granted.has(scope))) throw missingScopes(anyOf);
}
