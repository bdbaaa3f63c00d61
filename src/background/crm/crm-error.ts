import { t } from '../i18n';

/** What went wrong talking to the CRM, in terms the sidebar can explain and act on. */
export type CrmErrorKind =
  | 'unauthorized' // 401/403: the key or email is wrong, or lacks permission
  | 'rateLimited' // 429 after every retry
  | 'unreachable' // network error, DNS, refused, dropped connection
  | 'server' // 5xx after every retry
  | 'invalidInput' // 422/400: the CRM refused what we sent
  | 'notFound' // 404
  | 'invalidResponse' // the answer was not what the API documents
  | 'notConnected' // no CRM configured, or the egress gate refused
  | 'consentRequired' // the egress gate refused: the user has not agreed to this use (or withdrew)
  | 'policyBlocked'; // the egress gate refused: the admin policy in force does not allow it

export class CrmError extends Error {
  override name = 'CrmError';
  constructor(
    readonly kind: CrmErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The CRM's error body (JSON), for an adapter that reads more from it than the message. */
    readonly body: unknown = null,
  ) {
    super(message);
  }

  /** Worth trying again later without the user doing anything. */
  get retryable(): boolean {
    // A policy refusal is retried too: writes wait (shown as pending) until the policy allows them.
    return (
      this.kind === 'rateLimited' ||
      this.kind === 'unreachable' ||
      this.kind === 'server' ||
      this.kind === 'policyBlocked'
    );
  }
}

/** The user-facing sentence for an error, with the next step. */
export function describeCrmError(error: CrmError): string {
  switch (error.kind) {
    case 'unauthorized':
      return t('errUnauthorized');
    case 'rateLimited':
      return t('errRateLimited');
    case 'unreachable':
      return t('errUnreachable');
    case 'server':
      return t('errServer');
    case 'invalidInput':
      return t('errInvalidInput', error.message);
    case 'notFound':
      return t('errNotFound');
    case 'invalidResponse':
      return t('errInvalidResponse');
    case 'notConnected':
      return t('errNotConnected');
    case 'consentRequired':
      return t('errConsentRequired');
    case 'policyBlocked':
      return t('errPolicyBlocked');
  }
}
