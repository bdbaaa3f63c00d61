/**
 * The content script's end of its port to the worker (shared/content-port.ts): opened on the first
 * request, shared by every request after it, opened again after the worker stopped.
 */
import { contentPortAnswerSchema } from '../shared/content-port';
import { createLogger } from '../shared/logger';
import { UndeliveredError } from '../shared/worker-client';

const logger = createLogger('content');

/** The part of a runtime port used here (tests pass their own). */
export interface ContentPortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** Why a request failed as `UndeliveredError`: the worker client delivers it again on a new port. */
export const PORT_CLOSED = 'the port to the worker closed before the answer came';

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
  type Open = { port: ContentPortLike; waiting: Map<number, Waiting> };
  let open: Open | null = null;
  let lastId = 0;

  /** The port is gone: the next request opens another, and what waited on this one fails. */
  const lost = (gone: Open): void => {
    if (open === gone) open = null;
    const left = [...gone.waiting.values()];
    gone.waiting.clear();
    for (const waiting of left) waiting.reject(new UndeliveredError(PORT_CLOSED));
  };

  const current = (): Open => {
    if (open) return open;
    const opened: Open = { port: connect(), waiting: new Map() };
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
    opened.port.onDisconnect.addListener(() => lost(opened));
    open = opened;
    return opened;
  };

  return (message) =>
    new Promise<unknown>((resolve, reject) => {
      const opened = current();
      lastId += 1;
      const id = lastId;
      opened.waiting.set(id, { resolve, reject });
      try {
        opened.port.postMessage({ id, message });
      } catch {
        // Chrome throws on a port that closed before its onDisconnect came. Whatever the cause, this
        // port is not used again: closed on our side (no onDisconnect follows), its requests failed.
        // (A message Chrome cannot send at all would fail so too, on each port: only the requests
        // declared in shared/content-port.ts are sent here, plain data.)
        try {
          opened.port.disconnect();
        } catch {
          // already closed
        }
        lost(opened);
      }
    });
}
