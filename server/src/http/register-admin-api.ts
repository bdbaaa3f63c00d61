/**
 * The admin API under /__admin (not a CRM's API): the request log, fault injection and rate-limit
 * settings that tests and benchmarks change while the server runs, and request counts. Guarded by
 * the admin token's hash; without one it does not exist.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FaultConfig } from '../faults';
import { createRateLimiter, type RateLimiter } from '../rate-limiter';
import { matchesHash } from '../security/secrets';
import { CopperError } from './copper-error';
import { parseAdminInput } from './parse-input';

export const ADMIN_PREFIX = '/__admin';

export interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  userEmail: string | null;
  body: string;
}

export interface AdminState {
  adminTokenSha256: string;
  /** The API's per-window limiter: the admin API replaces it. */
  limiter: { current: RateLimiter };
  /** Changed in place: the API's gate reads it on every request. */
  faults: FaultConfig;
  recorded: RecordedRequest[];
  stats: { requests: number; rateLimited: number };
  nowMs: () => number;
}

const adminConfigInput = z.strictObject({
  rateLimit: z.number().int().min(0).optional(),
  rateWindowMs: z.number().int().min(1).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  failRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
});

export async function registerAdminApi(app: FastifyInstance, state: AdminState): Promise<void> {
  const { limiter, faults, recorded } = state;
  const config = () => ({
    rateLimit: limiter.current.limit,
    rateWindowMs: limiter.current.windowMs,
    ...faults,
  });
  await app.register(
    async (admin) => {
      // In the admin scope, like the API's gate: every admin route, however its path is spelled.
      admin.addHook('onRequest', async (request) => {
        const given = request.headers['x-admin-token'];
        if (typeof given !== 'string' || !matchesHash(given, state.adminTokenSha256)) {
          throw new CopperError(401, 'Unauthorized: X-Admin-Token is missing or wrong');
        }
      });
      admin.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));
      admin.get('/config', async () => config());
      admin.post('/config', async (request) => {
        const input = parseAdminInput(adminConfigInput, request.body);
        if (input.rateLimit !== undefined || input.rateWindowMs !== undefined) {
          limiter.current = createRateLimiter({
            limit: input.rateLimit ?? limiter.current.limit,
            windowMs: input.rateWindowMs ?? limiter.current.windowMs,
            nowMs: state.nowMs,
          });
        }
        if (input.latencyMs !== undefined) faults.latencyMs = input.latencyMs;
        if (input.failRate !== undefined) faults.failRate = input.failRate;
        if (input.dropRate !== undefined) faults.dropRate = input.dropRate;
        return config();
      });
      admin.get('/requests', async () => recorded);
      admin.get('/stats', async () => state.stats);
      admin.delete('/requests', async () => {
        recorded.length = 0;
        return { cleared: true };
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
