import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from './db/open-database';
import { type Clock, systemClock } from './db/record-store';
import { type FaultConfig, NO_FAULTS, seededRandom } from './faults';
import { trackConnections } from './http/close-connections';
import { CopperError } from './http/copper-error';
import { parseAdminInput } from './http/parse-input';
import { createRateLimiter } from './rate-limiter';
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
import { registerRequestGuards } from './security/request-guards';
import { hashSecret, matchesHash } from './security/secrets';

export const API_PREFIX = '/developer_api/v1';
export const ADMIN_PREFIX = '/__admin';
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface CrmServerOptions {
  db: Db;
  clock?: Clock;
  /** Milliseconds, for the rate limiter's rolling window. */
  nowMs?: () => number;
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

/** The Copper-compatible CRM server (reference/copper-api.md), as a Fastify app not yet listening. */
export async function createCrmServer(options: CrmServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const nowMs = options.nowMs ?? Date.now;
  let limiter = createRateLimiter({
    limit: options.rateLimit ?? 180,
    windowMs: options.rateWindowMs ?? 60_000,
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

  await registerRequestGuards(app);

  const gateApi = createApiGate({ db, faults, random, limiter: () => limiter, stats });

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

  app.setErrorHandler((error: FastifyError | CopperError, _request, reply) => {
    if (error instanceof CopperError) return reply.status(error.status).send(error.body());
    const code = (error as FastifyError).code;
    const mapped: Record<string, [number, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: [413, `Request body too large: the limit is ${BODY_LIMIT_BYTES} bytes`],
      FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Malformed JSON body'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported Content-Type: send application/json'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Content-Length does not match the body'],
    };
    const known = code ? mapped[code] : undefined;
    if (known) return reply.status(known[0]).send({ success: false, status: known[0], message: known[1] });
    if (error instanceof SyntaxError)
      return reply.status(400).send({ success: false, status: 400, message: 'Malformed JSON body' });
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ success: false, status, message: error.message });
    }
    return reply.status(500).send({ success: false, status: 500, message: 'Internal Server Error' });
  });

  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));

  await app.register(
    async (api) => {
      api.addHook('onRequest', gateApi);
      if (options.recordRequests) api.addHook('preHandler', recordRequest);
      // An unknown path under the API prefix asks for a key first, as every other API request does.
      api.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));
      registerPeople(api, ctx);
      registerCompanies(api, ctx);
      registerLeads(api, ctx);
      registerOpportunities(api, ctx);
      registerActivities(api, ctx);
      registerTasks(api, ctx);
      registerAccount(api, ctx);
      registerRelated(api, ctx);
    },
    { prefix: API_PREFIX },
  );

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
