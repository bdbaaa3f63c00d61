/**
 * The tab lane (issue 12): MessagePorts that carry a thread open from the content script, through
 * the sidebar frame, to the worker, and the worker's answer back to the sidebar.
 *
 * Why: a thread open is a same-document navigation, and for about 15 ms after one Chromium holds
 * every message it routes for the tab (runtime messages, ports, window.postMessage between frames),
 * measured with and without DevTools attached (bench: "floor ... behind a navigation"). A
 * MessagePort, once handed over, goes from process to process without that queue.
 *
 * The lane only speeds things up. The content script sends each lane message by `runtime.sendMessage`
 * too, with its running count `seq` (per document). The worker runs the first copy to arrive and
 * drops every copy at or below the highest `seq` it ran: a duplicate, or a message a later one of
 * the same page overtook (a thread open whose close or next open came by the lane first: the user
 * had already left that thread). A lane message that is lost costs time, never the message.
 *
 * Trust: the worker hands one random key per Gmail document to its content script (in the answer to
 * `hostStatus`) and to that tab's sidebar (over the sidebar port, with the id of that connection).
 * Gmail's scripts see neither. The sidebar takes a port from its parent page only with that key (an
 * offer with another key is refused without touching the lane taken), and the worker takes a port
 * only from its sidebar page, with a key it issued and the id of a live connection of that tab; what
 * arrives on it is then checked by the same router, as a message from the content script that got
 * the key. Each lane serves the one sidebar connection that opened it.
 */
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';

export const laneKeySchema = lazySchema(() => z.string().check(z.regex(/^[0-9a-f]{32}$/)));
/** Which of the tab's sidebar connections opens the lane (the worker's own name for it). */
export const laneConnectionSchema = lazySchema(() => z.string().check(z.regex(/^[0-9a-f]{16}$/)));

/** Content script → sidebar frame (`window.postMessage`, with the content script's port). */
export const laneOfferSchema = lazySchema(() =>
  z.strictObject({ type: z.literal('threadlineLaneOffer'), key: laneKeySchema }),
);
export type LaneOffer = z.infer<typeof laneOfferSchema>;

/** Sidebar → worker (`ServiceWorker.postMessage`, with the sidebar's port). */
export const laneOpenSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('threadlineLaneOpen'),
    key: laneKeySchema,
    connection: laneConnectionSchema,
  }),
);
export type LaneOpen = z.infer<typeof laneOpenSchema>;

/** The only requests the lane carries: the hot path's, each with a `seq` for the worker to de-duplicate. */
export const LANE_TYPES = ['threadOpened', 'threadClosed', 'benchPing'] as const;
export type LaneType = (typeof LANE_TYPES)[number];
export const isLaneType = (type: unknown): type is LaneType =>
  typeof type === 'string' && (LANE_TYPES as readonly string[]).includes(type);

/** A new random key (128 bits, hex). */
export function newLaneKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The part of a MessagePort the lane uses (tests pass MessageChannel's own ports). */
export interface LanePort {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}
