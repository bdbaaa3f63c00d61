import type { Logger } from '../shared/logger';
import { describeIssues } from '../shared/protocol';
import { SIDEBAR_PORT, sidebarToWorkerSchema, type WorkerToSidebar } from '../shared/sidebar-port';
import { classifySender } from './classify-sender';
import type { PortLike } from './platform';

export const SIDEBAR_PATH = 'src/sidebar/index.html';

export interface SidebarHub {
  onConnect(port: PortLike): void;
  send(tabId: number, message: WorkerToSidebar): void;
  /** Tabs with at least one live sidebar. */
  tabs(): number[];
  forget(tabId: number): void;
}

/**
 * Live connections from sidebar iframes, by tab. The ports die with the worker; each sidebar
 * reconnects and re-subscribes, and gets its tab's view again, so nothing is lost.
 */
export function createSidebarHub(options: {
  runtimeId: string;
  extensionOrigin: string;
  logger: Logger;
  /** A sidebar (re)subscribed: send it its tab's view. */
  onSubscribed: (tabId: number) => void;
}): SidebarHub {
  const { logger } = options;
  const ports = new Map<number, Set<PortLike>>();

  const send = (port: PortLike, message: WorkerToSidebar): void => {
    try {
      port.postMessage(message);
    } catch {
      // The sidebar went away between our check and the post; its onDisconnect cleans up.
    }
  };

  return {
    onConnect(port) {
      if (port.name !== SIDEBAR_PORT) return;
      const verdict = classifySender(port.sender ?? {}, options.runtimeId, options.extensionOrigin);
      const fromSidebar =
        verdict.ok && (port.sender?.url ?? '').startsWith(`${options.extensionOrigin}${SIDEBAR_PATH}`);
      const tabId = verdict.ok ? verdict.context.tabId : null;
      if (!fromSidebar || tabId === null) {
        logger.warn('port.rejected', {
          reason: verdict.ok ? 'not the sidebar page in a tab' : verdict.reason,
        });
        port.disconnect();
        return;
      }
      const set = ports.get(tabId) ?? new Set<PortLike>();
      set.add(port);
      ports.set(tabId, set);
      port.onDisconnect.addListener(() => {
        set.delete(port);
        if (set.size === 0 && ports.get(tabId) === set) ports.delete(tabId);
      });
      port.onMessage.addListener((message) => {
        const parsed = sidebarToWorkerSchema.safeParse(message);
        if (!parsed.success) {
          logger.warn('port.message.rejected', { reason: 'bad shape', issues: describeIssues(parsed.error) });
          return;
        }
        options.onSubscribed(tabId);
      });
    },
    send(tabId, message) {
      for (const port of ports.get(tabId) ?? []) send(port, message);
    },
    tabs: () => [...ports.keys()],
    forget(tabId) {
      ports.delete(tabId);
    },
  };
}
