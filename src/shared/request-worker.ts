import { type RequestOf, type RequestType, type ResponseOf, responseSchemas } from './protocol';

/**
 * Sends one typed request to the worker and validates the answer. `send` is the page's
 * runtime.sendMessage, passed in so this module stays free of browser APIs.
 */
export async function requestWorker<T extends RequestType>(
  send: (message: unknown) => Promise<unknown>,
  request: RequestOf<T>,
): Promise<ResponseOf<T>> {
  const answer = await send(request);
  const type = (request as { type: T }).type;
  const parsed = responseSchemas[type].safeParse(answer);
  if (!parsed.success)
    throw new Error(`Threadline's background service gave an unexpected answer to ${type}`);
  return parsed.data as ResponseOf<T>;
}
