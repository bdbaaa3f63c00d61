/**
 * The sidebar's part of the tab lane (shared/tab-lane.ts): it takes the port its parent Gmail page
 * offers, only with the key the worker gave it, opens its own port to the worker, and passes the
 * content script's messages through. What the worker sends back on that port is handled like what
 * comes over the sidebar port.
 */
import { createLogger } from '../shared/logger';
import { type LaneOpen, type LanePort, laneOfferSchema } from '../shared/tab-lane';

const logger = createLogger('sidebar');

const GMAIL_ORIGIN = 'https://mail.google.com';

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
  /** The worker gave this tab's key (on every subscribe): the lane to the worker is opened anew. */
  setKey(key: string): void;
  /** The worker stopped: its end of the lane is gone until the next key. */
  workerGone(): void;
}

export function createSidebarLane(deps: SidebarLaneDeps): SidebarLane {
  let key: string | null = null;
  /** The parent page's port, accepted (or offered before the key came). */
  let fromPage: { key: string; port: LanePort } | null = null;
  let accepted = false;
  let toWorker: LanePort | null = null;

  const relay = (event: MessageEvent): void => {
    // The worker checks each message as the content script's; here it only passes through.
    toWorker?.postMessage(event.data);
  };
  const settle = (): void => {
    if (!fromPage || key === null || accepted) return;
    if (fromPage.key !== key) {
      logger.warn('lane.rejected', { reason: 'wrong key' });
      fromPage.port.close();
      fromPage = null;
      return;
    }
    accepted = true;
    fromPage.port.onmessage = relay;
  };

  deps.listen((event) => {
    if (event.origin !== GMAIL_ORIGIN || event.source !== deps.parent) return;
    const offer = laneOfferSchema.safeParse(event.data);
    const [port, ...more] = event.ports;
    if (!offer.success || !port || more.length > 0) return;
    fromPage?.port.close();
    fromPage = { key: offer.data.key, port };
    accepted = false;
    settle();
  });

  return {
    setKey(next) {
      if (key !== null && key !== next && fromPage) {
        // A new Gmail document in the tab: its page offers again.
        fromPage.port.close();
        fromPage = null;
        accepted = false;
      }
      key = next;
      settle();
      toWorker?.close();
      const channel = new MessageChannel();
      const mine: LanePort = channel.port1;
      mine.onmessage = (event) => deps.onWorkerMessage(event.data);
      toWorker = mine;
      deps.postToWorker({ type: 'threadlineLaneOpen', key: next }, channel.port2).catch(() => {
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
