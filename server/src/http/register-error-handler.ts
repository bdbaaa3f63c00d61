import type { FastifyError, FastifyInstance } from 'fastify';
import { HubspotError } from '../hubspot/hubspot-error';
import { CopperError } from './copper-error';

/** Copper's error body, for errors that are not a CopperError (reference/copper-api.md). */
export const copperErrorBody = (status: number, message: string): Record<string, unknown> => ({
  success: false,
  status,
  message,
});

/** HubSpot's error body, for errors that are not a HubspotError (Fastify's own, such as bad JSON). */
export const hubspotErrorBody = (status: number, message: string): Record<string, unknown> =>
  new HubspotError(status, message, status === 400 ? 'VALIDATION_ERROR' : undefined).body();

/**
 * Answers every error: each personality's own errors with their own bodies; Fastify's (a body too
 * large, malformed JSON, a wrong Content-Type) in the personality's shape (`errorBody`).
 */
export function registerErrorHandler(
  app: FastifyInstance,
  bodyLimit: number,
  errorBody: (status: number, message: string) => Record<string, unknown>,
): void {
  app.setErrorHandler((error: FastifyError | CopperError | HubspotError, _request, reply) => {
    if (error instanceof CopperError) return reply.status(error.status).send(error.body());
    if (error instanceof HubspotError) return reply.status(error.status).send(error.body());
    const code = (error as FastifyError).code;
    const mapped: Record<string, [number, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: [413, `Request body too large: the limit is ${bodyLimit} bytes`],
      FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Malformed JSON body'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported Content-Type: send application/json'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Content-Length does not match the body'],
    };
    const known = code ? mapped[code] : undefined;
    if (known) return reply.status(known[0]).send(errorBody(known[0], known[1]));
    if (error instanceof SyntaxError) return reply.status(400).send(errorBody(400, 'Malformed JSON body'));
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500)
      return reply.status(status).send(errorBody(status, error.message));
    return reply.status(500).send(errorBody(500, 'Internal Server Error'));
  });
}
