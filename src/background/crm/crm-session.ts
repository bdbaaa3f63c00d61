/**
 * The CRM connection as the worker uses it: one transport (one rate limiter) for the saved
 * connection, a client per Gmail account on top (so the egress gate knows whose consent and audit
 * log each call belongs to), the connection's health, and the connection test. Which CRM it is comes
 * from the registry; nothing here knows a CRM's headers or ids.
 */
import type { Logger } from '../../shared/logger';
import type { ConnectionInfo, ConnectionInput } from '../../shared/protocol';
import { accountAllowed, connectionRefusedBy } from '../../shared/settings';
import type { Health } from '../../shared/sidebar-port';
import type { ConnectionStore } from '../connection/connection-store';
import { t } from '../i18n';
import type { KeyValueArea } from '../platform';
import type { AuditLog } from '../privacy/audit/audit-log';
import type { ConsentStore } from '../privacy/consent/consent-store';
import { createEgress, type EgressResponse } from '../privacy/egress/egress-fetch';
import type { PolicyState } from '../settings/policy-store';
import type { CrmClient } from './crm-client';
import { CrmError, describeCrmError } from './crm-error';
import { crmAdapter } from './crm-registry';
import { type CrmTransport, createCrmTransport, type TransportHealth } from './crm-transport';
import { createRateLimiter, type RateLimiter } from './rate-limiter';

export interface CrmSession {
  /** The client acting for `account` (none: the connection's own calls), or null when not connected. */
  client(account?: string): Promise<CrmClient | null>;
  /** Forget clients and transport (the connection or the policy changed). */
  reset(): void;
  health(): Promise<Health>;
  /** The connection was (re)made: health starts over as ok. */
  connected(): void;
  /** After an outage nothing else may ask the CRM for minutes: one cheap call clears a stale banner. */
  probe(): Promise<void>;
  /**
   * Why the admin policy in force refuses the saved connection, in plain words (null: it does not,
   * or nothing is saved). The egress gate applies the same rule to every request.
   */
  policyBlock(): Promise<string | null>;
  /** Tests `requested` (under the admin's CRM choice) without saving anything. */
  check(
    requested: ConnectionInput,
  ): Promise<{ ok: true; info: ConnectionInfo } | { ok: false; error: string }>;
}

