import { isStorageFull } from '../db/storage-full';
import { errorName, type Logger } from '../shared/logger';
import {
  type AnyRequest,
  parseRequest,
  type RequestOf,
  type RequestType,
  type ResponseOf,
  sendersOf,
  type WorkerErrorAnswer,
} from '../shared/protocol';
import { classifySender, type SenderContext } from './classify-sender';
import { CrmError, describeCrmError } from './crm/crm-error';
import { t } from './i18n';
import type { MessageListener } from './platform';
import type { AccountGate } from './privacy/account-gate';

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

/** What the caller of a failed handler is told: plain words, never the error's text (it may hold data). */
export function errorAnswer(error: unknown): WorkerErrorAnswer {
  if (error instanceof CrmError)
    return {
      threadlineError: {
        message: describeCrmError(error),
        retry: ['unreachable', 'rateLimited', 'server'].includes(error.kind),
      },
    };
  // The change was NOT stored (the outbox refused it too): say so, and what frees space.
  if (isStorageFull(error)) return { threadlineError: { message: t('errStorageFull'), retry: false } };
  return { threadlineError: { message: t('errWorkerFailed'), retry: false } };
}

/** Runs one request whose sender is already known; undefined when it is refused. */
export type Dispatch = (message: unknown, context: SenderContext) => Promise<unknown> | undefined;

/**
 * The worker's one `runtime.onMessage` listener: checks the sender, then dispatches (below).
 */
export function createRouter(
  handlers: Handlers,
  options: RouterOptions,
): { listener: MessageListener; dispatch: Dispatch } {
  const { logger } = options;
  const dispatch = createDispatch(handlers, options);
  return {
    dispatch,
    listener: (message, sender) => {
      const verdict = classifySender(sender, options.runtimeId, options.extensionOrigin);
      if (!verdict.ok) {
        logger.warn('message.rejected', { reason: verdict.reason });
        return undefined;
      }
      return dispatch(message, verdict.context);
    },
  };
}

export interface RouterOptions {
  runtimeId: string;
  extensionOrigin: string;
  logger: Logger;
  /** Refuses a message for the account it names (every message with an `account` field). */
  accounts?: AccountGate;
  /** False for a second copy of a tab-lane message (tab-lane.ts): it is answered, not run again. */
  firstCopy?: (request: AnyRequest, context: SenderContext) => boolean;
  /** True for a raw message whose copy already ran (`firstCopy` said yes to it): answered unparsed. */
  ranBefore?: (message: unknown, context: SenderContext) => boolean;
}

/** A lane message's second copy: its type's answer is `ack`, and it already ran. */
const secondCopy = (logger: Logger, type: unknown): Promise<{ ok: true }> => {
  logger.debug('message.secondCopy', { type: String(type) });
  return Promise.resolve({ ok: true as const });
};

/**
 * For a message from a known sender (the router's, or the tab lane's content script): validates the
 * shape against the type's strict declaration, checks the sender may send that type, checks the
 * account the message names (pinned to its tab, allowed by policy: privacy/account-gate.ts), then
 * dispatches. Anything refused is logged with its reason and answered with nothing: no handler runs,
 * no state changes. A handler that throws answers the error envelope, so the caller shows an error
 * instead of retrying as if the worker were restarting. The one message answered without being
 * parsed is a tab-lane copy whose `seq` already ran for its document (tab-lanes.ts `ranBefore`): it
 * is answered `ack`, and nothing of it is read or run.
 */
function createDispatch(handlers: Handlers, options: RouterOptions): Dispatch {
  const { logger } = options;
  return (message, context) => {
    // Most second copies are known by their `seq` alone, from a sender their type allows: answered
    // `ack` unread, as nothing of them runs (their first copy was checked in full, below).
    if (options.ranBefore && sendersOf(message).includes(context.kind) && options.ranBefore(message, context))
      return secondCopy(logger, (message as { type?: unknown }).type);
    const parsed = parseRequest(message);
    if (!parsed.ok) {
      logger.warn('message.rejected', { reason: parsed.reason });
      return undefined;
    }
    const request: AnyRequest = parsed.request;
    if (!parsed.senders.includes(context.kind)) {
      logger.warn('message.rejected', { reason: `${context.kind} may not send ${request.type}` });
      return undefined;
    }
    const refusal = options.accounts ? options.accounts(request, context) : Promise.resolve(null);
    return refusal.then(
      (reason) => {
        if (reason !== null) {
          // Never the address itself: it is Google user data.
          logger.warn('message.rejected', { reason: `${request.type}: ${reason}` });
          return undefined;
        }
        // A second copy that came in before the first had passed the gate.
        if (options.firstCopy && !options.firstCopy(request, context))
          return secondCopy(logger, request.type);
        return dispatch(handlers, request, context).catch((error: unknown) => {
          logger.error('message.failed', {
            type: request.type,
            error: errorName(error),
          });
          return errorAnswer(error);
        });
      },
      () => undefined,
    );
  };
}
