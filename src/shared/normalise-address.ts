/**
 * One form for every e-mail address Threadline compares: CRM records are indexed with it and
 * Gmail participants are looked up with it. Handles case, surrounding whitespace, display-name
 * forms (`"Alice Doe" <Alice@Acme.test>`, `<a@b>`, `mailto:`), and googlemail.com = gmail.com.
 * Returns null for anything that is not an address.
 */
export function normaliseAddress(raw: string): string | null {
  let text = raw.trim();
  const angle = /<([^<>]*)>\s*$/.exec(text);
  if (angle?.[1] !== undefined) text = angle[1].trim();
  text = text.replace(/^mailto:/i, '').trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /\s/.test(text) || text.length > 320) return null;
  const local = text.slice(0, at).toLowerCase();
  let domain = text
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (!/^[a-z0-9.-]+\.[a-z0-9-]{2,}$/.test(domain)) return null;
  if (domain === 'googlemail.com') domain = 'gmail.com';
  return `${local}@${domain}`;
}

/** The domain of a normalised address. */
export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/** Splits `"Doe, Alice" <a@b>` style display names into a display name, if one is present. */
export function displayNameOf(raw: string): string {
  const angle = raw.lastIndexOf('<');
  if (angle <= 0) return '';
  return raw
    .slice(0, angle)
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
}

/**
 * Mail providers whose domain says nothing about the company: a person at gmail.com is not "at"
 * a company called Gmail, and such domains never create or match a company.
 */
const PUBLIC_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'qq.com',
  '163.com',
  '126.com',
  'naver.com',
  'orange.fr',
  'free.fr',
  'libero.it',
  't-online.de',
  'btinternet.com',
  'comcast.net',
]);

export const isPublicEmailDomain = (domain: string): boolean => PUBLIC_DOMAINS.has(domain.toLowerCase());

/** A company name guessed from a domain: `acme-labs.co.uk` → `Acme Labs`. */
export function companyNameFromDomain(domain: string): string {
  const parts = domain.toLowerCase().split('.');
  const secondLevel = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu']);
  let label = parts[0] ?? domain;
  if (parts.length >= 3 && secondLevel.has(parts.at(-2) ?? '')) label = parts.at(-3) ?? label;
  else if (parts.length >= 2) label = parts.at(-2) ?? label;
  return label
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** "Alice Doe" from a display name, else a guess from the local part (`alice.doe` → "Alice Doe"). */
export function personNameGuess(displayName: string, address: string): string {
  const cleaned = displayName.trim().replace(/^"(.*)"$/, '$1');
  if (cleaned !== '' && !cleaned.includes('@')) {
    const comma = /^([^,]+),\s*(.+)$/.exec(cleaned);
    return comma ? `${comma[2]} ${comma[1]}` : cleaned;
  }
  const local = address.slice(0, address.indexOf('@')).replace(/\+.*$/, '');
  return local
    .split(/[._-]+/)
    .filter((w) => w !== '' && !/^\d+$/.test(w))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
