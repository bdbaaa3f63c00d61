import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Db } from './db/open-database';
import { type Clock, systemClock } from './db/record-store';
import { type FaultConfig, NO_FAULTS, seededRandom } from './faults';
import { trackConnections } from './http/close-connections';
import { ADMIN_PREFIX, type RecordedRequest, registerAdminApi } from './http/register-admin-api';
import { copperErrorBody, hubspotErrorBody, registerErrorHandler } from './http/register-error-handler';
import { createHubspotGate } from './hubspot/hubspot-gate';
import { createHubspotStore } from './hubspot/hubspot-store';
import { ALL_SCOPES } from './hubspot/object-types';
import { HUBSPOT_CORS, registerHubspotApi } from './hubspot/register-hubspot-api';
import { createDailyBudget, createRateLimiter, type RateLimiter } from './rate-limiter';
import type { DateOrder, RouteContext } from './route-context';
import { storedDateOrder } from './routes/close-date';
import { API_PREFIX, registerCopperApi } from './routes/register-copper-api';
import { createApiGate } from './security/api-gate';
import { COPPER_CORS, registerRequestGuards } from './security/request-guards';
import { hashSecret } from './security/secrets';

export { ADMIN_PREFIX, API_PREFIX, type RecordedRequest };
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Which CRM's API the server speaks (ARCHITECTURE.md: one store, a personality per CRM). */
export type CrmApi = 'copper' | 'hubspot';

/**
 * HubSpot's private-app limits per tier [USAGE]: requests per 10 s (per app) and per day (per account).
 * Professional's daily figure is 625,000 in the usage guide and 650,000 in a changelog: the lower is kept.
 */
export const HUBSPOT_TIERS = {
  free: { interval: 100, daily: 250_000 },
  starter: { interval: 100, daily: 250_000 },
  professional: { interval: 190, daily: 625_000 },
  enterprise: { interval: 190, daily: 1_000_000 },
} as const;
export type HubspotTier = keyof typeof HUBSPOT_TIERS;

export interface HubspotServerOptions {
  /** The token's scopes; all the reference lists by default. */
  scopes?: readonly string[];
  /** Requests per day for the account (the tier's by default). */
  dailyLimit?: number;
  /** Search requests per second for the account [SEARCH]: 5. */
  searchPerSecond?: number;
}

export interface CrmServerOptions {
  db: Db;
  /** `copper` (the default) or `hubspot`. */
  api?: CrmApi;
  hubspot?: HubspotServerOptions;
  clock?: Clock;
  /** Milliseconds: the rate limiters' clock, and HubSpot's record times. */
  nowMs?: () => number;
  /** Requests per window per user/token: Copper 180 per minute, HubSpot the Free tier's 100 per 10 s. */
  rateLimit?: number;
  rateWindowMs?: number;
  faults?: Partial<FaultConfig>;
  faultSeed?: number;
  /** Guards /__admin; without it (or `adminTokenSha256`) the admin endpoints are off. */
  adminToken?: string;
  /** The admin token's SHA-256 (hex), as `npm run crm` keeps it: the server never needs the token itself. */
  adminTokenSha256?: string;
  /** The account's date order for `close_date` strings (`MM/DD` by default, as Copper's example). */
  dateOrder?: DateOrder;
  /** Keep the last requests (method, path, body) for tests that check what left the browser. */
  recordRequests?: boolean;
}

const MAX_RECORDED = 10_000;

/**
 * The local CRM server as a Fastify app not yet listening: Copper's API (reference/copper-api.md) or
 * HubSpot's (reference/hubspot-api.md), behind the same request guards, fault injection, request log
 * and admin API.
 */
export async function createCrmServer(options: CrmServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const api = options.api ?? 'copper';
  const hubspot = api === 'hubspot';
  const clock = options.clock ?? systemClock;
  const nowMs = options.nowMs ?? Date.now;
  // A holder, because the admin API replaces the limiter while the server runs.
  const limiter: { current: RateLimiter } = {
    current: createRateLimiter({
      limit: options.rateLimit ?? (hubspot ? HUBSPOT_TIERS.free.interval : 180),
      windowMs: options.rateWindowMs ?? (hubspot ? 10_000 : 60_000),
      nowMs,
    }),
  };
  const faults: FaultConfig = { ...NO_FAULTS, ...options.faults };
  const random = seededRandom(options.faultSeed ?? 1);
  const recorded: RecordedRequest[] = [];
  /** For benchmarks: how many API requests arrived, and how many were refused by the rate limit. */
  const stats = { requests: 0, rateLimited: 0, refusedBy: {} as Record<string, number> };
  const ctx: RouteContext = { db, clock, dateOrder: options.dateOrder ?? storedDateOrder(db) };

  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false, routerOptions: { maxParamLength: 200 } });
  const connections = trackConnections(app.server);
  app.addHook('preClose', (done) => {
    connections.beginClosing();
    done();
  });
  app.decorateRequest('crmUser', null);
  // Copper's API speaks JSON only: anything else is a 415, not a string body.
  app.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser (which guards against prototype poisoning), except that an empty
  // body with a JSON Content-Type (a GET or DELETE from many clients) counts as no body.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') done(null, undefined);
    else jsonParser(request, text, done);
  });

  await registerRequestGuards(app, hubspot ? HUBSPOT_CORS : COPPER_CORS);

  const recordRequest = async (request: FastifyRequest): Promise<void> => {
    recorded.push({
      at: nowMs(),
      method: request.method,
      url: request.url,
      userEmail: request.crmUser?.email ?? null,
      body: request.body === undefined ? '' : JSON.stringify(request.body),
    });
    if (recorded.length > MAX_RECORDED) recorded.splice(0, recorded.length - MAX_RECORDED);
  };

  registerErrorHandler(app, BODY_LIMIT_BYTES, hubspot ? hubspotErrorBody : copperErrorBody);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));

  if (hubspot) {
    const scopes = new Set<string>(options.hubspot?.scopes ?? ALL_SCOPES);
    const gate = createHubspotGate({
      db,
      faults,
      random,
      scopes,
      stats,
      limits: {
        interval: () => limiter.current,
        daily: createDailyBudget({ limit: options.hubspot?.dailyLimit ?? HUBSPOT_TIERS.free.daily, nowMs }),
        search: createRateLimiter({ limit: options.hubspot?.searchPerSecond ?? 5, windowMs: 1000, nowMs }),
      },
    });
    await registerHubspotApi(
      app,
      { db, store: createHubspotStore(db), nowMs, scopes },
      { gate, record: options.recordRequests ? recordRequest : null },
    );
  } else {
    const gate = createApiGate({ db, faults, random, limiter: () => limiter.current, stats });
    await registerCopperApi(app, ctx, { gate, record: options.recordRequests ? recordRequest : null });
  }

  const adminTokenSha256 =
    options.adminTokenSha256 ?? (options.adminToken ? hashSecret(options.adminToken) : undefined);
  if (adminTokenSha256)
    await registerAdminApi(app, { adminTokenSha256, limiter, faults, recorded, stats, nowMs });

  return app;
}
