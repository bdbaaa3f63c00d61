/**
 * The CRM kinds Threadline can connect to, each an adapter folder under `crm/`. The rest of the
 * worker asks this registry and sees only `CrmClient`: it never knows a CRM's headers, ids or paging.
 */
import type { CrmKind } from '../../shared/protocol';
import { copperAdapter, localCopperAdapter } from './copper/copper-adapter';
import type { CrmClient } from './crm-client';
import type { CrmTransport, RateLimitVerdict } from './crm-transport';
import { hubspotAdapter } from './hubspot/hubspot-adapter';

/** A rolling-window request budget: at most `limit` requests in any `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface CrmAdapter {
  kind: CrmKind;
  /** The API's base URL: fixed for a hosted CRM, the typed address for a local one (throws if unsafe). */
  baseUrl(typed: string): string;
  /** Request headers that carry the credentials. */
  headers(apiKey: string, email: string): Record<string, string>;
  /**
   * The budget Threadline allows itself by default (just under the CRM's own limit); a number typed
   * at connect (`requestsPerWindow`) replaces `limit` for the same window.
   */
  rateLimit: RateLimit;
  /** A separate budget for requests flagged `search` (HubSpot: 5 a second). */
  searchRateLimit?: RateLimit;
  /** The CRM's own statement of the limit on a reply, which then replaces `rateLimit.limit`. */
  limitFromHeaders?: (get: (name: string) => string | null) => number | null;
  /** What a 429 body asks for (see RateLimitVerdict). */
  rateLimitVerdict?: (json: unknown) => RateLimitVerdict;
  /** What this CRM has; absent: everything. `tags`: person tags Threadline can write. */
  features?: { leads: boolean; tags: boolean };
  /**
   * A client for one Gmail account (consent and the audit log are per account); `connection.email`
   * is the CRM user the connection acts as.
   */
  createClient(transport: CrmTransport, account?: string, connection?: { email: string }): CrmClient;
}

const REGISTRY: Record<CrmKind, CrmAdapter> = {
  local: localCopperAdapter,
  copper: copperAdapter,
  hubspot: hubspotAdapter,
};

export function crmAdapter(kind: CrmKind): CrmAdapter {
  return REGISTRY[kind];
}
