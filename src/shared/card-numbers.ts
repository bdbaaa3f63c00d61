/**
 * Payment card numbers and US social security numbers: the part of the prohibited-data guard the
 * logger needs too. Kept apart from prohibited-data.ts (which adds IBANs via `ibantools`) so the
 * content script does not carry the IBAN tables.
 */
export const PROHIBITED_KINDS = ['card', 'ssn', 'iban', 'routing'] as const;
export type ProhibitedKind = (typeof PROHIBITED_KINDS)[number];

export interface Finding {
  kind: ProhibitedKind;
  /** Offsets into the text (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
}

const digitsOf = (text: string): string => text.replace(/\D/g, '');

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Issuer identification ranges and lengths of the major networks. */
function looksLikeCard(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  const p3 = Number(digits.slice(0, 3));
  const p6 = Number(digits.slice(0, 6));
  const issuer =
    (digits.startsWith('4') && [13, 16, 19].includes(n)) || // Visa
    (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) || // Mastercard
    ((p2 === 34 || p2 === 37) && n === 15) || // American Express
    ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) &&
      n >= 16 &&
      n <= 19) || // Discover
    (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) || // JCB
    (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) && n >= 14 && n <= 19); // Diners
  return issuer && passesLuhn(digits);
}

/** SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
export function isValidSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

const CARD = /(?<![\d+])\d(?:[ -]?\d){12,18}(?!\d)/g;
const SSN_SEPARATED = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_KEYWORD = /\b(?:ssn|social security(?: number| no\.?)?)\s*[:#]?\s*(\d{9})(?!\d)/gi;

export type Add = (kind: ProhibitedKind, start: number, end: number) => void;

export const collector = (): { found: Finding[]; add: Add } => {
  const found: Finding[] = [];
  const add: Add = (kind, start, end) => {
    if (!found.some((f) => start < f.end && f.start < end)) found.push({ kind, start, end });
  };
  return { found, add };
};

/** Cards and SSNs only, without the IBAN tables: what the logger masks (keeps the content script small). */
export function findCardsAndSsns(text: string): Finding[] {
  const { found, add } = collector();
  findCardsAndSsnsInto(text, add);
  return found.sort((a, b) => a.start - b.start);
}

export function findCardsAndSsnsInto(text: string, add: Add): void {
  for (const m of text.matchAll(CARD)) {
    if (looksLikeCard(digitsOf(m[0]))) add('card', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(SSN_SEPARATED)) {
    if (isValidSsn(`${m[1]}${m[3]}${m[4]}`)) add('ssn', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(SSN_KEYWORD)) {
    const digits = m[1] ?? '';
    const start = m.index + m[0].length - digits.length;
    if (isValidSsn(digits)) add('ssn', start, start + digits.length);
  }
}
