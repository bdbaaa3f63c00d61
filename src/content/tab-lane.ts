/**
 * The content script's part of the tab lane (shared/tab-lane.ts): each document the sidebar frame
 * loads is offered a new port, with the key the worker gave this page, and so is the sidebar that
 * asks for one (the port it had went to a worker that stopped, or never reached one, or page
 * scripts crowded the offer out: shared/tab-lane.ts). Lane messages are sent on it and
 * also on the content script's port to the worker (the worker runs the first copy), so a lost one
 * costs time only.
 */
import { type LaneOffer, laneWantedSchema } from '../shared/tab-lane';

export interface ContentLane {
  /** Sends on the lane if one is offered (no answer comes back on it). */
  post(message: unknown): void;
}

export function offerTabLane(
  frame: HTMLIFrameElement,
  key: string,
  extensionOrigin: string,
  listen: (listener: (event: MessageEvent) => void) => void = (l) => window.addEventListener('message', l),
): ContentLane {
  let port: MessagePort | null = null;
  const offer = (): void => {
    port?.close();
    const channel = new MessageChannel();
    port = channel.port1;
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
    post(message) {
      port?.postMessage(message);
    },
  };
}
