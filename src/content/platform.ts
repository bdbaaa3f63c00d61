/** The content script's view of the extension APIs: messaging and resource URLs only. */
import browser, { type Runtime } from 'webextension-polyfill';
import { CONTENT_PORT, isContentPortType } from '../shared/content-port';
import { createPortTransport } from './worker-port';

export interface ContentPlatform {
  /** One request to the worker, and its answer (undefined: refused). */
  sendMessage(message: unknown): Promise<unknown>;
  getURL(path: string): string;
  /** Requests from the extension's own worker (never from pages or other extensions). */
  onWorkerRequest(listener: (message: unknown) => Promise<unknown> | undefined): void;
}

// The page load's reads go on one port, the rest by message (shared/content-port.ts).
const onPort = createPortTransport(() => {
  const port = browser.runtime.connect({ name: CONTENT_PORT });
  // Read, so that Chrome does not report it as unchecked on Gmail's console (the transport fails
  // whatever was waiting on the port).
  port.onDisconnect.addListener(() => void browser.runtime.lastError);
  return port;
});

export const contentPlatform: ContentPlatform = {
  sendMessage: (message) =>
    isContentPortType((message as { type?: unknown } | null)?.type)
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
