/**
 * The egress gate: the ONLY code in Threadline that performs network I/O (ARCHITECTURE.md; a lint
 * rule forbids fetch elsewhere). Every call names its purpose and the classes of data it carries;
 * the destination must be the configured CRM origin, over HTTPS (plain HTTP only to loopback, for the
 * local demo CRM). Issue 6 adds the full purpose × data-class matrix, consent and the audit log here.
 */
export type Purpose = 'auth' | 'lookupContact' | 'syncRecords' | 'createRecord' | 'updateRecord';
export type DataClass = 'googleUserData' | 'crmData' | 'credentials';

export interface EgressRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  purpose: Purpose;
  dataClasses: readonly DataClass[];
}

export interface EgressResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export class EgressDenied extends Error {
  override name = 'EgressDenied';
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

export function createEgress(options: {
  /** The configured CRM origin, or null when no CRM is connected. */
  allowedOrigin: () => string | null;
  /** Further hosts an administrator allowed (ExtraAllowedCrmHosts), reached over HTTPS only. */
  extraHosts?: () => readonly string[];
  fetchImpl?: (url: string, init: RequestInit) => Promise<EgressResponse>;
}): Egress {
  const send = options.fetchImpl ?? ((url: string, init: RequestInit) => fetch(url, init));
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new EgressDenied('not a URL');
    }
    const allowed = options.allowedOrigin();
    if (allowed === null) throw new EgressDenied('no CRM is connected');
    if (!isAllowedCrmOrigin(url.origin)) throw new EgressDenied(`insecure destination ${url.protocol}`);
    const extra =
      url.protocol === 'https:' && (options.extraHosts?.() ?? []).includes(url.host.toLowerCase());
    if (url.origin !== new URL(allowed).origin && !extra) {
      throw new EgressDenied(`destination ${url.host} is not the CRM`);
    }
    return send(url.href, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      // A CRM that accepts the connection but never answers must not stall sync or the outbox.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  };
}
