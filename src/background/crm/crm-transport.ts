import { isStorageFull } from '../../db/storage-full';
import type { DataClass, Egress, Purpose } from '../privacy/egress/egress-fetch';
import { EgressDenied } from '../privacy/egress/egress-fetch';
import { backoffDelay, parseRetryAfter } from './backoff';
import { CrmError } from './crm-error';
import type { RateLimiter } from './rate-limiter';

export interface CrmCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** A search request: it also waits for the CRM's separate search limit, if it has one. */
  search?: boolean;
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
  /** A header of the answer (an adapter reads its CRM's own ones, such as a result count). */
  header(name: string): string | null;
}

/**
 * What an adapter reads from a 429 body (its CRM's own policies): wait this long and retry, or stop
 * every request for this long with a plain message. null: the generic backoff.
 */
export type RateLimitVerdict = { retryAfterMs: number } | { stopForMs: number; message: string } | null;

/** What the transport saw last: the sidebar shows "rate-limited, retrying" or "unreachable" from it. */
export type TransportHealth = 'ok' | 'rateLimited' | 'unreachable' | 'server' | 'unauthorized';

export interface CrmTransport {
  request(call: CrmCall): Promise<CrmAnswer>;
}

/**
 * A POST that reads (a CRM's `…/search`, HubSpot's `…/batch/read`) may be sent twice;
 * any other POST creates a record. A 5xx or a dropped connection can come after the CRM made it, so
 * the transport does not send a create again: the error goes back to the outbox, whose duplicate
 * check (find the record first) runs before it sends the write again. 429s are refused before
 * anything is made, so every request is retried on those. GET, PUT, PATCH and DELETE are idempotent.
 */
const READ_BY_POST = /\/(?:search|batch\/read)(?:\?|$)/;
const mayResend = (call: Pick<CrmCall, 'method' | 'path'>): boolean =>
  call.method !== 'POST' || READ_BY_POST.test(call.path);

/**
 * One request path to the CRM: egress gate (its checks and audit entry, then the rate limiters' turn
 * just before it leaves) → retries of 429, 5xx and network errors
 * with exponential backoff and jitter (honouring Retry-After; a create is not sent again after a 5xx
 * or a network error, see mayResend) → a typed CrmError for everything else.
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
  /** Requests flagged `search` wait for this one too. */
  searchLimiter?: RateLimiter;
  /** The adapter's reading of a 429 body. */
  rateLimitVerdict?: (json: unknown) => RateLimitVerdict;
  /** Every answer's headers, for an adapter that learns its limit from them. */
  onHeaders?: (get: (name: string) => string | null) => void;
  now?: () => number;
}): CrmTransport {
  const now = options.now ?? Date.now;
  /** A stop a 429 asked for (a daily limit): until then nothing is sent. */
  let stopped: { until: number; message: string } | null = null;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 6;
  const report = (health: TransportHealth) => options.onHealth?.(health);
  const acquireTurn = (search: boolean) => async () => {
    await options.limiter.acquire();
    if (search) await options.searchLimiter?.acquire();
  };

  return {
    async request(call) {
      if (stopped && now() < stopped.until) throw new CrmError('rateLimited', stopped.message, 429);
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
            // The limiters count the moment the request leaves, after the gate's checks and audit
            // entry, which is the moment the CRM counts: a turn taken earlier could be spent waiting
            // on the audit log while later requests, which had no such wait, bunch up behind it.
            beforeSend: acquireTurn(call.search === true),
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
          if (!mayResend(call)) throw lastError;
          continue;
        }
        const text = await response.text().catch(() => '');
        options.onHeaders?.((name) => response.headers.get(name));
        if (response.status === 429) {
          retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
          const verdict = options.rateLimitVerdict?.(parseJson(text)) ?? null;
          if (verdict && 'stopForMs' in verdict) {
            stopped = { until: now() + verdict.stopForMs, message: verdict.message };
            report('rateLimited');
            throw new CrmError('rateLimited', verdict.message, 429);
          }
          if (verdict) retryAfter = Math.max(retryAfter ?? 0, verdict.retryAfterMs);
          lastError = new CrmError('rateLimited', 'rate limited', 429);
          report('rateLimited');
          continue;
        }
        if (response.status >= 500) {
          lastError = new CrmError('server', `server error ${response.status}`, response.status);
          report('server');
          if (!mayResend(call)) throw lastError;
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
          throw new CrmError('unauthorized', messageOf(json) ?? 'unauthorized', response.status, json);
        }
        if (response.status === 404) {
          report('ok');
          throw new CrmError('notFound', 'not found', 404, json);
        }
        if (response.status >= 400) {
          report('ok');
          throw new CrmError(
            'invalidInput',
            messageOf(json) ?? `refused (${response.status})`,
            response.status,
            json,
          );
        }
        report('ok');
        const { headers } = response;
        return { status: response.status, json, header: (name) => headers.get(name) };
      }
      throw lastError ?? new CrmError('unreachable', 'no attempt was made');
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function messageOf(json: unknown): string | null {
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') {
    return json.message.slice(0, 300);
  }
  return null;
}
