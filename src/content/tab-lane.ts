/**
 * The content script's part of the tab lane (shared/tab-lane.ts): each document the sidebar frame
 * loads is offered a new port, with the key the worker gave this page, and so is the sidebar that
 * asks for one (the port it had went to a worker that stopped, or never reached one, or page
 * scripts crowded the offer out: shared/tab-lane.ts). Lane messages go on it alone once the worker
 * says it took the port; before that, and after the worker says it closed it, they go by
 * `runtime.sendMessage` too (the worker runs the first copy). When a port may have lost what went on
 * it alone (closed, or replaced by a new offer), the last such message of each kind is sent again
 * by message: the worker drops it if it already ran, so a lost one costs time, never the message.
 */
import {
  type LaneOffer,
  type LaneType,
  laneFamily,
  laneNoticeSchema,
  laneWantedSchema,
} from '../shared/tab-lane';

export interface ContentLane<M extends { type: LaneType }> {
  /** Sends a lane message: on the lane alone while the worker has taken it, else by message too. */
  send(message: M): void;
}

export function offerTabLane<M extends { type: LaneType }>(
  frame: HTMLIFrameElement,
  key: string,
  extensionOrigin: string,
  /** `runtime.sendMessage`, whose copy the worker runs when the lane's is lost or late. */
  byMessage: (message: M) => void,
  listen: (listener: (event: MessageEvent) => void) => void = (l) => window.addEventListener('message', l),
): ContentLane<M> {
  let port: MessagePort | null = null;
  /** Whether the worker took `port`: what is sent then goes on it alone. */
  let taken = false;
  /** The last message of each family sent on the lane alone, sent by message if the lane lost it. */
  const laneOnly = new Map<string, M>();
  const sendAgain = (): void => {
    for (const message of laneOnly.values()) byMessage(message);
    laneOnly.clear();
  };
  const offer = (): void => {
    port?.close();
    // The old port may have lost what went on it alone (its worker stopped, or it was never read).
    taken = false;
    sendAgain();
    const channel = new MessageChannel();
    port = channel.port1;
    // Only the worker holds the far end (through our sidebar frame): Gmail's scripts never see it.
    // (A replaced port is closed above: nothing comes on it after.)
    port.onmessage = (event) => {
      const notice = laneNoticeSchema.safeParse(event.data);
      if (!notice.success) return;
      if (notice.data.type === 'threadlineLaneTaken') taken = true;
      else {
        taken = false;
        sendAgain();
      }
    };
    const message: LaneOffer = { type: 'threadlineLaneOffer', key };
    // Only a document of our extension's origin receives it; Gmail's scripts never see the key.
    frame.contentWindow?.postMessage(message, extensionOrigin, [channel.port2]);
  };
  // Only events the browser made (`isTrusted`): a page script can dispatch a `load` on the frame, or
  // a `message` with any origin and source, and each would make a new offer, which the sidebar
  // would open its lane again with, for nothing.
  frame.addEventListener('load', (event) => {
    if (event.isTrusted) offer();
  });
  // Only our sidebar frame's document posts with our origin from that window; the offer that follows
  // tells a page script nothing.
  listen((event) => {
    if (!event.isTrusted || event.origin !== extensionOrigin || event.source !== frame.contentWindow) return;
    if (laneWantedSchema.safeParse(event.data).success) offer();
  });
  return {
    send(message) {
      port?.postMessage(message);
      if (port && taken) laneOnly.set(laneFamily(message.type), message);
      else byMessage(message);
    },
  };
}
