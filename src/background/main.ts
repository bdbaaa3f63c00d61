import { deleteAccountRows } from '../db/account-rows';
import { personRow } from '../db/record-rows';
import { parentKeyOf, ThreadlineDb } from '../db/threadline-db';
import { recordKeyOf } from '../shared/crm-model';
import { createLogger, type Logger } from '../shared/logger';
import type { MessageKey } from '../shared/message-key';
import { normaliseAddress } from '../shared/normalise-address';
import {
  type ConnectionInfo,
  type ConnectionInput,
  readBodiesAnswerSchema,
  type ThreadFacts,
} from '../shared/protocol';
import { accountAllowed } from '../shared/settings';
import type { Health, StatusView, ThreadState } from '../shared/sidebar-port';
import type { SenderContext } from './classify-sender';
import { createConnectionStore } from './connection/connection-store';
import { createRouter } from './create-router';
import { COPPER_BASE_URL, copperHeaders, createCopperClient } from './crm/copper/copper-client';
import type { CrmClient } from './crm/crm-client';
import { CrmError, describeCrmError } from './crm/crm-error';
import { type CrmTransport, createCrmTransport, type TransportHealth } from './crm/crm-transport';
import { createRateLimiter } from './crm/rate-limiter';
import { t } from './i18n';
import { buildCards, type CardsResult } from './lookup/build-cards';
import { outsideParticipants } from './lookup/outside-participants';
import { searchCache } from './lookup/search-cache';
import { createOutbox, GMAIL_DATA_OPS } from './outbox/outbox';
import type { Platform } from './platform';
import { createAuditLog } from './privacy/audit/audit-log';
import { createConsentStore } from './privacy/consent/consent-store';
import { CACHE_TABLES, createPrivacyCentre } from './privacy/data-rights/privacy-centre';
import { createEgress, type EgressResponse, isAllowedCrmOrigin } from './privacy/egress/egress-fetch';
import { createPolicyStore } from './settings/policy-store';
import { createSidebarHub } from './sidebar-hub';
import { createSyncEngine, SYNC_ENTITIES } from './sync/sync-engine';
import { createTabStateStore } from './tab-state-store';
import { createThreadActions } from './threads/thread-actions';

export const SYNC_ALARM = 'threadline-sync';
export const OUTBOX_ALARM = 'threadline-outbox';
export const RETENTION_ALARM = 'threadline-retention';
export const RETENTION_PERIOD_MINUTES = 24 * 60;
export const SYNC_PERIOD_MINUTES = 5;
/** Copper allows 180 requests a minute per user; stay a little under it. */
export const CRM_REQUESTS_PER_MINUTE = 174;
/** Cards for at most this many outside participants; the participant list still shows everyone. */
export const MAX_CARDS = 25;
/** The thread's links, tasks and settings follow its cards by this much (not on the paint path). */
export const EXTRAS_DELAY_MS = 50;

export interface WorkerDeps {
  db?: ThreadlineDb;
  fetchImpl?: (url: string, init: RequestInit) => Promise<EgressResponse>;
  nowMs?: () => number;
  /** How long an empty policy store may still be filling in (tests shorten it). */
  policyGraceMs?: number;
}

const WRITE_LABELS: Record<string, MessageKey> = {
  addPerson: 'writeAddPerson',
  addLead: 'writeAddLead',
  updatePerson: 'writeUpdatePerson',
  linkThread: 'writeLinkThread',
  unlinkThread: 'writeUnlinkThread',
  logMessage: 'writeLogMessage',
  addNote: 'writeAddNote',
  createTask: 'writeCreateTask',
  setTaskStatus: 'writeSetTaskStatus',
  createDeal: 'writeCreateDeal',
  updateDeal: 'writeUpdateDeal',
};

/** "Log e-mail: The CRM refused the change: …" — the CRM's own message where it gave one. */
function describeFailedWrite(row: { op: string; lastError: string | null }): string {
  const kinds = [
    'unauthorized',
    'rateLimited',
    'unreachable',
    'server',
    'notFound',
    'invalidResponse',
    'notConnected',
    'consentRequired',
  ];
  const error = row.lastError ?? 'invalidResponse';
  const text = kinds.includes(error)
    ? describeCrmError(new CrmError(error as CrmError['kind'], ''))
    : describeCrmError(new CrmError('invalidInput', error));
  return t('failedWriteReason', t(WRITE_LABELS[row.op] ?? 'writeOther'), text);
}

