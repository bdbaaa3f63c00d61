/**
 * The hook every API route runs first: injected faults, then authentication (Copper's three X-PW-*
 * headers, the key compared by its SHA-256 with the stored hash), then the per-user rate limit.
 * It is registered in the API's own route scope (create-crm-server.ts), so it runs for every route
 * that matched, however the URL was spelled (percent-encoded, absolute-form, dot segments): routing,
 * not a string prefix, decides that a request is an API request (issue 14).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/open-database';
import { type FaultConfig, injectFaults } from '../faults';
import { CopperError } from '../http/copper-error';
import type { RateLimiter } from '../rate-limiter';
import type { CrmUser } from '../route-context';
import { hashSecret } from './secrets';

export interface ApiGateDeps {
  db: Db;
  /** Read on every request: the admin API changes them while the server runs. */
  faults: FaultConfig;
  random: () => number;
  limiter: () => RateLimiter;
  /** For benchmarks: authenticated API requests, and how many of them the rate limit refused. */
  stats: { requests: number; rateLimited: number };
}

export function createApiGate(deps: ApiGateDeps) {
  const userByKeyHash = deps.db.prepare('SELECT id, name, email FROM users WHERE api_key_hash = ?');
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const { faults, stats } = deps;
    const failure = (status: 500 | 503) =>
      new CopperError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    if (await injectFaults(faults, deps.random, request, reply, failure)) return reply;
    const token = request.headers['x-pw-accesstoken'];
    const application = request.headers['x-pw-application'];
    const email = request.headers['x-pw-useremail'];
    const user =
      typeof token === 'string' && token !== ''
        ? (userByKeyHash.get(hashSecret(token)) as CrmUser | undefined)
        : undefined;
    if (
      !user ||
      application !== 'developer_api' ||
      typeof email !== 'string' ||
      email.toLowerCase() !== user.email.toLowerCase()
    ) {
      throw new CopperError(
        401,
        'Unauthorized: check the X-PW-AccessToken, X-PW-Application and X-PW-UserEmail headers',
      );
    }
    request.crmUser = user;
    stats.requests += 1;
    const limiter = deps.limiter();
    if (!limiter.take(String(user.id))) {
      stats.rateLimited += 1;
      throw new CopperError(
        429,
        `Rate limit exceeded: ${limiter.limit} requests per ${limiter.windowMs / 1000} s`,
      );
    }
    return undefined;
  };
}
