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
  | 'consentRequired'; // the egress gate refused: the user has not agreed to this use (or withdrew)

export class CrmError extends Error {
  override name = 'CrmError';
  constructor(
    readonly kind: CrmErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }

  /** Worth trying again later without the user doing anything. */
  get retryable(): boolean {
    return this.kind === 'rateLimited' || this.kind === 'unreachable' || this.kind === 'server';
  }
}

/** The user-facing sentence for an error, with the next step. */
export function describeCrmError(error: CrmError): string {
  switch (error.kind) {
    case 'unauthorized':
      return 'The CRM rejected the API key or e-mail — open Settings to reconnect.';
    case 'rateLimited':
      return 'The CRM is rate-limiting requests; Threadline is waiting and will retry.';
    case 'unreachable':
      return "Can't reach the CRM — showing saved data; changes will be sent when it is back.";
    case 'server':
      return 'The CRM is having trouble (server error); Threadline will retry.';
    case 'invalidInput':
      return `The CRM refused the change: ${error.message}`;
    case 'notFound':
      return 'That record no longer exists in the CRM.';
    case 'invalidResponse':
      return 'The CRM sent an answer Threadline does not understand; your saved data is unchanged.';
    case 'notConnected':
      return 'No CRM is connected — open Settings to connect one.';
    case 'consentRequired':
      return 'Logging e-mail to the CRM needs your consent — press "Allow" in the sidebar, or see Privacy in Settings.';
  }
}
