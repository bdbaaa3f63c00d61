/**
 * The worker's end of the content scripts' ports (shared/content-port.ts): each request on one runs
 * through the router's dispatch, as a message from the content script that opened the port.
 */
import { CONTENT_PORT, contentPortRequestSchema, isContentPortType } from '../shared/content-port';
import type { Logger } from '../shared/logger';
import { acceptPort } from './classify-sender';
import type { Dispatch } from './create-router';
import type { PortLike } from './platform';

export function createContentPorts(options: {
  runtimeId: string;
  extensionOrigin: string;
  logger: Logger;
  dispatch: Dispatch;
}): { onConnect(port: PortLike): void } {
  const { logger } = options;
  return {
    onConnect(port) {
      // The sender is Chrome's, fixed when the port opened: a Gmail tab's content script, or nothing.
      const context = acceptPort(port, CONTENT_PORT, 'gmailContentScript', options);
      if (!context) return;
      port.onMessage.addListener((raw) => {
        const envelope = contentPortRequestSchema.safeParse(raw);
        if (!envelope.success) {
          logger.warn('port.message.rejected', { reason: 'bad shape' });
          return;
        }
        const { id, message } = envelope.data;
        let answering: Promise<unknown> | undefined;
        if (isContentPortType((message as { type?: unknown } | null)?.type))
          answering = options.dispatch(message, context);
        else logger.warn('port.message.rejected', { reason: 'not a port message' });
        void Promise.resolve(answering).then((answer) => {
          try {
            // Refused (undefined): the id alone, as a message nobody answered.
            port.postMessage(answer === undefined ? { id } : { id, answer });
          } catch {
            // The tab went away meanwhile: nobody waits for the answer.
          }
        });
      });
    },
  };
}