function requireTab(tabId: number | null): number {
  if (tabId === null) throw new Error('message needs a tab');
  return tabId;
}

/**
 * Wires the worker. Registers every listener synchronously (Chrome delivers the event that woke
 * the worker only to listeners added in the first turn) and keeps nothing that matters in memory:
 * thread state is in storage.session, the cache, sync progress and the outbox are in IndexedDB.
 */
export function main(
  platform: Platform,
  logger: Logger = createLogger('worker'),
  deps: WorkerDeps = {},
): void {
  const db = deps.db ?? new ThreadlineDb();
  const nowMs = deps.nowMs ?? Date.now;
  const nowSec = () => Math.floor(nowMs() / 1000);
  const store = createTabStateStore(platform.session, nowMs);
  const connection = createConnectionStore(db, platform.session);
  const consent = createConsentStore(db, nowMs);
  const audit = createAuditLog(db);
  const privacy = createPrivacyCentre({ db, consent, nowMs, connectionInfo: () => connection.info() });
  const policy = createPolicyStore({
    managed: platform.managed,
    session: platform.session,
    db,
    logger,
    ...(deps.policyGraceMs === undefined ? {} : { graceMs: deps.policyGraceMs }),
    onChange: (resolved) => {
      transportPromise = null; // allowed hosts may have changed
      clients.clear();
      void platform.setTelemetryBlock(resolved.settings.blockInboxSdkTelemetry).catch(() => undefined);
    },
  });

  // --- CRM client and its health --------------------------------------------------------------
  let health: Health | null = null;
  const setHealth = (next: TransportHealth | Health) => {
    if (next === health) return;
    health = next;
    void platform.session.set('crmHealth', next).then(() => broadcastStatus());
  };
  const currentHealth = async (info: ConnectionInfo | null): Promise<Health> => {
    if (!info) return 'notConnected';
    if (health) return health;
    const stored = await platform.session.get('crmHealth');
    return typeof stored === 'string' && stored !== 'notConnected' ? (stored as Health) : 'ok';
  };

  const baseUrlFor = (input: Pick<ConnectionInput, 'kind' | 'baseUrl'>): string => {
    if (input.kind === 'copper') return COPPER_BASE_URL;
    const url = input.baseUrl.trim().replace(/\/+$/, '');
    if (!isAllowedCrmOrigin(url)) throw new CrmError('notConnected', t('errCrmAddress'));
    return url;
  };

  const buildTransport = (
    baseUrl: string,
    apiKey: string,
    email: string,
    report: boolean,
    perMinute = CRM_REQUESTS_PER_MINUTE,
  ): CrmTransport => {
    const gate = createEgress({
      allowedOrigin: () => new URL(baseUrl).origin,
      extraHosts: () => policy.peek()?.settings.extraAllowedCrmHosts ?? [],
      hasConsent: (scope, account) => consent.has(account, scope),
      audit: (entry) => audit.append(entry),
      now: nowMs,
      ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
    });
    // Fail-closed: nothing read from Gmail leaves before the admin policy is known.
    const egress: typeof gate = async (request) => {
      if (request.dataClasses.includes('googleUserData')) await policy.current();
      return gate(request);
    };
    const limiter = createRateLimiter({
      limit: perMinute,
      windowMs: 60_000,
      store: platform.session,
      now: nowMs,
    });
    return createCrmTransport({
      egress,
      limiter,
      baseUrl,
      headers: copperHeaders(apiKey, email),
      ...(report ? { onHealth: setHealth } : { maxAttempts: 2 }),
    });
  };

  // One transport (one rate limiter) for the connection; a client per Gmail account on top, so the
  // egress gate knows whose consent and audit log each call belongs to.
  let transportPromise: Promise<CrmTransport | null> | null = null;
  const clients = new Map<string, Promise<CrmClient | null>>();
  const client = (account?: string): Promise<CrmClient | null> => {
    const key = account ?? '';
    let cached = clients.get(key);
    if (!cached) {
      transportPromise ??= connection
        .credentials()
        .then((c) =>
          c ? buildTransport(c.info.baseUrl, c.apiKey, c.info.email, true, c.info.requestsPerMinute) : null,
        );
      cached = transportPromise.then((t) => (t ? createCopperClient(t, account) : null));
      clients.set(key, cached);
    }
    return cached;
  };
  const dropClients = () => {
    transportPromise = null;
    clients.clear();
  };

  // --- views pushed to sidebars ---------------------------------------------------------------
  const statusFor = async (account: string): Promise<StatusView> => {
    const info = await connection.info();
    const states = await db.syncState
      .where('[account+entity]')
      .between([account, ''], [account, '\uffff'])
      .toArray();
    const byEntity = new Map(states.map((s) => [s.entity, s]));
    const current = SYNC_ENTITIES.find((e) => byEntity.get(e)?.phase !== 'delta') ?? null;
    const currentState = current ? byEntity.get(current) : undefined;
    const completions = SYNC_ENTITIES.map((e) => byEntity.get(e)?.lastSyncAt ?? null);
    const [pendingWrites, dead] = await Promise.all([
      db.outbox.where('[account+state]').equals([account, 'pending']).count(),
      db.outbox.where('[account+state]').equals([account, 'dead']).toArray(),
    ]);
    const failedWrites = dead.length;
    const failedReasons = [...new Set(dead.map(describeFailedWrite))].slice(0, 3);
    const h = await currentHealth(info);
    return {
      health: h,
      message:
        h === 'ok' || h === 'notConnected'
          ? null
          : describeCrmError(new CrmError(h === 'server' ? 'server' : h, '')),
      sync: {
        running: sync.isRunning(account),
        initial: info !== null && current !== null,
        entity: current,
        fetched: currentState?.fetched ?? 0,
        total: currentState?.total ?? null,
        lastSyncAt: completions.some((c) => c === null) ? null : Math.min(...(completions as number[])),
      },
      pendingWrites,
      failedWrites,
      failedReasons,
      managed: (policy.peek()?.locked.length ?? 0) > 0,
    };
  };

  // A copy of the users table per account, dropped whenever a sync runs (derived, never authoritative).
  const teammateCache = new Map<string, Promise<Set<string>>>();
  const teammatesOf = (account: string): Promise<Set<string>> => {
    let cached = teammateCache.get(account);
    if (!cached) {
      cached = db.users
        .where('[account+id]')
        .between([account, -Infinity], [account, Infinity])
        .toArray()
        .then(
          (rows) =>
            new Set(rows.map((u) => normaliseAddress(u.email)).filter((a): a is string => a !== null)),
        );
      teammateCache.set(account, cached);
    }
    return cached;
  };

  /** Activity fetches in flight in this worker, so parallel refreshes ask once. */
  const fetchingActivities = new Set<string>();

  /**
   * Sends a tab its cards from the cache at once; then, as `network` allows, asks the CRM about
   * cache misses (one batched search) and stale recent activities, and sends the cards again.
   */
  const cardsFor = async (account: string, thread: ThreadFacts): Promise<CardsResult> => {
    const outside = outsideParticipants(thread.participants, account, await teammatesOf(account));
    return buildCards(db, account, outside.slice(0, MAX_CARDS), nowSec());
  };

  /** Extras waiting to be sent per tab, latest cards only (losing this with the worker loses nothing). */
  const pendingExtras = new Map<number, { state: ThreadState; result: CardsResult }>();
  /** The thread's links, tasks, pipelines, consent and settings: after the cards, off the hot path. */
  const sendExtras = async (tabId: number, state: ThreadState, result: CardsResult): Promise<void> => {
    if (!state.thread || !state.account) return;
    const keys = result.cards.flatMap((c) => [
      ...(c.person && c.person.id > 0 ? [recordKeyOf({ type: 'person', id: c.person.id })] : []),
      ...(c.lead ? [recordKeyOf({ type: 'lead', id: c.lead.id })] : []),
      ...(c.company ? [recordKeyOf({ type: 'company', id: c.company.id })] : []),
      ...c.deals.map((d) => recordKeyOf({ type: 'opportunity', id: d.deal.id })),
    ]);
    try {
      const extras = await threads.extras(state.account, state.thread, keys);
      hub.send(tabId, { type: 'extras', seq: state.seq, threadId: state.thread.threadId, extras });
    } catch (error) {
      logger.error('extras.failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  };

  const refreshCards = async (
    tabId: number,
    network: 'none' | 'activities' | 'all',
    known?: ThreadState,
    /** Cards just built for `known` (a thread open builds them while its state is being saved). */
    built?: CardsResult,
  ): Promise<void> => {
    const state = known ?? (await store.get(tabId));
    if (!state.thread || !state.account) {
      hub.send(tabId, { type: 'cards', seq: state.seq, threadId: null, contacts: [] });
      return;
    }
    const { account } = state;
    const result = built ?? (await cardsFor(account, state.thread));
    hub.send(tabId, {
      type: 'cards',
      seq: state.seq,
      threadId: state.thread.threadId,
      contacts: result.cards,
    });
    // After the cards have painted: the extras are not on the time-to-card path. Cards may be sent
    // several times in a burst (cache, CRM answer, activities, every write of a drain): the extras go
    // at most once per EXTRAS_DELAY_MS, for the latest cards. A throttle, not a debounce: a long
    // burst (a 200-write drain) must not starve them.
    const waiting = pendingExtras.has(tabId);
    pendingExtras.set(tabId, { state, result });
    if (!waiting) {
      setTimeout(() => {
        const latest = pendingExtras.get(tabId);
        pendingExtras.delete(tabId);
        if (latest) void sendExtras(tabId, latest.state, latest.result);
      }, EXTRAS_DELAY_MS);
    }
    const misses = network === 'all' ? result.misses : [];
    const stale =
      network === 'none'
        ? []
        : result.staleActivities.filter((id) => !fetchingActivities.has(`${account}:${id}`));
    if (misses.length === 0 && stale.length === 0) return;
    const crm = await client(account);
    if (!crm) return;
    try {
      if (misses.length > 0) {
        // ONE batched search for every address of the thread the cache cannot answer.
        const found = await crm.searchPeopleByEmails(misses);
        const foundAddresses = new Set(found.flatMap((p) => p.emails.map((e) => normaliseAddress(e.value))));
        await db.transaction('rw', db.people, db.negativeLookups, async () => {
          await db.people.bulkPut(found.map((p) => personRow(account, p)));
          await db.negativeLookups.bulkPut(
            misses
              .filter((a) => !foundAddresses.has(a))
              .map((address) => ({ account, address, checkedAt: nowSec() })),
          );
        });
        // The people just found may need their activities: one more pass, without searching again.
        await refreshCards(tabId, 'activities');
        return;
      }
      for (const personId of stale.slice(0, 5)) {
        const flight = `${account}:${personId}`;
        fetchingActivities.add(flight);
        try {
          const activities = await crm.recentActivities({ type: 'person', id: personId }, 5);
          const parentKey = parentKeyOf('person', personId);
          await db.transaction('rw', db.activities, db.activityFetches, async () => {
            await db.activities
              .where('[account+parentKey+at]')
              .between([account, parentKey, -Infinity], [account, parentKey, Infinity])
              .delete();
            await db.activities.bulkPut(activities.map((a) => ({ ...a, account, parentKey })));
            await db.activityFetches.put({ account, parentKey, fetchedAt: nowSec() });
          });
        } finally {
          fetchingActivities.delete(flight);
        }
      }
    } catch (error) {
      logger.warn('lookup.failed', { kind: error instanceof CrmError ? error.kind : 'unknown' });
    }
    await refreshCards(tabId, 'none');
  };

  const tabsOf = async (account: string): Promise<number[]> => {
    const tabs = hub.tabs();
    const states = await Promise.all(tabs.map((t) => store.get(t)));
    return tabs.filter((_, i) => states[i]?.account === account);
  };

  const sendStatus = async (tabId: number): Promise<void> => {
    const state = await store.get(tabId);
    if (state.account) hub.send(tabId, { type: 'status', status: await statusFor(state.account) });
  };

  async function broadcastStatus(): Promise<void> {
    for (const tabId of hub.tabs()) await sendStatus(tabId);
  }

  const lastCardRefresh = new Map<string, number>();
  const accountChanged = async (account: string, cardsToo: boolean): Promise<void> => {
    const tabs = await tabsOf(account);
    for (const tabId of tabs) await sendStatus(tabId);
    const last = lastCardRefresh.get(account) ?? 0;
    if (cardsToo || nowMs() - last > 1000) {
      lastCardRefresh.set(account, nowMs());
      for (const tabId of tabs) await refreshCards(tabId, sync.isRunning(account) ? 'none' : 'activities');
    }
  };

  // --- sync and outbox --------------------------------------------------------------------------
  const sync = createSyncEngine({
    db,
    client,
    now: nowSec,
    logger,
    onProgress: (account) => {
      teammateCache.delete(account);
      void accountChanged(account, !sync.isRunning(account));
    },
  });

  const maybeSync = async (account: string, force = false): Promise<void> => {
    if (!(await connection.info()) || sync.isRunning(account)) return;
    const states = await db.syncState
      .where('[account+entity]')
      .between([account, ''], [account, '\uffff'])
      .toArray();
    const stale =
      states.length < SYNC_ENTITIES.length ||
      states.some(
        (s) =>
          s.phase !== 'delta' || s.lastSyncAt === null || nowSec() - s.lastSyncAt > SYNC_PERIOD_MINUTES * 60,
      );
    if (!force && !stale) return;
    await sync.sync(account).catch((error: unknown) => {
      logger.warn('sync.failed', { kind: error instanceof CrmError ? error.kind : 'unknown' });
    });
  };

  const outbox = createOutbox({
    db,
    client,
    nowMs,
    logger,
    onChange: (account) => void accountChanged(account, true),
  });

  const threads = createThreadActions({
    db,
    outbox,
    consent,
    logger,
    nowMs,
    settings: () => policy.current(),
    openThread: async (tabId, account, threadId) => {
      if (tabId === null) return null;
      const state = await store.get(tabId);
      return state.account === account && state.thread?.threadId === threadId ? state.thread : null;
    },
    readBodies: async (tabId, threadId, messageIds) => {
      const answer = readBodiesAnswerSchema.safeParse(
        await platform.sendToTab(tabId, { type: 'readBodies', threadId, messageIds }),
      );
      return new Map(answer.success ? answer.data.bodies.map((b) => [b.messageId, b.text]) : []);
    },
    teammatesOf,
    changed: async (account) => {
      await accountChanged(account, true);
      void drainOutbox();
    },
  });

  const drainOutbox = async (): Promise<void> => {
    await outbox.drain();
    const due = await outbox.nextDue();
    if (due !== null) await platform.alarms.create(OUTBOX_ALARM, { when: Math.max(due, nowMs() + 1000) });
  };

  /** After an outage nothing else may ask the CRM for minutes: one cheap call clears a stale banner. */
  const probeHealth = async (): Promise<void> => {
    // After a worker restart the last health is in session storage, not in memory.
    const h = await currentHealth(await connection.info());
    if (h === 'ok' || h === 'notConnected' || h === 'unauthorized') return;
    const crm = await client();
    await crm?.checkConnection().catch(() => undefined);
  };

  const noteAccount = async (account: string): Promise<void> => {
    const seen = await db.accounts.get(account);
    if (seen && nowMs() - seen.lastSeenAt < 3_600_000) return;
    await db.accounts.put({ account, firstSeenAt: seen?.firstSeenAt ?? nowMs(), lastSeenAt: nowMs() });
  };

  const tabAccount = async (tabId: number | null, account: string): Promise<void> => {
    const state = await store.get(requireTab(tabId));
    if (state.account !== account) throw new Error('the sidebar asked for another account than its tab');
  };

  /** A sidebar request about its own tab's account: refused for any other account. */
  const fromTab =
    <R extends { account: string }, A>(handler: (request: R, tabId: number | null) => Promise<A>) =>
    async (request: R, context: SenderContext): Promise<A> => {
      await tabAccount(context.tabId, request.account);
      return handler(request, context.tabId);
    };

  const checkInput = async (
    requested: ConnectionInput,
  ): Promise<{ ok: true; info: ConnectionInfo } | { ok: false; error: string }> => {
    // The CRM an administrator chose is the only one that can be connected.
    const { settings } = await policy.current();
    const input: ConnectionInput = {
      ...requested,
      ...(settings.crmKind ? { kind: settings.crmKind } : {}),
      ...(settings.crmBaseUrl ? { baseUrl: settings.crmBaseUrl } : {}),
    };
    try {
      const baseUrl = baseUrlFor(input);
      const check = await createCopperClient(
        buildTransport(baseUrl, input.apiKey.trim(), input.email.trim(), false),
      ).checkConnection();
      return {
        ok: true,
        info: {
          kind: input.kind,
          baseUrl,
          email: input.email.trim(),
          accountName: check.accountName,
          userName: check.user.name,
          connectedAt: nowSec(),
          ...(input.requestsPerMinute === undefined ? {} : { requestsPerMinute: input.requestsPerMinute }),
        },
      };
    } catch (error) {
      if (error instanceof CrmError) {
        if (error.kind === 'unreachable')
          return {
            ok: false,
            error: t('errCantReachAddress'),
          };
        if (error.kind === 'notConnected') return { ok: false, error: error.message };
        if (error.kind === 'unauthorized') {
          return {
            ok: false,
            error: t('errRejectedKey'),
          };
        }
        return { ok: false, error: describeCrmError(error) };
      }
      return { ok: false, error: t('errTestFailed') };
    }
  };

  // --- the router -------------------------------------------------------------------------------
  const router = createRouter(
    {
      hostStatus: async (request) => {
        const { settings } = await policy.current();
        return {
          enabled: accountAllowed(settings, request.account),
          contentLevel: settings.emailContentLevel,
        };
      },
      getSettings: async () => {
        const { settings, locked, warnings } = await policy.current();
        return { settings: { ...settings }, locked, warnings };
      },
      threadOpened: async (request, context) => {
        const tabId = requireTab(context.tabId);
        // An account outside the allowed domains gets nothing, even if its content script asked.
        if (!accountAllowed((await policy.current()).settings, request.account)) return { ok: true };
        // The cache lookups run while the tab's state is saved; both go out together, so the
        // sidebar paints the new thread once, with its cards.
        const [state, built] = await Promise.all([
          store.open(tabId, request.account, request.thread),
          cardsFor(request.account, request.thread).catch(() => undefined),
        ]);
        hub.publish(tabId, state);
        void sendStatus(tabId);
        void refreshCards(tabId, 'all', state, built)
          .catch((error: unknown) =>
            logger.error('cards.failed', { error: error instanceof Error ? error.name : 'unknown' }),
          )
          .finally(() => sendStatus(tabId));
        void threads
          .autoLog(
            tabId,
            request.account,
            request.thread,
            outsideParticipants(
              request.thread.participants,
              request.account,
              await teammatesOf(request.account),
            ).map((p) => p.address),
          )
          .catch((error: unknown) =>
            logger.error('autolog.failed', { error: error instanceof Error ? error.name : 'unknown' }),
          );
        void noteAccount(request.account).then(() => maybeSync(request.account));
        return { ok: true };
      },
      threadClosed: async (request, context) => {
        const tabId = requireTab(context.tabId);
        const state = await store.close(tabId, request.account, request.threadId);
        if (state) {
          hub.publish(tabId, state);
          void refreshCards(tabId, 'none');
        }
        return { ok: true };
      },
      inboxsdk__injectPageWorld: async (_request, context) => {
        await platform.injectPageWorld({
          tabId: requireTab(context.tabId),
          documentId: context.documentId,
          frameId: context.frameId,
        });
        return true;
      },
      addContact: async (request, context) => {
        await tabAccount(context.tabId, request.account);
        const address = normaliseAddress(request.address);
        if (!address) return { ok: false, error: t('errNotAnAddress') };
        if (!(await connection.info())) return { ok: false, error: t('errConnectFirst') };
        const { account } = request;
        const name = request.name.trim();
        if (request.kind === 'person') {
          const provisionalId = -nowMs();
          await db.people.put(
            personRow(
              account,
              {
                id: provisionalId,
                name,
                title: null,
                companyId: null,
                companyName: request.companyName,
                emails: [{ value: address, category: 'work' }],
                phones: [],
                address: null,
                tags: [],
                ownerId: null,
                lastContactedAt: null,
                modifiedAt: nowSec(),
              },
              true,
            ),
          );
          await outbox.enqueue(account, `contact:${address}`, {
            op: 'addPerson',
            payload: { address, name, companyName: request.companyName, provisionalId },
          });
        } else {
          await outbox.enqueue(account, `contact:${address}`, {
            op: 'addLead',
            payload: { address, name, companyName: request.companyName },
          });
        }
        await accountChanged(account, true);
        void drainOutbox();
        return { ok: true };
      },
      updatePerson: async (request, context) => {
        await tabAccount(context.tabId, request.account);
        const row = await db.people.get([request.account, request.personId]);
        if (!row) return { ok: false, error: t('errPersonGone') };
        const patch = {
          ...(request.patch.title !== undefined ? { title: request.patch.title?.trim() || null } : {}),
          ...(request.patch.phones !== undefined
            ? { phones: request.patch.phones.filter((p) => p.value.trim() !== '') }
            : {}),
          ...(request.patch.tags !== undefined
            ? { tags: [...new Set(request.patch.tags.map((t) => t.trim()).filter(Boolean))] }
            : {}),
        };
        await db.people.put({ ...row, ...patch });
        await outbox.enqueue(request.account, `person:${request.personId}`, {
          op: 'updatePerson',
          payload: { personId: request.personId, patch },
        });
        await accountChanged(request.account, true);
        void drainOutbox();
        return { ok: true };
      },
      searchCrm: async (request, context) => {
        await tabAccount(context.tabId, request.account);
        return { results: await searchCache(db, request.account, request.query) };
      },
      syncNow: async (request) => {
        void maybeSync(request.account, true);
        return { ok: true };
      },
      retryWrites: async (request, context) => {
        await tabAccount(context.tabId, request.account);
        await outbox.retryDead(request.account);
        void drainOutbox();
        return { ok: true };
      },
      linkThread: fromTab(threads.handlers.linkThread),
      unlinkThread: fromTab(threads.handlers.unlinkThread),
      logThread: fromTab(threads.handlers.logThread),
      addNote: fromTab(threads.handlers.addNote),
      createTask: fromTab(threads.handlers.createTask),
      setTaskStatus: fromTab(threads.handlers.setTaskStatus),
      createDeal: fromTab(threads.handlers.createDeal),
      updateDeal: fromTab(threads.handlers.updateDeal),
      rowBadges: async (request) => {
        if (!accountAllowed((await policy.current()).settings, request.account)) return { badges: [] };
        return threads.handlers.rowBadges(request);
      },
      composeDefaults: async (request) => {
        if (!accountAllowed((await policy.current()).settings, request.account))
          return { allowed: false, logToCrm: false };
        return threads.handlers.composeDefaults(request);
      },
      composeSent: async (request) => {
        if (!accountAllowed((await policy.current()).settings, request.account)) return { logged: 0 };
        return threads.handlers.composeSent(request);
      },
      grantConsent: async (request, context) => {
        if (context.kind === 'sidebarPage') await tabAccount(context.tabId, request.account);
        try {
          await consent.grant(request.account, 'emailLogging', request);
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : t('errConsentNotSaved') };
        }
        // Writes held back for want of consent may go now.
        await outbox.retryDead(request.account, 'consentRequired');
        await accountChanged(request.account, true);
        void drainOutbox();
        return { ok: true };
      },
      withdrawConsent: async (request, context) => {
        if (context.kind === 'sidebarPage') await tabAccount(context.tabId, request.account);
        await consent.withdraw(request.account, 'emailLogging');
        // Stops at once: queued transfers of Gmail data wait, visibly, until consent is given again.
        await outbox.hold(request.account, GMAIL_DATA_OPS, 'consentRequired');
        await accountChanged(request.account, true);
        return { ok: true };
      },
      setUserSettings: async (request) => {
        const { locked } = await policy.current();
        const refused = Object.keys(request.patch).filter((k) => locked.includes(k as never));
        if (refused.length > 0) return { ok: false, error: t('errManagedSetting') };
        const current = ((await db.settings.get('userSettings'))?.value ?? {}) as Record<string, unknown>;
        await db.settings.put({ name: 'userSettings', value: { ...current, ...request.patch } });
        await policy.reload();
        for (const { account } of await db.accounts.toArray()) await accountChanged(account, true);
        return { ok: true };
      },
      privacyOverview: async () => privacy.overview(),
      auditLog: async (request) => ({
        rows: (
          await audit.list(request.account, {
            ...(request.purpose ? { purpose: request.purpose } : {}),
            ...(request.from === undefined ? {} : { from: request.from }),
            ...(request.to === undefined ? {} : { to: request.to }),
          })
        ).map(({ account: _a, seq: _s, ...row }) => row),
      }),
      exportData: async (request) => ({ json: await privacy.exportData(request.account) }),
      deleteData: async (request) => {
        await deleteAccountRows(db, request.account);
        teammateCache.delete(request.account);
        for (const tabId of await tabsOf(request.account)) void refreshCards(tabId, 'none');
        return { ok: true };
      },
      getConnection: async () => ({ info: await connection.info() }),
      testConnection: async (request) => checkInput(request.connection),
      connect: async (request) => {
        const result = await checkInput(request.connection);
        if (!result.ok) return result;
        await connection.save(result.info, request.connection.apiKey.trim());
        dropClients();
        health = null;
        setHealth('ok');
        await platform.alarms.create(SYNC_ALARM, { periodInMinutes: SYNC_PERIOD_MINUTES });
        for (const { account } of await db.accounts.toArray()) void maybeSync(account, true);
        return result;
      },
      disconnect: async () => {
        await connection.clear();
        dropClients();
        // The cache mirrors that CRM: without the connection it is stale and must not be shown.
        // Consents and the audit log are the user's records, not the CRM's: they stay.
        await db.transaction(
          'rw',
          CACHE_TABLES.map((t) => db.table(t)),
          async () => {
            for (const table of CACHE_TABLES) await db.table(table).clear();
          },
        );
        health = null;
        await platform.session.remove('crmHealth');
        await broadcastStatus();
        for (const tabId of hub.tabs()) void refreshCards(tabId, 'none');
        return { ok: true };
      },
    },
    { runtimeId: platform.runtimeId, extensionOrigin: platform.extensionOrigin, logger },
  );

  const hub = createSidebarHub({
    runtimeId: platform.runtimeId,
    extensionOrigin: platform.extensionOrigin,
    store,
    logger,
    onSubscribed: (tabId) => {
      void sendStatus(tabId);
      void probeHealth();
      void refreshCards(tabId, 'all');
      void store.get(tabId).then((state) => (state.account ? maybeSync(state.account) : undefined));
      void drainOutbox();
    },
  });

  platform.onMessage.addListener(router);
  // The manifest's "Search the CRM" shortcut: the tab's content script focuses the sidebar frame,
  // and the sidebar focuses its search field.
  platform.onCommand.addListener((command, tab) => {
    if (command !== 'focus-search' || tab?.id === undefined) return;
    void platform.sendToTab(tab.id, { type: 'focusSidebar' }).catch(() => undefined);
    hub.send(tab.id, { type: 'focusSearch' });
  });
  platform.onConnect.addListener((port) => hub.onConnect(port));
  platform.onTabRemoved.addListener((tabId) => {
    hub.forget(tabId);
    void store.remove(tabId);
  });
  // Chrome may drop alarms across a browser restart: a connected extension always has its sync alarm.
  void Promise.all([connection.info(), platform.alarms.get(SYNC_ALARM)]).then(([info, alarm]) =>
    info && !alarm ? platform.alarms.create(SYNC_ALARM, { periodInMinutes: SYNC_PERIOD_MINUTES }) : undefined,
  );
  platform.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM)
      void db.accounts.toArray().then((rows) => Promise.all(rows.map((r) => maybeSync(r.account, true))));
    if (alarm.name === OUTBOX_ALARM) void drainOutbox();
    if (alarm.name === RETENTION_ALARM)
      void policy
        .current()
        .then(({ settings }) => privacy.purge(settings.retentionDays))
        .then((r) => logger.info('retention.purged', r));
  });
  // Retention runs daily whatever else happens; the telemetry rule follows the policy.
  void platform.alarms.get(RETENTION_ALARM).then((alarm) =>
    alarm
      ? undefined
      : platform.alarms.create(RETENTION_ALARM, {
          delayInMinutes: 1,
          periodInMinutes: RETENTION_PERIOD_MINUTES,
        }),
  );
  void policy
    .current()
    .then(({ settings }) => platform.setTelemetryBlock(settings.blockInboxSdkTelemetry))
    .catch(() => undefined);
}
