/**
 * The egress gate: the ONLY code in Threadline that performs network I/O (ARCHITECTURE.md; lint and a
 * structure test forbid fetch, XMLHttpRequest, WebSocket and sendBeacon elsewhere). Every call names
 * its purpose and the classes of data it carries. In order, a call must:
 * 0. be allowed by the admin policy in force NOW (the saved connection's CRM kind and origin, and
 *    no Gmail data while the policy cannot be read): a policy change stops a saved connection at once;
 * 1. go to the configured CRM origin or an admin-allowed host, over HTTPS (HTTP only to loopback);
 * 2. be allowed by the deny-by-default matrix (egress-policy.ts);
 * 3. have the user's current consent when the matrix asks for it;
 * and every call that is not a plain CRM read is written to the audit log before it leaves
 * (purpose, host, data classes, record ids, bytes: never content). It then waits for its turn
 * (`beforeSend`: the CRM's rate limiters) and leaves without the
 * browser's cookies, without a referrer, refusing redirects, and is abandoned after
 * REQUEST_TIMEOUT_MS. egress-fetch.test.ts holds one failing test per rule if the rule goes.
 */
import {
  type ConsentScope,
  type DataClass,
  type Destination,
  decideEgress,
  type Purpose,
} from './egress-policy';

export type { DataClass, Purpose } from './egress-policy';

export interface EgressRequest {
  url: string;
  // PATCH: HubSpot's record updates (issue 16).
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  purpose: Purpose;
  dataClasses: readonly DataClass[];
  /** CRM records the call concerns (`person:12`), for the audit log. */
  recordIds?: readonly string[];
  /** The Gmail account whose data this is ('' for calls that concern no account, e.g. auth). */
  account?: string;
  /**
   * Awaited last, after every check and the audit entry, right before the request leaves: the CRM's
   * rate limiters take their turn here, so the time they count is the time the CRM sees (an audit
   * write that waits on a busy database no longer bunches requests past the CRM's limit).
   */
  beforeSend?: () => Promise<void>;
}

export interface EgressResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface AuditEntry {
  account: string;
  at: number;
  purpose: Purpose;
  host: string;
  method: EgressRequest['method'];
  dataClasses: DataClass[];
  recordIds: string[];
  bytes: number;
}

export class EgressDenied extends Error {
  override name = 'EgressDenied';
  constructor(
    message: string,
    /** Set when the call was refused only for want of this consent. */
    readonly consent: ConsentScope | null = null,
    /** Set when the admin policy in force refused it (the user sees why; it may pass after a change). */
    readonly policy = false,
  ) {
    super(message);
  }
}

export const REQUEST_TIMEOUT_MS = 20_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isAllowedCrmOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

export type Egress = (request: EgressRequest) => Promise<EgressResponse>;

/** Plain reads of CRM data are not transfers of anything of the user's: they are not audited. */
const audited = (request: EgressRequest): boolean => request.purpose !== 'syncRecords';

export function createEgress(options: {
  /** The configured CRM origin, or null when no CRM is connected. */
  allowedOrigin: () => string | null;
  /** Further hosts an administrator allowed (ExtraAllowedCrmHosts), reached over HTTPS only. */
  extraHosts?: () => readonly string[];
  /** Whether the user has agreed to the current disclosure for this scope. */
  hasConsent?: (scope: ConsentScope, account: string) => Promise<boolean>;
  audit?: (entry: AuditEntry) => Promise<void>;
  now?: () => number;
  fetchImpl?: (url: string, init: RequestInit) => Promise<EgressResponse>;
  /**
   * Rule 0: why the current admin policy refuses this call (null: it does not). Asked on every call,
   * never cached, so the allowed destination follows the policy as it is now.
   */
  policyRefusal?: (request: EgressRequest) => Promise<string | null>;
}): Egress {
  const send = options.fetchImpl ?? ((url: string, init: RequestInit) => fetch(url, init));
  const now = options.now ?? Date.now;
  return async (request) => {
    const refused = (await options.policyRefusal?.(request)) ?? null;
    if (refused !== null) throw new EgressDenied(refused, null, true);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new EgressDenied('not a URL');
    }
    const allowed = options.allowedOrigin();
    if (allowed === null) throw new EgressDenied('no CRM is connected');
    if (!isAllowedCrmOrigin(url.origin)) throw new EgressDenied(`insecure destination ${url.protocol}`);
    const destination: Destination =
      url.origin === new URL(allowed).origin
        ? 'crm'
        : url.protocol === 'https:' && (options.extraHosts?.() ?? []).includes(url.host.toLowerCase())
          ? 'adminHost'
          : 'other';
    if (destination === 'other') throw new EgressDenied(`destination ${url.host} is not the CRM`);
    const decision = decideEgress(request.purpose, request.dataClasses, destination);
    if (!decision.allow) throw new EgressDenied(decision.reason);
    const account = request.account ?? '';
    if (
      decision.consent !== null &&
      (account === '' || !(await (options.hasConsent?.(decision.consent, account) ?? false)))
    ) {
      throw new EgressDenied(`no consent for ${request.purpose}`, decision.consent);
    }
    if (audited(request)) {
      await options.audit?.({
        account,
        at: now(),
        purpose: request.purpose,
        host: url.host,
        method: request.method,
        dataClasses: [...request.dataClasses],
        recordIds: [...(request.recordIds ?? [])],
        bytes: request.body === undefined ? 0 : new TextEncoder().encode(request.body).byteLength,
      });
    }
    await request.beforeSend?.();
    // A CRM that accepts the connection but never answers must not stall sync or the outbox. A timer
    // of our own rather than AbortSignal.timeout, so tests drive it with a fake clock; it is left to
    // run after the answer so it also bounds reading the body (aborting a finished request is a no-op).
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`no answer within ${REQUEST_TIMEOUT_MS} ms`, 'TimeoutError')),
      REQUEST_TIMEOUT_MS,
    );
    try {
      return await send(url.href, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        // No cookies or HTTP auth of the browser's: the CRM sees the API key and nothing else.
        credentials: 'omit',
        cache: 'no-store',
        // A redirect could take the request (and its API key) to a host the checks above never saw.
        redirect: 'error',
        // The CRM learns nothing of the page or extension URL the request came from.
        referrer: '',
        referrerPolicy: 'no-referrer',
        signal: timeout.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
  };
}
