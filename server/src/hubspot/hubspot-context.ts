import type { Db } from '../db/open-database';
import type { HubspotStore } from './hubspot-store';

export interface HubspotContext {
  db: Db;
  store: HubspotStore;
  /** Epoch milliseconds. */
  nowMs: () => number;
  scopes: ReadonlySet<string>;
}
