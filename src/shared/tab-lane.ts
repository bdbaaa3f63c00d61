/**
 * The tab lane (issue 12): MessagePorts that carry a thread open from the content script straight to
 * the worker, and the worker's answer back to the sidebar.
 *
 * Why: a thread open is a same-document navigation, and for about 15 ms after one Chromium holds
 * every message it routes for the tab (runtime messages, ports, window.postMessage between frames),
 * measured with and without DevTools attached (bench: "floor ... behind a navigation"). A
 * MessagePort, once handed over, goes from process to process without that queue.
 *
 * How: the content script offers the sidebar frame a port (its far end). The sidebar does not pass
 * messages along: it hands that port to the worker with a port of its own, in one
 * `threadlineLaneOpen`, so the content script's messages reach the worker with no stop in the
 * sidebar's thread (which a render may hold), and the worker answers on the sidebar's port. Each
 * lane is one such pair. A port handed to a worker that stopped is gone with it: the sidebar then
 * asks its page for a new one (`threadlineLaneWanted`), and the content script offers again.
 *
 * The lane only speeds things up. The content script sends each lane message on its port to the
 * worker too (shared/content-port.ts), with its running count `seq` (per document). The worker runs
 * the first copy to arrive and drops every copy at or below the highest `seq` it ran: a duplicate,
 * or a message a later one of the same page overtook (a thread open whose close or next open came
 * by the lane first: the user had already left that thread). A lane message that is lost costs
 * time, never the message. That record dies with the worker, so the content script never sends a
 * message again (its port closed before the answer) once a later one of its family was sent
 * (content/platform.ts): a new worker would run it over the later one.
 *
 * Trust: the worker hands one random key per Gmail document to its content script (in the answer to
 * `hostStatus`) and to that tab's sidebar (over the sidebar port, with the id of that connection).
 * Gmail's scripts see neither. The sidebar takes a port from its parent page only with that key (an
 * offer with another key is refused without touching the port taken), and the worker takes a pair of
 * ports only from its sidebar page, with a key it issued and the id of a live connection of that
 * tab; what arrives on the page's port is then checked by the same router, as a message from the
 * content script that got the key. Each lane serves the one sidebar connection that opened it. The
 * sidebar's request for a new port carries nothing secret, and the content script takes it only
 * from its own sidebar frame's window, with the extension's origin, as the browser made it (a page
 * script can dispatch look-alike events, which would make the sidebar open its lane again).
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

/**
 * Sidebar → its parent page (`window.postMessage`): the port it was offered went to a worker that
 * stopped, or an offer of the page's was crowded out before the worker's key came: the content
 * script offers a new one.
 */
export const laneWantedSchema = lazySchema(() => z.strictObject({ type: z.literal('threadlineLaneWanted') }));
export type LaneWanted = z.infer<typeof laneWantedSchema>;

/**
 * Sidebar → worker (`ServiceWorker.postMessage`), with two ports: first the sidebar's (the worker's
 * answers come back on it), then the page's (the content script's messages arrive on it).
 */
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
/** Lane messages that share one `seq` count: a thread's opens and closes, and the benchmark's pings. */
export const laneFamily = (type: LaneType): 'thread' | 'bench' => (type === 'benchPing' ? 'bench' : 'thread');

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

/** A lane as the worker receives it: the sidebar's port (answers go there) and the page's (requests come on it). */
export interface LanePorts {
  sidebar: LanePort;
  page: LanePort;
}

/** Closes a lane's two ports: a lane refused, replaced or whose sidebar left. */
export function closeLanePorts({ sidebar, page }: LanePorts): void {
  sidebar.close();
  page.close();
}
