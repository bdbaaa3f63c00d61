import { domainOf, isPublicEmailDomain, normaliseAddress } from '../../shared/normalise-address';
import type { Participant } from '../../shared/protocol';

export interface OutsideParticipant {
  /** Normalised. */
  address: string;
  displayName: string;
}

/**
 * The participants worth a CRM card: not the signed-in user, not a teammate (a CRM user), and not
 * at the user's own company domain (unless that domain is a public mail provider). Deduplicated by
 * normalised address, in thread order.
 */
export function outsideParticipants(
  participants: readonly Participant[],
  account: string,
  teammates: ReadonlySet<string>,
  /** The admin's InternalDomains: people there are colleagues, never CRM cards or CRM look-ups. */
  internalDomains: readonly string[] = [],
): OutsideParticipant[] {
  const internal = new Set(internalDomains.map((d) => d.trim().toLowerCase()));
  const own = normaliseAddress(account);
  const ownDomain = own && !isPublicEmailDomain(domainOf(own)) ? domainOf(own) : null;
  const seen = new Set<string>();
  const out: OutsideParticipant[] = [];
  for (const p of participants) {
    const address = normaliseAddress(p.address);
    if (!address || seen.has(address)) continue;
    seen.add(address);
    if (address === own || teammates.has(address)) continue;
    if (ownDomain !== null && domainOf(address) === ownDomain) continue;
    if (internal.has(domainOf(address))) continue;
    out.push({ address, displayName: p.name.trim() });
  }
  return out;
}
