/**
 * The content script's part of the tab lane (shared/tab-lane.ts): each document the sidebar frame
 * loads is offered a new port, with the key the worker gave this page, and so is the sidebar that
 * asks for one (the port it had went to a worker that stopped). Lane messages are sent on it and
 * also by `runtime.sendMessage` (the worker runs the first copy), so a lost one costs time only.
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
  frame.addEventListener('load', offer);
  // Only our sidebar frame's document can post with our origin from that window: a page script can
  // neither pose as it nor learn anything from the offer that follows.
  listen((event) => {
    if (event.origin !== extensionOrigin || event.source !== frame.contentWindow) return;
    if (laneWantedSchema.safeParse(event.data).success) offer();
  });
  return {
    post(message) {
      port?.postMessage(message);
    },
  };
}
