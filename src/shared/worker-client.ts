/**
 * The one way the content script, the sidebar and the options page ask the worker something.
 * Each answer is checked against the message's declared response (protocol.ts); a handler that
 * threw arrives as its error envelope and is thrown here as a `WorkerRequestError`, so every caller
 * shows an error instead of waiting. Only a request that may not have been delivered is retried
 * (Chrome restarting a stopped worker, or a port closing before its answer: `UndeliveredError`, used
 * only for requests that may be delivered twice); a request nobody answers in time
 * fails with `timeout`. `send` is the context's runtime.sendMessage (for the content script's
 * page-load reads and lane messages, its port: content/worker-port.ts), passed in so this module
 * stays free of browser APIs.
 */
import {
  type RequestOf,
  type RequestType,
  type ResponseOf,
  responseSchemaOf,
  workerErrorSchema,
} from './protocol';

export type WorkerRequestErrorKind = 'refused' | 'failed' | 'unreachable' | 'timeout' | 'badAnswer';

export class WorkerRequestError extends Error {
  override readonly name = 'WorkerRequestError';
  constructor(
    readonly kind: WorkerRequestErrorKind,
    readonly type: string,
    /** The worker's own words for the user (kind `failed`), already in the user's language. */
    readonly userMessage: string | null = null,
    /** Trying again may help. */
    readonly retry = kind !== 'refused' && kind !== 'badAnswer',
  ) {
    super(`${type}: ${kind}`);
  }
}

export interface WorkerClientOptions {
  /** How long a request may go unanswered (ms). */
  timeoutMs?: number;
  /** Delivery attempts while the worker restarts. */
  attempts?: number;
  wait?: (ms: number) => Promise<void>;
}

export interface WorkerClient {
  ask<T extends RequestType>(
    type: T,
    body: Omit<RequestOf<T>, 'type'>,
    options?: { timeoutMs?: number },
  ): Promise<ResponseOf<T>>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Chrome's words when no listener exists yet: the worker is (re)starting. */
const RESTARTING = /Could not establish connection|Receiving end does not exist/i;

/**
 * Thrown by a `send` whose request may not have reached the worker and may be delivered again (the
 * content script's port closed before the answer came): retried like a restart.
 */
export class UndeliveredError extends Error {
  override readonly name = 'UndeliveredError';
}

export function createWorkerClient(
  send: (message: unknown) => Promise<unknown>,
  options: WorkerClientOptions = {},
): WorkerClient {
  const attempts = options.attempts ?? 3;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const deliver = async (type: string, message: unknown, gaveUp: () => boolean): Promise<unknown> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send(message);
      } catch (error) {
        const restarting =
          error instanceof UndeliveredError || (error instanceof Error && RESTARTING.test(error.message));
        if (!restarting || attempt >= attempts) throw new WorkerRequestError('unreachable', type);
        await wait(50 * attempt);
        // Timed out meanwhile: nobody waits for this answer any more, so it is not asked again.
        if (gaveUp()) throw new WorkerRequestError('timeout', type);
      }
    }
  };

  return {
    async ask(type, body, call = {}) {
      const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let timedOut = false;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new WorkerRequestError('timeout', type));
        }, timeoutMs);
      });
      try {
        const answer = await Promise.race([deliver(type, { ...body, type }, () => timedOut), timeout]);
        if (answer === undefined) throw new WorkerRequestError('refused', type);
        const failed = workerErrorSchema.safeParse(answer);
        if (failed.success) {
          const { message, retry } = failed.data.threadlineError;
          throw new WorkerRequestError('failed', type, message, retry);
        }
        const parsed = responseSchemaOf(type).safeParse(answer);
        if (!parsed.success) throw new WorkerRequestError('badAnswer', type);
        return parsed.data as ResponseOf<typeof type>;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
