import type { Logger } from '../shared/logger';
import {
  type AnyRequest,
  describeIssues,
  type RequestOf,
  type RequestType,
  type ResponseOf,
  requestSchema,
  requestSenders,
} from '../shared/protocol';
import { classifySender, type SenderContext } from './classify-sender';
import type { MessageListener } from './platform';

export type Handlers = {
  [T in RequestType]: (request: RequestOf<T>, context: SenderContext) => Promise<ResponseOf<T>>;
};

function dispatch(handlers: Handlers, request: AnyRequest, context: SenderContext): Promise<unknown> {
  // One case per message type keeps each handler's argument precisely typed.
  switch (request.type) {
    case 'threadOpened':
      return handlers.threadOpened(request, context);
    case 'threadClosed':
      return handlers.threadClosed(request, context);
    case 'inboxsdk__injectPageWorld':
      return handlers.inboxsdk__injectPageWorld(request, context);
    case 'hostStatus':
      return handlers.hostStatus(request, context);
    case 'getSettings':
      return handlers.getSettings(request, context);
    case 'addContact':
      return handlers.addContact(request, context);
    case 'updatePerson':
      return handlers.updatePerson(request, context);
    case 'searchCrm':
      return handlers.searchCrm(request, context);
    case 'syncNow':
      return handlers.syncNow(request, context);
    case 'retryWrites':
      return handlers.retryWrites(request, context);
    case 'getConnection':
      return handlers.getConnection(request, context);
    case 'testConnection':
      return handlers.testConnection(request, context);
    case 'connect':
      return handlers.connect(request, context);
    case 'disconnect':
      return handlers.disconnect(request, context);
  }
}

/**
 * The worker's one `runtime.onMessage` listener: checks the sender, validates the shape, checks the
 * sender may send that type, then dispatches. Anything rejected is logged with its reason and
 * answered with nothing: no handler runs, no state changes.
 */
export function createRouter(
  handlers: Handlers,
  options: { runtimeId: string; extensionOrigin: string; logger: Logger },
): MessageListener {
  const { logger } = options;
  return (message, sender) => {
    const verdict = classifySender(sender, options.runtimeId, options.extensionOrigin);
    if (!verdict.ok) {
      logger.warn('message.rejected', { reason: verdict.reason });
      return undefined;
    }
    const parsed = requestSchema.safeParse(message);
    if (!parsed.success) {
      logger.warn('message.rejected', { reason: 'bad shape', issues: describeIssues(parsed.error) });
      return undefined;
    }
    const request = parsed.data;
    if (!requestSenders[request.type].includes(verdict.context.kind)) {
      logger.warn('message.rejected', {
        reason: `${verdict.context.kind} may not send ${request.type}`,
      });
      return undefined;
    }
    return dispatch(handlers, request, verdict.context).catch((error: unknown) => {
      logger.error('message.failed', {
        type: request.type,
        error: error instanceof Error ? error.name : 'unknown',
      });
      throw error;
    });
  };
}
