import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from './db/open-database';
import { type Clock, systemClock } from './db/record-store';
import { type FaultConfig, NO_FAULTS, seededRandom } from './faults';
import { trackConnections } from './http/close-connections';
import { CopperError } from './http/copper-error';
import { parseAdminInput } from './http/parse-input';
import { HubspotError } from './hubspot/hubspot-error';
import { createHubspotGate } from './hubspot/hubspot-gate';
import { createHubspotStore } from './hubspot/hubspot-store';
import { ALL_SCOPES } from './hubspot/object-types';
import { HUBSPOT_CORS, registerHubspotApi } from './hubspot/register-hubspot-api';
import { createDailyBudget, createRateLimiter } from './rate-limiter';
import type { DateOrder, RouteContext } from './route-context';
import { registerAccount } from './routes/account';
import { registerActivities } from './routes/activities';
import { storedDateOrder } from './routes/close-date';
import { registerCompanies } from './routes/companies';
import { registerLeads } from './routes/leads';
import { registerOpportunities } from './routes/opportunities';
import { registerPeople } from './routes/people';
import { registerRelated } from './routes/related';
import { registerTasks } from './routes/tasks';
import { createApiGate } from './security/api-gate';
import { COPPER_CORS, registerRequestGuards } from './security/request-guards';
import { hashSecret, matchesHash } from './security/secrets';

export const API_PREFIX = '/developer_api/v1';
export const ADMIN_PREFIX = '/__admin';
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

export interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  userEmail: string | null;
  body: string;
}

const MAX_RECORDED = 10_000;

const adminConfigInput = z.strictObject({
  rateLimit: z.number().int().min(0).optional(),
  rateWindowMs: z.number().int().min(1).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  failRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
});

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
  let limiter = createRateLimiter({
    limit: options.rateLimit ?? (hubspot ? HUBSPOT_TIERS.free.interval : 180),
    windowMs: options.rateWindowMs ?? (hubspot ? 10_000 : 60_000),
    nowMs,
  });
  const faults: FaultConfig = { ...NO_FAULTS, ...options.faults };
  const random = seededRandom(options.faultSeed ?? 1);
  const recorded: RecordedRequest[] = [];
  /** For benchmarks: how many API requests arrived, and how many were refused by the rate limit. */
  const stats = { requests: 0, rateLimited: 0 };
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

  /** The personality's error body for errors that are not its own (Fastify's, the admin API's are Copper-shaped). */
  const errorBody = (status: number, message: string): Record<string, unknown> =>
    hubspot
      ? new HubspotError(status, message, status === 400 ? 'VALIDATION_ERROR' : undefined).body()
      : { success: false, status, message };

  app.setErrorHandler((error: FastifyError | CopperError | HubspotError, _request, reply) => {
    if (error instanceof CopperError) return reply.status(error.status).send(error.body());
    if (error instanceof HubspotError) return reply.status(error.status).send(error.body());
    const code = (error as FastifyError).code;
    const mapped: Record<string, [number, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: [413, `Request body too large: the limit is ${BODY_LIMIT_BYTES} bytes`],
      FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Malformed JSON body'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported Content-Type: send application/json'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Content-Length does not match the body'],
    };
    const known = code ? mapped[code] : undefined;
    if (known) return reply.status(known[0]).send(errorBody(known[0], known[1]));
    if (error instanceof SyntaxError) return reply.status(400).send(errorBody(400, 'Malformed JSON body'));
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500)
      return reply.status(status).send(errorBody(status, error.message));
    return reply.status(500).send(errorBody(500, 'Internal Server Error'));
  });

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
        interval: () => limiter,
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
    const gateApi = createApiGate({ db, faults, random, limiter: () => limiter, stats });
    await app.register(
      async (copper) => {
        copper.addHook('onRequest', gateApi);
        if (options.recordRequests) copper.addHook('preHandler', recordRequest);
        // An unknown path under the API prefix asks for a key first, as every other API request does.
        copper.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));
        registerPeople(copper, ctx);
        registerCompanies(copper, ctx);
        registerLeads(copper, ctx);
        registerOpportunities(copper, ctx);
        registerActivities(copper, ctx);
        registerTasks(copper, ctx);
        registerAccount(copper, ctx);
        registerRelated(copper, ctx);
      },
      { prefix: API_PREFIX },
    );
  }

  const adminTokenSha256 =
    options.adminTokenSha256 ?? (options.adminToken ? hashSecret(options.adminToken) : undefined);
  if (adminTokenSha256) {
    await app.register(
      async (admin) => {
        // In the admin scope, like the API's gate: every admin route, however its path is spelled.
        admin.addHook('onRequest', async (request) => {
          const given = request.headers['x-admin-token'];
          if (typeof given !== 'string' || !matchesHash(given, adminTokenSha256)) {
            throw new CopperError(401, 'Unauthorized: X-Admin-Token is missing or wrong');
          }
        });
        admin.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));
        admin.get('/config', async () => ({
          rateLimit: limiter.limit,
          rateWindowMs: limiter.windowMs,
          ...faults,
        }));
        admin.post('/config', async (request) => {
          const input = parseAdminInput(adminConfigInput, request.body);
          if (input.rateLimit !== undefined || input.rateWindowMs !== undefined) {
            limiter = createRateLimiter({
              limit: input.rateLimit ?? limiter.limit,
              windowMs: input.rateWindowMs ?? limiter.windowMs,
              nowMs,
            });
          }
          if (input.latencyMs !== undefined) faults.latencyMs = input.latencyMs;
          if (input.failRate !== undefined) faults.failRate = input.failRate;
          if (input.dropRate !== undefined) faults.dropRate = input.dropRate;
          return { rateLimit: limiter.limit, rateWindowMs: limiter.windowMs, ...faults };
        });
        admin.get('/requests', async () => recorded);
        admin.get('/stats', async () => stats);
        admin.delete('/requests', async () => {
          recorded.length = 0;
          return { cleared: true };
        });
      },
      { prefix: ADMIN_PREFIX },
    );
  }

  return app;
}
