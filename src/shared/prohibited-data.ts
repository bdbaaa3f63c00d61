/**
 * The prohibited-data guard (reference/limited-use.md, "prohibited data"): finds payment card
 * numbers (Luhn + issuer prefix), US social security numbers (SSA validity rules), IBANs (mod-97,
 * via the maintained `ibantools`) and US bank routing numbers (ABA checksum) in text the user is about
 * to send to the CRM. It returns WHERE and WHAT KIND, never the value, so callers cannot log a match.
 *
 * Tuned against false positives on order numbers, phone numbers and dates (see the test table):
 * - cards must start with a real issuer prefix and not follow "+" (phone numbers);
 * - bare 9-digit numbers count as SSNs only in 3-2-4 form with one separator, or after "SSN";
 * - routing numbers count only after a word like "routing", "ABA" or "RTN".
 */
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { collector, type Finding, findCardsAndSsnsInto } from './card-numbers';

export {
  type Finding,
  isValidSsn,
  PROHIBITED_KINDS,
  type ProhibitedKind,
  passesLuhn,
} from './card-numbers';

/** ABA checksum (3-7-1 weights) and the Federal Reserve's prefix ranges. */
export function isValidRoutingNumber(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const prefix = Number(digits.slice(0, 2));
  const prefixOk =
    prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * (w[i] ?? 0), 0);
  return prefixOk && sum % 10 === 0;
}

// Digit runs with single spaces or dashes between groups.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/gi;
const ROUTING = /\b(?:routing|aba|rtn|ach)\b[^\d\n]{0,24}(\d{9})(?!\d)/gi;

export function findProhibitedData(text: string): Finding[] {
  const { found, add } = collector();
  for (const m of text.matchAll(IBAN)) {
    const compact = electronicFormatIBAN(m[0]) ?? '';
    if (isValidIBAN(compact)) add('iban', m.index, m.index + m[0].length);
  }
  findCardsAndSsnsInto(text, add);
  for (const m of text.matchAll(ROUTING)) {
    const digits = m[1] ?? '';
    const start = m.index + m[0].length - digits.length;
    if (isValidRoutingNumber(digits)) add('routing', start, start + digits.length);
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The text with every finding replaced by a label, e.g. "[card number removed]". */
export function redactProhibitedData(text: string, findings = findProhibitedData(text)): string {
  let out = '';
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    out += `${text.slice(at, f.start)}[${f.kind === 'iban' ? 'IBAN' : f.kind === 'ssn' ? 'SSN' : f.kind} removed]`;
    at = f.end;
  }
  return out + text.slice(at);
}
