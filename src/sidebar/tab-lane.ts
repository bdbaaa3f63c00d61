/**
 * The sidebar's part of the tab lane (shared/tab-lane.ts): it takes the port its parent Gmail page
 * offers, only with the key the worker gave it, and hands it to the worker together with a port of
 * its own, on which the worker's answers come back and are handled like what comes over the
 * sidebar port. The content script's messages then go straight to the worker.
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
  /** Asks the parent page for a new port (`threadlineLaneWanted`). */
  askForPort(): void;
  /**
   * Posts to the worker itself (ServiceWorker.postMessage) with the far end of the sidebar's port,
   * then the page's port.
   */
  postToWorker(data: LaneOpen, ports: [MessagePort, MessagePort]): Promise<void>;
  /** What the worker sends on the lane. */
  onWorkerMessage(message: unknown): void;
}

export interface SidebarLane {
  /**
   * The worker gave this tab's key and this connection's id (on every subscribe): the last
   * connection's lanes are closed, and one opens with the page's next port (asked for if none is
   * coming).
   */
  setKey(key: string, connection: string): void;
  /** The worker stopped: its end of the lane is gone until the next key. */
  workerGone(): void;
}

/** Offers held until the worker's key comes (a page script may post some too). */
const HELD_OFFERS = 4;

export function createSidebarLane(deps: SidebarLaneDeps): SidebarLane {
  let key: string | null = null;
  let connection = '';
  /**
   * Whether the page's port may not come by itself: one went to a worker (and is gone with it), or
   * an offer was dropped from `held` (page scripts posted more). The page is then asked for another.
   */
  let askPage = false;
  /** Whether this connection already asked again after a lane that never reached the worker. */
  let retried = false;
  let held: { key: string; port: MessagePort }[] = [];
  /**
   * This connection's lanes. One replaced is not closed here: the worker closes it when it takes the
   * next, and what it sent on it before then still arrives (each message's count `n` orders the
   * two). All are closed when the connection ends: a late message of a worker that stopped would
   * otherwise count against the next connection's order (connect-worker.ts).
   */
  let lanes: LanePort[] = [];
  const closeLanes = (): void => {
    for (const lane of lanes) lane.close();
    lanes = [];
  };

  /** One lane: the page's port, taken with the tab's key, goes to the worker with one of ours. */
  const open = (page: MessagePort, laneKey: string): void => {
    askPage = true;
    const channel = new MessageChannel();
    const mine: LanePort = channel.port1;
    const of = connection;
    mine.onmessage = (event) => deps.onWorkerMessage(event.data);
    lanes.push(mine);
    deps
      .postToWorker({ type: 'threadlineLaneOpen', key: laneKey, connection }, [channel.port2, page])
      .catch(() => {
        // Never reached the worker: nothing will read these ports (closing one already sent is harmless).
        for (const port of [mine, channel.port2, page]) port.close();
        lanes = lanes.filter((lane) => lane !== mine);
        logger.warn('lane.unavailable', {});
        // Asked once more per connection, not in a loop while the worker stays out of reach.
        if (of === connection && lanes.length === 0 && !retried) {
          retried = true;
          deps.askForPort();
        }
      });
  };
  /** An offer with another key is refused on its own: it never closes the lane already opened. */
  const consider = (offer: { key: string; port: MessagePort }): void => {
    if (offer.key === key) open(offer.port, offer.key);
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
    if (held.length > HELD_OFFERS) {
      held.shift()?.port.close();
      askPage = true; // that may have been the page's own
    }
  });

  return {
    setKey(next, id) {
      key = next;
      connection = id;
      retried = false;
      // The lanes before (if any) belonged to a worker, or a connection, that is gone.
      closeLanes();
      const waiting = held;
      held = [];
      for (const offer of waiting) consider(offer);
      // No lane yet, and the page's port will not come by itself: the page offers a new one (with
      // its key, which is this one unless the tab holds a new Gmail document), and that opens it.
      if (lanes.length === 0 && askPage) deps.askForPort();
    },
    workerGone: closeLanes,
  };
}
