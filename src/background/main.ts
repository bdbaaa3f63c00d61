import { createLogger, type Logger } from '../shared/logger';
import { createRouter } from './create-router';
import type { Platform } from './platform';
import { createSidebarHub } from './sidebar-hub';
import { createTabStateStore } from './tab-state-store';

function requireTab(tabId: number | null): number {
  if (tabId === null) throw new Error('message needs a tab');
  return tabId;
}

/**
 * Wires the worker. Registers every listener synchronously (Chrome delivers the event that woke
 * the worker only to listeners added in the first turn) and keeps no state that matters in memory.
 */
export function main(platform: Platform, logger: Logger = createLogger('worker')): void {
  const store = createTabStateStore(platform.session);
  const hub = createSidebarHub({
    runtimeId: platform.runtimeId,
    extensionOrigin: platform.extensionOrigin,
    store,
    logger,
  });

  const router = createRouter(
    {
      threadOpened: async (request, context) => {
        const tabId = requireTab(context.tabId);
        hub.publish(tabId, await store.open(tabId, request.account, request.thread));
        return { ok: true };
      },
      threadClosed: async (request, context) => {
        const tabId = requireTab(context.tabId);
        const state = await store.close(tabId, request.account, request.threadId);
        if (state) hub.publish(tabId, state);
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
    },
    { runtimeId: platform.runtimeId, extensionOrigin: platform.extensionOrigin, logger },
  );

  platform.onMessage.addListener(router);
  platform.onConnect.addListener((port) => hub.onConnect(port));
  platform.onTabRemoved.addListener((tabId) => {
    hub.forget(tabId);
    void store.remove(tabId);
  });
}
