import { domainOf, isPublicEmailDomain } from '../../shared/normalise-address';

/**
 * The CRM's rules for logging a message without asking (the first adapter's, in its reference:
 * "how an email is synced"), plus the never-log list. The other party must be a CRM contact, not a
 * teammate, and on neither the user's, a teammate's nor an internal domain.
 */
export function mayAutoLog(input: {
  address: string;
  isContact: boolean;
  account: string;
  teammates: ReadonlySet<string>;
  internalDomains: readonly string[];
  neverLog: readonly string[];
}): { ok: true } | { ok: false; reason: 'notContact' | 'teammate' | 'internalDomain' | 'neverLog' } {
  const address = input.address.toLowerCase();
  const domain = domainOf(address);
  const covers = (domainRule: string) => domain === domainRule || domain.endsWith(`.${domainRule}`);
  if (input.neverLog.some((rule) => (rule.includes('@') ? rule === address : covers(rule))))
    return { ok: false, reason: 'neverLog' };
  if (input.teammates.has(address)) return { ok: false, reason: 'teammate' };
  // A teammate on gmail.com must not make every gmail.com contact "internal".
  const ownDomains = new Set([
    ...[input.account.toLowerCase(), ...input.teammates].map(domainOf).filter((d) => !isPublicEmailDomain(d)),
    ...input.internalDomains,
  ]);
  if ([...ownDomains].some((d) => d !== '' && covers(d))) return { ok: false, reason: 'internalDomain' };
  if (!input.isContact) return { ok: false, reason: 'notContact' };
  return { ok: true };
}
