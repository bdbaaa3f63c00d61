import { createLogger } from '../shared/logger';
import { describeIssues } from '../shared/protocol';
import { type SidebarToWorker, workerToSidebarSchema } from '../shared/sidebar-port';
import type { SidebarStore } from './store';
import type { SidebarLane } from './tab-lane';

const logger = createLogger('sidebar');

export interface SidebarPort {
  postMessage(message: SidebarToWorker): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** Gives up (and says so) after this many reconnects without a single answer in between. */
export const MAX_SILENT_RECONNECTS = 8;

/**
 * Chrome stops an idle worker, and the sidebar's port then disconnects: a routine event, after
 * which the new worker answers in about 100 ms. The sidebar is `restarting` meanwhile (shown as
 * connected), and says "Reconnecting…" (a notice read out by screen readers, which moves the content
 * down) only if no view came within this long.
 */
export const RECONNECT_NOTICE_MS = 1500;

/**
 * What the worker sends, over the sidebar port or the tab lane: checked, then into the store. Each
 * message carries its connection's running count (sidebar-hub.ts); a view overtaken by a later view
 * on the other channel is dropped, and so is extras by later extras (each kind supersedes only its
 * own kind). `SendOrder` is reset for each new connection.
 */
export function receiveFromWorker(
  store: SidebarStore,
  message: unknown,
  order: SendOrder,
  lane?: SidebarLane,
): boolean {
  const parsed = workerToSidebarSchema.safeParse(message);
  if (!parsed.success) {
    logger.warn('port.message.rejected', { issues: describeIssues(parsed.error) });
    return false;
  }
  const data = parsed.data;
  if (data.n !== undefined && (data.type === 'view' || data.type === 'extras')) {
    if (data.n <= order[data.type]) return true;
    order[data.type] = data.n;
  }
  if (data.type === 'view') store.getState().receiveView(data);
  else if (data.type === 'extras') store.getState().receiveExtras(data);
  else if (data.type === 'benchPong') store.getState().receivePong(data.seq);
  else if (data.type === 'laneKey') lane?.setKey(data.key, data.connection);
  else store.getState().requestSearchFocus();
  return true;
}

/** The count of the last view and extras taken from the worker, per connection. */
export interface SendOrder {
  view: number;
  extras: number;
}
export const newSendOrder = (): SendOrder => ({ view: 0, extras: 0 });

/**
 * Keeps a port to the worker open. Chrome stops the worker when idle or at will; the port then
 * disconnects, and reconnecting wakes a fresh worker, which answers `subscribe` from durable state.
 */
export function connectWorker(
  connect: () => SidebarPort,
  store: SidebarStore,
  schedule: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms),
  lane?: SidebarLane,
  /** The order of what the worker sends, shared with the lane (main.tsx). */
  order: SendOrder = newSendOrder(),
): { retry(): void } {
  let silentReconnects = 0;
  /** The restart (a stop that followed an answer) whose notice timer is pending, if any. */
  let pendingRestart: object | null = null;

  const open = (): void => {
    const port = connect();
    Object.assign(order, newSendOrder()); // a new connection counts from 1
    port.onMessage.addListener((message) => {
      if (receiveFromWorker(store, message, order, lane)) silentReconnects = 0;
    });
    port.onDisconnect.addListener(() => {
      lane?.workerGone();
      silentReconnects += 1;
      if (silentReconnects > MAX_SILENT_RECONNECTS) {
        store.getState().setConnection('unreachable');
        return;
      }
      if (silentReconnects === 1) {
        // The first stop since an answer (or since the start, or a retry, which stay `connecting`):
        // routine, unless no view comes (over the port or the lane) within the notice delay. Later
        // stops meanwhile wait for it too: Chrome may refuse a reconnect while a worker shuts down.
        const restart = {};
        pendingRestart = restart;
        if (store.getState().connection === 'connected') store.getState().setConnection('restarting');
        schedule(() => {
          if (pendingRestart !== restart) return; // a later restart has its own timer
          pendingRestart = null;
          if (store.getState().connection === 'restarting') store.getState().setConnection('reconnecting');
        }, RECONNECT_NOTICE_MS);
      } else if (pendingRestart === null) store.getState().setConnection('reconnecting');
      // First retry at once (a stopped worker restarts on connect), then back off up to 2 s.
      schedule(open, silentReconnects === 1 ? 0 : Math.min(2000, 100 * 2 ** silentReconnects));
    });
    port.postMessage({ type: 'subscribe' });
  };

  open();
  return {
    retry() {
      silentReconnects = 0;
      store.getState().setConnection('connecting');
      open();
    },
  };
}
