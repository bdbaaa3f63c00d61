import { describe, expect, it } from 'vitest';
import {
  findProhibitedData,
  isValidRoutingNumber,
  isValidSsn,
  redactProhibitedData,
} from './prohibited-data';

const kinds = (text: string) => findProhibitedData(text).map((f) => f.kind);

describe('findProhibitedData', () => {
  it.each([
    // cards: valid test numbers of each network, plain, spaced, dashed, inside text
    ['4111111111111111', ['card']],
    ['Visa 4111 1111 1111 1111 exp 12/29', ['card']],
    ['card: 5555-5555-5555-4444.', ['card']],
    ['amex 378282246310005 thanks', ['card']],
    ['6011111111111117', ['card']],
    ['3530111333300000', ['card']],
    ['my card is4111111111111111', ['card']],
    // SSNs
    ['SSN 123-45-6789', ['ssn']],
    ['his number is 078 05 1120, ok', ['ssn']],
    ['ssn: 219099999', ['ssn']],
    // IBANs
    ['IBAN DE89 3704 0044 0532 0130 00', ['iban']],
    ['pay to GB29NWBK60161331926819 today', ['iban']],
    ['fr1420041010050500013m02606', ['iban']],
    // routing numbers
    ['routing number 021000021', ['routing']],
    ['ABA: 011000015, account 12345', ['routing']],
    // several
    ['4111111111111111 and 123-45-6789', ['card', 'ssn']],
  ] as const)('finds %s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it.each([
    // invalid cards: wrong Luhn, wrong prefix, wrong length
    '4111111111111112',
    '1234 5678 9012 3456',
    '411111111111',
    // invalid SSNs by SSA rules
    '000-12-3456',
    '666-12-3456',
    '912-34-5678',
    '123-00-4567',
    '123-45-0000',
    'mixed separators 123-45 6789',
    // invalid IBAN (checksum) and routing (checksum)
    'DE89 3704 0044 0532 0130 01',
    'routing 123456789',
    // no false positives: order numbers, phone numbers, dates, amounts, ids
    'Order #100234987',
    'Order 2026-000123-45',
    'order number 4000123456789',
    'PO 7745 1200 3391 0021',
    'Call +1 (415) 555-0100 or +49 30 123456789',
    '+4930123456789012',
    'tel 415-555-0100',
    'Meeting on 2026-11-22 at 10:30, or 11/22/2026',
    'Total: $12,345,678.90',
    'Ticket 123456789',
    'Gmail thread 18c0a1b2c3d4e5f6',
  ])('does not flag %s', (text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('reports where, and redacts in one step', () => {
    const text = 'Card 4111-1111-1111-1111, SSN 123-45-6789.';
    const found = findProhibitedData(text);
    expect(found.map((f) => text.slice(f.start, f.end))).toEqual(['4111-1111-1111-1111', '123-45-6789']);
    const clean = redactProhibitedData(text);
    expect(clean).toBe('Card [card removed], SSN [SSN removed].');
    expect(findProhibitedData(clean)).toEqual([]);
  });

  it('checks the SSA and ABA rules', () => {
    expect(isValidSsn('123456789')).toBe(true);
    expect(isValidSsn('900123456')).toBe(false);
    expect(isValidRoutingNumber('021000021')).toBe(true);
    expect(isValidRoutingNumber('021000022')).toBe(false);
    expect(isValidRoutingNumber('991000020')).toBe(false);
  });
});
