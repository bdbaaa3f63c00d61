/** The content script's view of the extension APIs: messaging and resource URLs only. */
import browser, { type Runtime } from 'webextension-polyfill';
import { CONTENT_PORT, isContentPortType } from '../shared/content-port';
import { isLaneType, laneFamily } from '../shared/tab-lane';
import { createPortTransport } from './worker-port';

export interface ContentPlatform {
  /** One request to the worker, and its answer (undefined: refused). */
  sendMessage(message: unknown): Promise<unknown>;
  getURL(path: string): string;
  /** Requests from the extension's own worker (never from pages or other extensions). */
  onWorkerRequest(listener: (message: unknown) => Promise<unknown> | undefined): void;
}

// The page load's reads and the lane messages' copies go on one port, the rest by message
// (shared/content-port.ts).
const onPort = createPortTransport(() => {
  const port = browser.runtime.connect({ name: CONTENT_PORT });
  // Read, so that Chrome does not report it as unchecked on Gmail's console (the transport fails
  // whatever was waiting on the port).
  port.onDisconnect.addListener(() => void browser.runtime.lastError);
  return port;
});

const laneSends = newerLaneSends();

export const contentPlatform: ContentPlatform = {
  sendMessage: (message) =>
    laneSends.overtaken(message)
      ? Promise.resolve(OVERTAKEN)
      : isContentPortType((message as { type?: unknown } | null)?.type)
        ? onPort(message)
        : browser.runtime.sendMessage(message),
  getURL: (path) => browser.runtime.getURL(path),
  onWorkerRequest: (listener) =>
    browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
      // The worker has no tab; a message with a tab came from a page or content script.
      if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
      return listener(message);
    }),
};

/** The answer a lane message gets when it is not sent again: a later one was sent (the worker's `ack`). */
const OVERTAKEN = { ok: true } as const;

/**
 * Whether a lane message is being sent again (the worker client delivers a request again when the
 * port closed before its answer: shared/worker-client.ts) after a later one of its family was sent.
 * It is not: a worker that started meanwhile has no record of what its predecessor ran, and would
 * run an open the user has already left (its close, answered before the old worker stopped, is not
 * sent again). The later one carries the tab's state, and was itself sent again if unanswered.
 */
function newerLaneSends(): { overtaken(message: unknown): boolean } {
  const latest = new Map<string, number>();
  return {
    overtaken(message) {
      const { type, seq } = (message ?? {}) as { type?: unknown; seq?: unknown };
      if (!isLaneType(type) || typeof seq !== 'number') return false;
      const family = laneFamily(type);
      const last = latest.get(family);
      if (last !== undefined && seq < last) return true;
      latest.set(family, seq);
      return false;
    },
  };
}
