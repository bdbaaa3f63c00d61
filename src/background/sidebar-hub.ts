import type { Logger } from '../shared/logger';
import { describeIssues } from '../shared/protocol';
import { SIDEBAR_PORT, sidebarToWorkerSchema, type WorkerToSidebar } from '../shared/sidebar-port';
import { type LanePort, newLaneKey } from '../shared/tab-lane';
import { acceptPort } from './classify-sender';
import type { PortLike } from './platform';

export interface SidebarHub {
  onConnect(port: PortLike): void;
  /** To the tab's sidebar: over its tab lane once it has one (shared/tab-lane.ts), else its port. */
  send(tabId: number, message: WorkerToSidebar): void;
  /** A sidebar of the tab opened its lane: what the hub sends that sidebar goes there until it leaves. */
  attachLane(tabId: number, connectionId: string, port: LanePort): void;
  /** Tabs with at least one live sidebar. */
  tabs(): number[];
  forget(tabId: number): void;
}

/** One sidebar's connection: its port, the lane it opened (if any), and its count of messages sent. */
interface Connection {
  readonly port: PortLike;
  /** Names this connection in its lane's opening (shared/tab-lane.ts), so a lane serves one sidebar. */
  readonly id: string;
  lane: LanePort | null;
  sent: number;
}

/**
 * Live connections from sidebar iframes, by tab. The ports die with the worker; each sidebar
 * reconnects and re-subscribes, and gets its tab's view again, so nothing is lost. A subscribing
 * sidebar is also given its tab's lane key and its connection's id; the lane it then opens replaces
 * its port for what the worker sends it, and goes with the port. Every message to a sidebar carries
 * the connection's running count `n`, so a message overtaken on the other channel is dropped there.
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
  const connections = new Map<number, Set<Connection>>();
  const closeLane = (c: Connection): void => {
    c.lane?.close();
    c.lane = null;
  };

  const send = (c: Connection, message: WorkerToSidebar): void => {
    c.sent += 1;
    const counted = { ...message, n: c.sent };
    if (c.lane) {
      try {
        c.lane.postMessage(counted);
        return;
      } catch {
        closeLane(c);
      }
    }
    try {
      c.port.postMessage(counted);
    } catch {
      // The sidebar went away between our check and the post; its onDisconnect cleans up.
    }
  };

  return {
    onConnect(port) {
      const accepted = acceptPort(port, SIDEBAR_PORT, 'sidebarPage', options);
      if (!accepted) return;
      const { tabId } = accepted;
      const set = connections.get(tabId) ?? new Set<Connection>();
      const connection: Connection = { port, id: newConnectionId(), lane: null, sent: 0 };
      set.add(connection);
      connections.set(tabId, set);
      port.onDisconnect.addListener(() => {
        closeLane(connection);
        set.delete(connection);
        if (set.size === 0 && connections.get(tabId) === set) connections.delete(tabId);
      });
      port.onMessage.addListener((message) => {
        const parsed = sidebarToWorkerSchema.safeParse(message);
        if (!parsed.success) {
          logger.warn('port.message.rejected', { reason: 'bad shape', issues: describeIssues(parsed.error) });
          return;
        }
        options.onSubscribed(tabId);
        void options.laneKeyOf(tabId).then((key) => {
          if (key !== null) send(connection, { type: 'laneKey', key, connection: connection.id });
        });
      });
    },
    send(tabId, message) {
      for (const connection of connections.get(tabId) ?? []) send(connection, message);
    },
    attachLane(tabId, connectionId, port) {
      const connection = [...(connections.get(tabId) ?? [])].find((c) => c.id === connectionId);
      if (!connection) {
        port.close(); // that sidebar is gone: nobody would read it
        return;
      }
      closeLane(connection);
      connection.lane = port;
    },
    tabs: () => [...connections.keys()],
    forget(tabId) {
      for (const connection of connections.get(tabId) ?? []) closeLane(connection);
      connections.delete(tabId);
    },
  };
}

function newConnectionId(): string {
  return newLaneKey().slice(0, 16);
}
