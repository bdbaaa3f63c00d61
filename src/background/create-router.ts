import type { Logger } from '../shared/logger';
import {
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

function dispatch<T extends RequestType>(
  handlers: Handlers,
  request: RequestOf<T> & { type: T },
  context: SenderContext,
): Promise<ResponseOf<T>> {
  // The request was validated against its own type's schema, so its handler takes it as it is.
  const handler = handlers[request.type] as (r: RequestOf<T>, c: SenderContext) => Promise<ResponseOf<T>>;
  return handler(request, context);
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
