import { isStorageFull } from '../../db/storage-full';
import type { DataClass, Egress, Purpose } from '../privacy/egress/egress-fetch';
import { EgressDenied } from '../privacy/egress/egress-fetch';
import { backoffDelay, parseRetryAfter } from './backoff';
import { CrmError } from './crm-error';
import type { RateLimiter } from './rate-limiter';

export interface CrmCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  purpose: Purpose;
  dataClasses: readonly DataClass[];
  /** CRM records the call concerns (`person:12`), for the audit log. */
  recordIds?: readonly string[];
  /** The Gmail account the call is made for (consent and the audit log are per account). */
  account?: string;
}

export interface CrmAnswer {
  status: number;
  json: unknown;
  total: number | null;
}

/** What the transport saw last: the sidebar shows "rate-limited, retrying" or "unreachable" from it. */
export type TransportHealth = 'ok' | 'rateLimited' | 'unreachable' | 'server' | 'unauthorized';

export interface CrmTransport {
  request(call: CrmCall): Promise<CrmAnswer>;
}

/**
 * One request path to the CRM: rate limiter → egress gate → retries of 429, 5xx and network errors
 * with exponential backoff and jitter (honouring Retry-After) → a typed CrmError for everything else.
 */
export function createCrmTransport(options: {
  egress: Egress;
  limiter: RateLimiter;
  baseUrl: string;
  headers: Record<string, string>;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onHealth?: (health: TransportHealth) => void;
}): CrmTransport {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 6;
  const report = (health: TransportHealth) => options.onHealth?.(health);

  return {
    async request(call) {
      let lastError: CrmError | null = null;
      let retryAfter: number | null = null;
      for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
        if (attempt > 0) {
          await sleep(
            backoffDelay(attempt - 1, {
              retryAfterMs: lastError?.kind === 'rateLimited' ? retryAfter : null,
              ...(options.random ? { random: options.random } : {}),
            }),
          );
        }
        await options.limiter.acquire();
        retryAfter = null;
        let response: Awaited<ReturnType<Egress>>;
        try {
          response = await options.egress({
            url: `${options.baseUrl}${call.path}`,
            method: call.method,
            headers: options.headers,
            ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
            purpose: call.purpose,
            dataClasses: call.dataClasses,
            ...(call.recordIds ? { recordIds: call.recordIds } : {}),
            ...(call.account === undefined ? {} : { account: call.account }),
          });
        } catch (error) {
          // The audit log could not be written (storage full): not the network's fault, and nothing
          // left the machine. Said as it is, so the outbox keeps the write and sync pauses (issue 17).
          if (isStorageFull(error)) throw error;
          if (error instanceof EgressDenied)
            throw new CrmError(
              error.policy ? 'policyBlocked' : error.consent ? 'consentRequired' : 'notConnected',
              error.message,
            );
          lastError = new CrmError('unreachable', 'network error');
          report('unreachable');
          continue;
        }
        const text = await response.text().catch(() => '');
        if (response.status === 429) {
          retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
          lastError = new CrmError('rateLimited', 'rate limited', 429);
          report('rateLimited');
          continue;
        }
        if (response.status >= 500) {
          lastError = new CrmError('server', `server error ${response.status}`, response.status);
          report('server');
          continue;
        }
        let json: unknown = null;
        if (text !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            throw new CrmError(
              'invalidResponse',
              'the CRM answered with something that is not JSON',
              response.status,
            );
          }
        }
        if (response.status === 401 || response.status === 403) {
          report('unauthorized');
          throw new CrmError('unauthorized', messageOf(json) ?? 'unauthorized', response.status);
        }
        if (response.status === 404) {
          report('ok');
          throw new CrmError('notFound', 'not found', 404);
        }
        if (response.status >= 400) {
          report('ok');
          throw new CrmError(
            'invalidInput',
            messageOf(json) ?? `refused (${response.status})`,
            response.status,
          );
        }
        report('ok');
        const totalHeader = response.headers.get('X-PW-TOTAL');
        const total = totalHeader !== null && /^\d+$/.test(totalHeader) ? Number(totalHeader) : null;
        return { status: response.status, json, total };
      }
      throw lastError ?? new CrmError('unreachable', 'no attempt was made');
    },
  };
}

function messageOf(json: unknown): string | null {
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') {
    return json.message.slice(0, 300);
  }
  return null;
}
