import type { Logger } from '../shared/logger';
import { describeIssues } from '../shared/protocol';
import { SIDEBAR_PORT, sidebarToWorkerSchema, type WorkerToSidebar } from '../shared/sidebar-port';
import type { LanePort } from '../shared/tab-lane';
import { classifySender } from './classify-sender';
import type { PortLike } from './platform';

export const SIDEBAR_PATH = 'src/sidebar/index.html';

export interface SidebarHub {
  onConnect(port: PortLike): void;
  /** To the tab's sidebar: over its tab lane once it has one (shared/tab-lane.ts), else its port. */
  send(tabId: number, message: WorkerToSidebar): void;
  /** The tab's sidebar opened its lane: what the hub sends the tab goes there until the sidebar leaves. */
  attachLane(tabId: number, port: LanePort): void;
  /** Tabs with at least one live sidebar. */
  tabs(): number[];
  forget(tabId: number): void;
}

/**
 * Live connections from sidebar iframes, by tab. The ports die with the worker; each sidebar
 * reconnects and re-subscribes, and gets its tab's view again, so nothing is lost. A subscribing
 * sidebar is also given its tab's lane key; the lane it then opens replaces its port for what the
 * worker sends, and is dropped when the sidebar's port goes (a new sidebar opens its own).
 */
export function createSidebarHub(options: {
  runtimeId: string;
  extensionOrigin: string;
  logger: Logger;
  /** A sidebar (re)subscribed: send it its tab's view. */
  onSubscribed: (tabId: number) => void;
  /** The tab lane key issued in a tab (tab-lanes.ts). */
  laneKeyOf: (tabId: number) => Promise<string | null>;
}): SidebarHub {
  const { logger } = options;
  const ports = new Map<number, Set<PortLike>>();
  const lanes = new Map<number, LanePort>();
  const dropLane = (tabId: number): void => {
    lanes.get(tabId)?.close();
    lanes.delete(tabId);
  };

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
      // A new sidebar document opens its own lane; until then its port carries everything.
      dropLane(tabId);
      port.onDisconnect.addListener(() => {
        set.delete(port);
        if (set.size === 0 && ports.get(tabId) === set) {
          ports.delete(tabId);
          dropLane(tabId);
        }
      });
      port.onMessage.addListener((message) => {
        const parsed = sidebarToWorkerSchema.safeParse(message);
        if (!parsed.success) {
          logger.warn('port.message.rejected', { reason: 'bad shape', issues: describeIssues(parsed.error) });
          return;
        }
        options.onSubscribed(tabId);
        void options.laneKeyOf(tabId).then((key) => {
          if (key !== null) send(port, { type: 'laneKey', key });
        });
      });
    },
    send(tabId, message) {
      const lane = lanes.get(tabId);
      if (lane) {
        try {
          lane.postMessage(message);
          return;
        } catch {
          dropLane(tabId);
        }
      }
      for (const port of ports.get(tabId) ?? []) send(port, message);
    },
    attachLane(tabId, port) {
      if (!ports.has(tabId)) {
        port.close(); // no sidebar of this tab is connected: nobody would read it
        return;
      }
      dropLane(tabId);
      lanes.set(tabId, port);
    },
    tabs: () => [...ports.keys()],
    forget(tabId) {
      dropLane(tabId);
      ports.delete(tabId);
    },
  };
}
