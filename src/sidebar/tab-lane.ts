/**
 * The sidebar's part of the tab lane (shared/tab-lane.ts): it takes the port its parent Gmail page
 * offers, only with the key the worker gave it, opens its own port to the worker, and passes the
 * content script's messages through. What the worker sends back on that port is handled like what
 * comes over the sidebar port.
 */
import { GMAIL_ORIGIN } from '../shared/gmail-origin';
import { createLogger } from '../shared/logger';
import { type LaneOpen, type LanePort, laneOfferSchema } from '../shared/tab-lane';

const logger = createLogger('sidebar');

export interface SidebarLaneDeps {
  /** window.addEventListener('message', …) */
  listen(listener: (event: MessageEvent) => void): void;
  /** The parent page's window: an offer from anything else is refused. */
  parent: unknown;
  /** Posts to the worker itself (ServiceWorker.postMessage) with the lane's far port. */
  postToWorker(data: LaneOpen, port: MessagePort): Promise<void>;
  /** What the worker sends on the lane. */
  onWorkerMessage(message: unknown): void;
}

export interface SidebarLane {
  /** The worker gave this tab's key and this connection's id (on every subscribe): the lane to the worker is opened anew. */
  setKey(key: string, connection: string): void;
  /** The worker stopped: its end of the lane is gone until the next key. */
  workerGone(): void;
}

/** Offers held until the worker's key comes (a page script may post some too). */
const HELD_OFFERS = 4;

export function createSidebarLane(deps: SidebarLaneDeps): SidebarLane {
  let key: string | null = null;
  /** The parent page's port, taken with the key. */
  let fromPage: LanePort | null = null;
  let held: { key: string; port: LanePort }[] = [];
  let toWorker: LanePort | null = null;

  const take = (port: LanePort): void => {
    fromPage?.close();
    fromPage = port;
    // The worker checks each message as the content script's; here it only passes through.
    port.onmessage = (event) => toWorker?.postMessage(event.data);
  };
  /** An offer with another key is refused on its own: it never closes the lane already taken. */
  const consider = (offer: { key: string; port: LanePort }): void => {
    if (offer.key === key) take(offer.port);
    else {
      logger.warn('lane.rejected', { reason: 'wrong key' });
      offer.port.close();
    }
  };

  deps.listen((event) => {
    if (event.origin !== GMAIL_ORIGIN || event.source !== deps.parent) return;
    const offer = laneOfferSchema.safeParse(event.data);
    const [port, ...more] = event.ports;
    if (!offer.success || !port || more.length > 0) return;
    if (key !== null) {
      consider({ key: offer.data.key, port });
      return;
    }
    held.push({ key: offer.data.key, port });
    if (held.length > HELD_OFFERS) held.shift()?.port.close();
  });

  return {
    setKey(next, connection) {
      if (key !== null && key !== next) {
        // A new Gmail document in the tab: its page offers again.
        fromPage?.close();
        fromPage = null;
      }
      key = next;
      const waiting = held;
      held = [];
      for (const offer of waiting) consider(offer);
      toWorker?.close();
      const channel = new MessageChannel();
      const mine: LanePort = channel.port1;
      mine.onmessage = (event) => deps.onWorkerMessage(event.data);
      toWorker = mine;
      deps.postToWorker({ type: 'threadlineLaneOpen', key: next, connection }, channel.port2).catch(() => {
        if (toWorker === mine) toWorker = null;
        logger.warn('lane.unavailable', {});
      });
    },
    workerGone() {
      toWorker?.close();
      toWorker = null;
    },
  };
}
