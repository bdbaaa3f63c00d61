import type { Db } from './db/open-database';
import type { Clock } from './db/record-store';

export interface CrmUser {
  id: number;
  name: string;
  email: string;
}

export interface RouteContext {
  db: Db;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated Copper user (set by the auth hook for every API route). */
    crmUser: CrmUser | null;
  }
}
