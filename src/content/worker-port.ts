/**
 * The content script's end of its port to the worker (shared/content-port.ts): opened on the first
 * request, shared by every request after it, opened again after the worker stopped.
 */
import { contentPortAnswerSchema } from '../shared/content-port';
import { createLogger } from '../shared/logger';

const logger = createLogger('content');

/** The part of a runtime port used here (tests pass their own). */
export interface ContentPortLike {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/**
 * The words of Chrome's own refusal when no worker listens: the worker client (worker-client.ts)
 * delivers a request that failed with them again, after a short wait, up to its attempts.
 */
export const PORT_CLOSED = 'Could not establish connection: the worker port closed before answering';

interface Waiting {
  resolve(answer: unknown): void;
  reject(error: Error): void;
}

/**
 * Sends each request on the one open port and resolves with its answer (undefined: refused). When
 * the port closes (the worker stopped, or the extension was reloaded), every request still waiting
 * fails with PORT_CLOSED, and the next request opens a new port. Only requests that may be delivered
 * twice are sent this way (shared/content-port.ts).
 */
export function createPortTransport(connect: () => ContentPortLike): (message: unknown) => Promise<unknown> {
  let open: { port: ContentPortLike; waiting: Map<number, Waiting> } | null = null;
  let lastId = 0;

  const current = () => {
    if (open) return open;
    const opened = { port: connect(), waiting: new Map<number, Waiting>() };
    opened.port.onMessage.addListener((raw) => {
      const parsed = contentPortAnswerSchema.safeParse(raw);
      if (!parsed.success) {
        logger.warn('port.message.rejected', { reason: 'bad shape' });
        return;
      }
      const { id, answer } = parsed.data;
      const waiting = opened.waiting.get(id);
      opened.waiting.delete(id);
      waiting?.resolve(answer);
    });
    opened.port.onDisconnect.addListener(() => {
      if (open === opened) open = null;
      const left = [...opened.waiting.values()];
      opened.waiting.clear();
      for (const waiting of left) waiting.reject(new Error(PORT_CLOSED));
    });
    open = opened;
    return opened;
  };

  return (message) =>
    new Promise<unknown>((resolve, reject) => {
      const { port, waiting } = current();
      lastId += 1;
      const id = lastId;
      waiting.set(id, { resolve, reject });
      try {
        port.postMessage({ id, message });
      } catch {
        // Chrome throws on a port that closed before its onDisconnect was delivered.
        waiting.delete(id);
        if (open?.port === port) open = null;
        reject(new Error(PORT_CLOSED));
      }
    });
}
