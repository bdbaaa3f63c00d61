/**
 * The CRM kinds Threadline can connect to, each an adapter folder under `crm/`. The rest of the
 * worker asks this registry and sees only `CrmClient`: it never knows a CRM's headers, ids or paging.
 */
import type { CrmKind } from '../../shared/protocol';
import { copperAdapter, localCopperAdapter } from './copper/copper-adapter';
import type { CrmClient } from './crm-client';
import type { CrmTransport } from './crm-transport';

export interface CrmAdapter {
  kind: CrmKind;
  /** The API's base URL: fixed for a hosted CRM, the typed address for a local one (throws if unsafe). */
  baseUrl(typed: string): string;
  /** Request headers that carry the credentials. */
  headers(apiKey: string, email: string): Record<string, string>;
  /** Requests per minute Threadline allows itself by default (just under the CRM's own limit). */
  requestsPerMinute: number;
  /** Host permissions the options page asks for when connecting. */
  permissionOrigins: readonly string[];
  /** A client for one Gmail account (consent and the audit log are per account). */
  createClient(transport: CrmTransport, account?: string): CrmClient;
}

const REGISTRY: Record<CrmKind, CrmAdapter> = {
  local: localCopperAdapter,
  copper: copperAdapter,
};

export function crmAdapter(kind: CrmKind): CrmAdapter {
  return REGISTRY[kind];
}
