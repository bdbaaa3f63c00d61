import type { Db } from './db/open-database';
import type { Clock } from './db/record-store';

export interface CrmUser {
  id: number;
  name: string;
  email: string;
}

/** The account's date order: Copper writes and reads `close_date` strings in it. */
export type DateOrder = 'MM/DD' | 'DD/MM';

export interface RouteContext {
  db: Db;
  clock: Clock;
  dateOrder: DateOrder;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated Copper user (set by the auth hook for every API route). */
    crmUser: CrmUser | null;
  }
}
