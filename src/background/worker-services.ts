/**
 * Makes each of the worker's services once and wires them to each other (main.ts registers the
 * listeners). Services that refer to each other do so through closures called later, never at
 * construction.
 */
import { isStorageFull } from '../db/storage-full';
import { ThreadlineDb } from '../db/threadline-db';
import { type Logger, logFailure } from '../shared/logger';
import { tabMessages } from '../shared/protocol';
import type { StatusView } from '../shared/sidebar-port';
import { type AfterStart, createAfterStart } from './after-start';
import { wakeups } from './alarms';
import { createConnectionStore } from './connection/connection-store';
import { createCrmSession } from './crm/crm-session';
import type { AfterOpen } from './handlers/thread-handlers';
import { createOutbox } from './outbox/outbox';
import { createOutboxMirror } from './outbox/outbox-mirror';
import { createProvisionalIds } from './outbox/provisional-id';
import type { Platform } from './platform';
import { createAccountBinding } from './privacy/account-binding';
import { createAuditLog } from './privacy/audit/audit-log';
import { createConsentStore } from './privacy/consent/consent-store';
import { createPrivacyCentre } from './privacy/data-rights/privacy-centre';
import type { EgressResponse } from './privacy/egress/egress-fetch';
import { createCardLookups } from './read-models/card-lookups';
import { readExtras } from './read-models/extras';
import { readStatus, storageFullStatus } from './read-models/status';
import { createTeammates } from './read-models/teammates';
import { createPolicyStore, type PolicyState } from './settings/policy-store';
import { createSidebarHub } from './sidebar-hub';
import { createBackgroundJobs } from './sync/background-jobs';
import { watchCacheLoss } from './sync/cache-loss';
import { createStoragePause } from './sync/storage-pause';
import { createSyncEngine } from './sync/sync-engine';
import { createTabLanes } from './tab-lanes';
import { createTabStateStore } from './tab-state-store';
import { createThreadCommands } from './threads/thread-commands';
import { cacheVersionMiddleware } from './views/cache-version';
import { createThreadViews } from './views/thread-views';
import type { WorkerContext } from './worker-context';

/**
 * While the database upgrades, an extension API is called at most this often: Chrome stops a worker
 * after 30 s without an event or an API call (developer.chrome.com, "The extension service worker
 * lifecycle"), and copying 100,000 people between stores takes about 30 s.
 */
const UPGRADE_KEEPALIVE_MS = 10_000;

/** While a sync runs, its pages refresh the cards shown at most this often. */
const SYNC_CARDS_EVERY_MS = 1000;

export interface WorkerDeps {
  db?: ThreadlineDb;
  fetchImpl?: (url: string, init: RequestInit) => Promise<EgressResponse>;
  nowMs?: () => number;
  /** How long an empty policy store may still be filling in (tests shorten it). */
  policyGraceMs?: number;
  /** When a start's housekeeping runs (after-start.ts; tests hold it and let it go). */
  afterStart?: AfterStart;
  /** When a thread open's account note and sync check run (handlers/thread-handlers.ts; tests hold it). */
  afterOpen?: AfterOpen;
}

