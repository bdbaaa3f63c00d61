/**
 * The worker's composition root: the services (worker-services.ts), each area's handlers behind one
 * router, and every listener registered synchronously (Chrome delivers the event that woke the
 * worker only to listeners added in the first turn). Nothing that matters is kept in memory: thread
 * state is in storage.session; the cache, sync progress and the outbox are in IndexedDB.
 */
import { createLogger, type Logger, logFailure } from '../shared/logger';
import { closeLanePorts } from '../shared/tab-lane';
import { registerAlarms } from './alarms';
import { SIDEBAR_PATH } from './classify-sender';
import { createContentPorts } from './content-ports';
import { createRouter } from './create-router';
import { createBenchHandlers } from './handlers/bench-handlers';
import { createConnectionHandlers } from './handlers/connection-handlers';
import { createContactHandlers } from './handlers/contact-handlers';
import { createPrivacyHandlers } from './handlers/privacy-handlers';
import { createRecordHandlers } from './handlers/record-handlers';
import { createSettingsHandlers } from './handlers/settings-handlers';
import { createThreadHandlers } from './handlers/thread-handlers';
import type { Platform } from './platform';
import { createAccountGate } from './privacy/account-gate';
import { openWelcomeOnInstall } from './welcome';
import { createWorkerServices, type WorkerDeps } from './worker-services';

export type { WorkerDeps };

export function main(
  platform: Platform,
  logger: Logger = createLogger('worker'),
  deps: WorkerDeps = {},
): void {
  const ctx = createWorkerServices(platform, logger, deps);
  const { hub, views, store, db, policy, privacy, connection } = ctx;
  const { listener, dispatch } = createRouter(
    {
      ...createThreadHandlers(ctx, deps.afterOpen),
      ...createContactHandlers(ctx),
      ...createRecordHandlers(ctx),
      ...createPrivacyHandlers(ctx),
      ...createConnectionHandlers(ctx),
      ...createSettingsHandlers(ctx),
      ...createBenchHandlers(ctx),
    },
    {
      runtimeId: platform.runtimeId,
      extensionOrigin: platform.extensionOrigin,
      logger,
      accounts: createAccountGate({ accounts: ctx.accounts, settings: () => policy.current() }),
      firstCopy: ctx.lanes.firstCopy,
      ranBefore: ctx.lanes.ranBefore,
    },
  );
  platform.onMessage.addListener(listener);
  const contentPorts = createContentPorts({
    runtimeId: platform.runtimeId,
    extensionOrigin: platform.extensionOrigin,
    logger,
    dispatch,
  });
  platform.onConnect.addListener((port) => {
    hub.onConnect(port);
    contentPorts.onConnect(port);
  });
  platform.onLaneOpen.addListener((data, ports, sourceUrl) => {
    // Only the sidebar page opens a lane (other pages of ours have no tab to speak for).
    if (!sourceUrl?.startsWith(`${platform.extensionOrigin}${SIDEBAR_PATH}`)) {
      logger.warn('lane.rejected', { reason: 'not the sidebar page' });
      closeLanePorts(ports);
      return;
    }
    void ctx.lanes.open(data, ports, dispatch).then((opened) => {
      if (opened) hub.attachLane(opened.tabId, opened.connection, opened.lane);
    });
  });
  // The manifest's "Search the CRM" shortcut: the tab's content script focuses the sidebar frame,
  // and the sidebar focuses its search field.
  platform.onCommand.addListener((command, tab) => {
    if (command !== 'focus-search' || tab?.id === undefined) return;
    void platform.sendToTab(tab.id, { type: 'focusSidebar' }).catch(() => undefined);
    hub.send(tab.id, { type: 'focusSearch' });
  });
  platform.onInstalled.addListener(
    (details) => void openWelcomeOnInstall(details, { ...platform, policy, logger }),
  );
  platform.onTabRemoved.addListener((tabId) => {
    hub.forget(tabId);
    ctx.lanes.forget(tabId);
    views.forget(tabId);
    // Logged, never left unhandled: a storage.session that refuses leaves only a stale key behind.
    void store.remove(tabId).catch(logFailure(logger.warn, 'tabState.removeFailed'));
    void ctx.accounts.forget(tabId).catch(logFailure(logger.warn, 'accountPin.forgetFailed'));
  });
  registerAlarms(
    platform.alarms,
    {
      connected: async () => (await connection.info()) !== null,
      sync: async () =>
        void (await Promise.all(
          (await db.accounts.toArray()).map((r) => ctx.jobs.maybeSync(r.account, true)),
        )),
      drainOutbox: ctx.jobs.drainOutbox,
      storageRetry: ctx.jobs.retryPaused,
      retention: async () =>
        logger.info('retention.purged', await privacy.purge((await policy.current()).settings.retentionDays)),
    },
    logger,
    ctx.afterStart,
  );
}
