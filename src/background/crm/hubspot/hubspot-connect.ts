/**
 * Connecting to HubSpot: one cheap read per object the sidebar needs (`limit=1`) and the owner who is
 * "me" (`/crm/v3/owners?email=`), in parallel. A 401 says the token is not valid; a 403
 * `MISSING_SCOPES` names the scopes from `errors[0].context.requiredGranularScopes`.
 */
import { t } from '../../i18n';
import type { ConnectionCheck } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { toUser } from './hubspot-mapping';
import { parseResults } from './hubspot-read';
import { hubspotError, hubspotOwner } from './hubspot-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
const AUTH = { purpose: 'auth', dataClasses: ['credentials'] } as const;
/** The objects connect checks, one cheap read each (the scopes the sidebar needs). */
const CHECKED_OBJECTS = ['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'] as const;

/** The plain sentence for a 403 `MISSING_SCOPES`, naming the scopes from `errors[0].context`. */
export function missingScopes(error: unknown): string[] | null {
  if (!(error instanceof CrmError) || error.status !== 403) return null;
  const body = hubspotError.safeParse(error.body);
  if (!body.success) return [];
  const first = body.data.errors?.[0];
  const scopes = first?.context?.requiredGranularScopes ?? [];
  return body.data.category === 'MISSING_SCOPES' || first?.code === 'MISSING_SCOPES' || scopes.length > 0
    ? scopes
    : [];
}

export async function checkHubspotConnection(
  call: Call,
  connection: { email: string },
): Promise<ConnectionCheck> {
  const email = connection.email.trim();
  const requests = [
    call({ method: 'GET', path: `/crm/v3/owners?email=${encodeURIComponent(email)}&limit=1`, ...AUTH }),
    ...CHECKED_OBJECTS.map((object) =>
      call({ method: 'GET', path: `/crm/v3/objects/${object}?limit=1`, ...AUTH }),
    ),
  ];
  const settled = await Promise.allSettled(requests);
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (errors.some((e) => e instanceof CrmError && e.status === 401))
    throw new CrmError('notConnected', t('errHubspotToken'), 401);
  const scopes = errors.map(missingScopes).filter((s): s is string[] => s !== null);
  if (scopes.length > 0) {
    const names = [...new Set(scopes.flat())];
    throw new CrmError(
      'notConnected',
      names.length > 0 ? t('errHubspotScopes', names.join(', ')) : t('errHubspotScopesUnnamed'),
      403,
    );
  }
  if (errors[0] !== undefined) throw errors[0];
  const ownersAnswer = settled[0];
  if (ownersAnswer?.status !== 'fulfilled') throw new CrmError('invalidResponse', 'owners');
  const me = parseResults(hubspotOwner, ownersAnswer.value.json, 'owners', (o) => o).records.find(
    (o) => (o.email ?? '').toLowerCase() === email.toLowerCase(),
  );
  if (!me) throw new CrmError('notConnected', t('errHubspotNoOwner', email));
  // No account endpoint in the reference: the owner id (one HubSpot account's own) tells one
  // account from another, so a token of another account is another connection.
  return { accountName: `HubSpot · ${me.email ?? email} · owner ${me.id}`, user: toUser(me) };
}
