/**
 * HubSpot's error body (reference/hubspot-api.md, "Errors"): `{status:"error", message, correlationId,
 * category, errors?, links?}`. Where the reference gives the wording it is used word for word; where
 * it does not, the message says what was wrong and a comment at the throw says "unconfirmed".
 */
import { randomUUID } from 'node:crypto';

export interface HubspotErrorDetail {
  message: string;
  code?: string;
  /** HubSpot's error context maps a name to a list of strings. */
  context?: Record<string, string[]>;
}

export class HubspotError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly category: string | undefined,
    readonly extra: {
      errors?: HubspotErrorDetail[];
      links?: Record<string, string>;
      [k: string]: unknown;
    } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      ...(this.category === undefined ? {} : { category: this.category }),
      ...this.extra,
    };
  }
}

export const validationError = (message: string, errors?: HubspotErrorDetail[]): HubspotError =>
  new HubspotError(400, message, 'VALIDATION_ERROR', errors ? { errors } : {});

/** A missing record. The reference leaves the 404 body unconfirmed (real GETs may answer an empty body). */
export const objectNotFound = (): HubspotError =>
  new HubspotError(404, 'resource not found', 'OBJECT_NOT_FOUND');

/** [I-401] */
export const invalidAuthentication = (): HubspotError =>
  new HubspotError(
    401,
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    'INVALID_AUTHENTICATION',
  );

/** [OBJ, I-403]: the scopes in `errors[0].context.requiredGranularScopes`. */
export const missingScopes = (scopes: readonly string[]): HubspotError =>
  new HubspotError(
    403,
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    'MISSING_SCOPES',
    {
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [...scopes] },
        },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    },
  );

/** [I-409]: the existing id is only in the message. */
export const contactExists = (id: string): HubspotError =>
  new HubspotError(409, `Contact already exists. Existing ID: ${id}`, 'CONFLICT');
