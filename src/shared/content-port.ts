/**
 * The content script's port to the worker (issue 12): one long-lived `runtime.connect` port per Gmail
 * document for the reads a page load waits on, `hostStatus` and the inbox rows' `rowBadges`, and for
 * the copy of each tab lane message (shared/tab-lane.ts).
 *
 * Why: each `runtime.sendMessage` opens a message channel to the worker and closes it again; on a
 * page load the request's way to the worker took 4.9 / 13.3 ms (p50 / p95, 100 loads of an inbox of
 * 100 CRM senders) against 2.4 / 5.8 ms on a port already open, and the last badge came at 17.3 / 31.0
 * against 14.9 / 23.5 ms from the rows being handed over.
 *
 * A lane message's copy came by `runtime.sendMessage` before, and a thread open's opening and
 * closing of that message channel landed on the browser's one free core just as the card was on
 * its way: 200 warm opens beside their floors, three rounds each way, one core busy, card p95
 * 19.4 / 17.7 / 21.1 ms by message against 16.5 / 16.1 / 17.9 ms on the port, and the messaging
 * floor p95 4.7 / 4.3 / 5.9 against 3.6 / 2.7 / 3.1 ms (quiet: no difference beyond the noise;
 * bench/profile-open at 300 people). `npm run bench`, at 100,000 people, did not show it beyond the
 * spread between its runs (run 7 in bench/results/latest.json).
 *
 * Only these go this way, and each may be delivered twice: `rowBadges` reads the cache,
 * `hostStatus` pins the tab's account, closes a thread another page of the tab left open and issues
 * the page's lane key, all alike the second time for the same document, and the worker runs a lane
 * message once per `seq` (its other copy comes by the lane). So a request whose port closed before
 * its answer came (the worker stopped) is delivered again on a new port, which wakes the worker as a
 * message would; a lane message is not, once a later one of its family was sent
 * (content/platform.ts). Writes keep `runtime.sendMessage`, whose delivery Chrome either makes or
 * refuses.
 *
 * Trust: the worker takes the port only from a Gmail content script (the sender Chrome names when
 * the port opens: tab, frame, document) and runs each request through the same router as a message
 * from that sender: strict shape, allowed senders, the tab's account.
 */
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';
import { LANE_TYPES } from './tab-lane';

export const CONTENT_PORT = 'threadline-content';

/** The only requests the port carries: the page load's two and the lane's, which may be delivered twice. */
export const CONTENT_PORT_TYPES = ['hostStatus', 'rowBadges', ...LANE_TYPES] as const;
export type ContentPortType = (typeof CONTENT_PORT_TYPES)[number];
export const isContentPortType = (type: unknown): type is ContentPortType =>
  typeof type === 'string' && (CONTENT_PORT_TYPES as readonly string[]).includes(type);

const requestId = lazySchema(() => z.int().check(z.positive()));

/** Content script → worker: a request and the number its answer comes back with. */
export const contentPortRequestSchema = lazySchema(() =>
  z.strictObject({ id: requestId, message: z.unknown() }),
);

/** Worker → content script: the answer, absent when the router refused the request. */
export const contentPortAnswerSchema = lazySchema(() =>
  z.strictObject({ id: requestId, answer: z.optional(z.unknown()) }),
);