export function createWorkerServices(
  platform: Platform,
  logger: Logger,
  deps: WorkerDeps = {},
): WorkerContext {
  const afterStart = deps.afterStart ?? createAfterStart();
  let lastCall = 0;
  const db =
    deps.db ??
    new ThreadlineDb('threadline', {
      onUpgradeStep: () => {
        if (Date.now() - lastCall < UPGRADE_KEEPALIVE_MS) return;
        lastCall = Date.now();
        void platform.session.get('upgrading').catch(() => undefined);
      },
    });
  const nowMs = deps.nowMs ?? Date.now;
  // Before anything opens the database: the outbox's copy outside it, and its creation, which is
  // what tells a loss (outbox/outbox-mirror.ts, sync/cache-loss.ts).
  const mirror = createOutboxMirror(platform.local, logger);
  db.use(mirror.middleware);
  // Every committed write to what the read models read moves the views' cache version.
  db.use(cacheVersionMiddleware(() => views.invalidate()));
  const cacheLoss = watchCacheLoss({
    db,
    local: platform.local,
    nowMs,
    logger,
    onLost: () => views.statusChanged(),
    restore: mirror.restore,
    prune: () => afterStart(() => mirror.prune(db)),
  });
  const nowSec = () => Math.floor(nowMs() / 1000);
  const store = createTabStateStore(platform.session, nowMs);
  const accounts = createAccountBinding(platform.session);
  const connection = createConnectionStore(db, platform.session);
  const consent = createConsentStore(db, nowMs);
  const audit = createAuditLog(db);
  const privacy = createPrivacyCentre({ db, consent, nowMs, connectionInfo: () => connection.info() });
  const teammates = createTeammates(db);
  const provisionalId = createProvisionalIds(nowMs);
  // The telemetry rule follows the policy: as read at the start (below), and at every change.
  const telemetryFailed = logFailure(logger.warn, 'telemetry.setFailed');
  const applyTelemetry = (resolved: PolicyState): void =>
    void platform.setTelemetryBlock(resolved.settings.blockInboxSdkTelemetry).catch(telemetryFailed);
  const policy = createPolicyStore({
    managed: platform.managed,
    session: platform.session,
    db,
    logger,
    ...(deps.policyGraceMs === undefined ? {} : { graceMs: deps.policyGraceMs }),
    onChange: (resolved) => {
      crm.reset(); // allowed hosts may have changed
      views.statusChanged(); // a connection the policy no longer allows is shown as stopped at once
      applyTelemetry(resolved);
    },
  });
  void policy.current().then(applyTelemetry, telemetryFailed);
  const crm = createCrmSession({
    connection,
    consent,
    audit,
    session: platform.session,
    policy,
    nowMs,
    logger,
    fetchImpl: deps.fetchImpl,
    onHealth: () => views.statusChanged(),
  });
  const lanes = createTabLanes({ session: platform.session, logger });
  const hub = createSidebarHub({
    runtimeId: platform.runtimeId,
    extensionOrigin: platform.extensionOrigin,
    logger,
    laneKeyOf: (tabId) => lanes.keyOf(tabId),
    onSubscribed: (tabId) => {
      void views.subscribed(tabId);
      void crm.probe();
      void store.get(tabId).then((state) => (state.account ? jobs.maybeSync(state.account) : undefined));
      void jobs.drainOutbox();
    },
  });
  const cardsDuringSync = new Map<string, number>();
  const sync = createSyncEngine({
    db,
    client: crm.client,
    now: nowSec,
    logger,
    onProgress: (account) => {
      teammates.forget(account);
      if (!sync.isRunning(account)) {
        // 'all': the reconciliation sweep may have removed a shown person, whose address needs a search.
        views.accountChanged(account, 'all');
        return;
      }
      // While a sync runs: the status every page, the cards (a deal, a company just synced) at
      // most once a second, without asking the CRM for more meanwhile.
      const last = cardsDuringSync.get(account) ?? 0;
      if (nowMs() - last >= SYNC_CARDS_EVERY_MS) {
        cardsDuringSync.set(account, nowMs());
        views.accountChanged(account, 'none');
      } else views.statusChanged(account);
    },
  });
  const outbox = createOutbox({
    db,
    client: crm.client,
    nowMs,
    logger,
    onChange: (a) => views.accountChanged(a),
  });
  const storagePause = createStoragePause(platform.session, nowMs);
  const jobs = createBackgroundJobs({
    db,
    connection,
    sync,
    outbox,
    pause: storagePause,
    statusChanged: (account) => views.statusChanged(account),
    wake: wakeups(platform.alarms),
    nowMs,
    logger,
  });
  const readBodies = async (tabId: number, threadId: string, messageIds: string[]) => {
    const answer = tabMessages.readBodies.response.safeParse(
      await platform.sendToTab(tabId, { type: 'readBodies', threadId, messageIds }),
    );
    return new Map(answer.success ? answer.data.bodies.map((b) => [b.messageId, b.text]) : []);
  };
  const settings = () => policy.current();
  const status = async (account: string): Promise<StatusView> => {
    const [view, lost] = await Promise.all([statusOf(account), cacheLoss.lostAt()]);
    return lost === null ? view : { ...view, cacheLost: true };
  };
  const statusOf = async (account: string): Promise<StatusView> => {
    try {
      // Inside the try: the connection is read from the database too, which storage full can close.
      // Read side by side: a woken worker's first view waits on this.
      const [info, health, paused] = await Promise.all([
        connection.info(),
        crm.health(),
        storagePause.of(account),
      ]);
      return await readStatus(db, account, {
        connected: info !== null,
        health,
        syncRunning: sync.isRunning(account),
        storageFull: paused !== null,
        managed: (policy.peek()?.locked.length ?? 0) > 0,
        leads: info?.leads !== false,
        tags: info?.tags !== false,
      });
    } catch (error) {
      // Whatever the read failed with (a read aborted as Chromium closes the database says only
      // "AbortError"), an account paused for storage is shown as paused.
      if (!isStorageFull(error) && (await storagePause.of(account)) === null) throw error;
      return storageFullStatus(sync.isRunning(account));
    }
  };
  const views = createThreadViews({
    db,
    hub,
    store,
    lookups: createCardLookups({ db, client: crm.client, nowSec, logger }),
    teammatesOf: teammates.of,
    internalDomains: async () => (await policy.current()).settings.internalDomains,
    status,
    extras: (account, thread, keys) => readExtras({ db, consent, settings }, account, thread, keys),
    mayFetchActivities: (account) => !sync.isRunning(account),
    nowSec,
    logger,
  });
  const changed = async (account: string) => {
    views.accountChanged(account);
    void jobs.drainOutbox();
  };
  const commands = createThreadCommands({
    db,
    outbox,
    consent,
    nowMs,
    settings,
    openThread: async (tabId, account, threadId) => {
      if (tabId === null) return null;
      const state = await store.get(tabId);
      return state.account === account && state.thread?.threadId === threadId ? state.thread : null;
    },
    readBodies,
    teammatesOf: teammates.of,
    provisionalId,
    changed,
  });
  return {
    ...{ platform, db, logger, nowMs, policy, connection, consent, audit, privacy, crm, store, hub },
    ...{
      views,
      teammates,
      outbox,
      sync,
      jobs,
      commands,
      readBodies,
      changed,
      provisionalId,
      accounts,
      status,
      storagePause,
      cacheLoss,
      lanes,
      afterStart,
    },
  };
}