export function createCrmSession(deps: {
  connection: ConnectionStore;
  consent: ConsentStore;
  audit: AuditLog;
  session: KeyValueArea;
  policy: { current(): Promise<PolicyState>; peek(): PolicyState | null };
  nowMs: () => number;
  logger: Logger;
  fetchImpl?: ((url: string, init: RequestInit) => Promise<EgressResponse>) | undefined;
  /** The health changed: views show it. */
  onHealth: () => void;
}): CrmSession {
  const { connection, policy, nowMs } = deps;
  let health: Health | null = null;
  const setHealth = (next: TransportHealth | Health) => {
    if (next === health) return;
    health = next;
    void deps.session.set('crmHealth', next).then(deps.onHealth);
  };

  /**
   * The limiters of the CRM in use, kept across rebuilt transports: a transport is rebuilt when the
   * policy changes while a sync still holds the old one, and two limiters each counting only their
   * own requests would together exceed the CRM's limit (seen: one 429 in a HubSpot sync).
   */
  let limiters: { key: string; main: RateLimiter; search: RateLimiter | null } | null = null;
  const limitersFor = (key: string, make: () => { main: RateLimiter; search: RateLimiter | null }) => {
    if (limiters?.key !== key) limiters = { key, ...make() };
    return limiters;
  };

  const buildTransport = (
    info: Pick<ConnectionInfo, 'kind' | 'baseUrl' | 'email' | 'requestsPerMinute' | 'requestsPerWindow'>,
    apiKey: string,
    report: boolean,
  ): CrmTransport => {
    const adapter = crmAdapter(info.kind);
    const egress = createEgress({
      allowedOrigin: () => new URL(info.baseUrl).origin,
      extraHosts: () => policy.peek()?.settings.extraAllowedCrmHosts ?? [],
      // Rule 0, asked on every request: the policy as it is now (fail-closed: every request waits
      // for the first read of the session), never the policy that was in force when connecting.
      policyRefusal: async (request) => {
        const current = await policy.current();
        const refusedBy = connectionRefusedBy(current.settings, info);
        if (refusedBy !== null) return `the policy's ${refusedBy} does not allow this CRM`;
        if (current.readFailed && request.dataClasses.includes('googleUserData'))
          return 'the admin policy could not be read';
        // Sync, lookups and writes of an account the policy no longer allows stop too.
        if (request.account && !accountAllowed(current.settings, request.account))
          return 'the Gmail account is not allowed by policy';
        return null;
      },
      hasConsent: (scope, account) => deps.consent.has(account, scope),
      audit: (entry) => deps.audit.append(entry),
      now: nowMs,
      ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
    });
    const { windowMs } = adapter.rateLimit;
    const limit =
      info.requestsPerWindow ??
      (windowMs === 60_000 ? info.requestsPerMinute : undefined) ??
      adapter.rateLimit.limit;
    const searchLimit = adapter.searchRateLimit;
    const { main: limiter, search: searchLimiter } = limitersFor(
      `${info.kind} ${info.baseUrl} ${info.email} ${limit}/${windowMs}`,
      () => ({
        main: createRateLimiter({ limit, windowMs, store: deps.session, now: nowMs }),
        search: searchLimit
          ? createRateLimiter({
              ...searchLimit,
              store: deps.session,
              storeKey: 'searchRateLimiter',
              now: nowMs,
            })
          : null,
      }),
    );
    const learn = adapter.limitFromHeaders;
    return createCrmTransport({
      egress,
      limiter,
      baseUrl: info.baseUrl,
      headers: adapter.headers(apiKey, info.email),
      now: nowMs,
      ...(searchLimiter ? { searchLimiter } : {}),
      ...(adapter.rateLimitVerdict ? { rateLimitVerdict: adapter.rateLimitVerdict } : {}),
      ...(learn
        ? {
            onHeaders: (get: (name: string) => string | null) => {
              const limit = learn(get);
              if (limit !== null) limiter.setLimit(limit);
            },
          }
        : {}),
      ...(report ? { onHealth: setHealth } : { maxAttempts: 2 }),
    });
  };

  let transport: Promise<CrmTransport | null> | null = null;
  const clients = new Map<string, Promise<CrmClient | null>>();

  const session: CrmSession = {
    client(account) {
      const key = account ?? '';
      let cached = clients.get(key);
      if (!cached) {
        const credentials = connection.credentials();
        transport ??= credentials.then((c) => (c ? buildTransport(c.info, c.apiKey, true) : null));
        const made = Promise.all([transport, credentials]).then(([tr, c]) =>
          tr && c ? crmAdapter(c.info.kind).createClient(tr, account, { email: c.info.email }) : null,
        );
        clients.set(key, made);
        // A failed read of the connection (the database closed on a full disk) is not kept: kept,
        // every later sync and drain would fail with it after space returned.
        made.catch(() => {
          if (clients.get(key) === made) clients.delete(key);
          transport = null;
        });
        cached = made;
      }
      return cached;
    },
    reset() {
      transport = null;
      clients.clear();
    },
    async policyBlock() {
      const info = await connection.info();
      if (!info) return null;
      const current = await policy.current();
      const refusedBy = connectionRefusedBy(current.settings, info);
      if (refusedBy !== null) return t('connPolicyBlocked', refusedBy);
      return current.readFailed ? t('errPolicyBlocked') : null;
    },
    async health() {
      const info = await connection.info();
      if (!info) return 'notConnected';
      const current = await policy.current();
      if (connectionRefusedBy(current.settings, info) !== null || current.readFailed) return 'policyBlocked';
      if (health) return health;
      // After a worker restart the last health is in session storage, not in memory.
      const stored = await deps.session.get('crmHealth');
      return typeof stored === 'string' && stored !== 'notConnected' ? (stored as Health) : 'ok';
    },
    connected() {
      session.reset();
      health = null;
      setHealth('ok');
    },
    async probe() {
      const h = await session.health();
      if (h === 'ok' || h === 'notConnected' || h === 'unauthorized' || h === 'policyBlocked') return;
      const crm = await session.client();
      await crm?.checkConnection().catch(() => undefined);
    },
    async check(requested) {
      // The CRM an administrator chose is the only one that can be connected.
      const { settings } = await policy.current();
      const input: ConnectionInput = {
        ...requested,
        ...(settings.crmKind ? { kind: settings.crmKind } : {}),
        ...(settings.crmBaseUrl ? { baseUrl: settings.crmBaseUrl } : {}),
      };
      const adapter = crmAdapter(input.kind);
      const email = input.email.trim();
      try {
        const baseUrl = adapter.baseUrl(input.baseUrl);
        const info = {
          kind: input.kind,
          baseUrl,
          email,
          ...(input.requestsPerWindow === undefined ? {} : { requestsPerWindow: input.requestsPerWindow }),
        };
        const check = await adapter
          .createClient(buildTransport(info, input.apiKey.trim(), false), undefined, { email })
          .checkConnection();
        return {
          ok: true,
          info: {
            ...info,
            accountName: check.accountName,
            userName: check.user.name,
            connectedAt: Math.floor(nowMs() / 1000),
            ...(input.requestsPerMinute === undefined ? {} : { requestsPerMinute: input.requestsPerMinute }),
            ...(input.requestsPerWindow === undefined ? {} : { requestsPerWindow: input.requestsPerWindow }),
            ...(adapter.features?.leads === false ? { leads: false } : {}),
            ...(adapter.features?.tags === false ? { tags: false } : {}),
          },
        };
      } catch (error) {
        if (!(error instanceof CrmError)) return { ok: false, error: t('errTestFailed') };
        if (error.kind === 'unreachable') return { ok: false, error: t('errCantReachAddress') };
        if (error.kind === 'notConnected') return { ok: false, error: error.message };
        if (error.kind === 'unauthorized') return { ok: false, error: t('errRejectedKey') };
        return { ok: false, error: describeCrmError(error) };
      }
    },
  };
  return session;
}
