import { describe, expect, it } from 'vitest';
import {
  companyNameFromDomain,
  displayNameOf,
  domainOf,
  isPublicEmailDomain,
  normaliseAddress,
  personNameGuess,
} from './normalise-address';

describe('normaliseAddress', () => {
  it.each([
    ['alice@acme.test', 'alice@acme.test'],
    ['  Alice.Doe@ACME.test \n', 'alice.doe@acme.test'],
    ['"Doe, Alice" <Alice.Doe@Acme.TEST>', 'alice.doe@acme.test'],
    ['Alice <alice@acme.test>', 'alice@acme.test'],
    ['<bob@acme.test>', 'bob@acme.test'],
    ['mailto:Bob@Acme.test', 'bob@acme.test'],
    ['someone@googlemail.com', 'someone@gmail.com'],
    ['Someone@GoogleMail.com', 'someone@gmail.com'],
    ['x+tag@acme.test', 'x+tag@acme.test'],
    ['trailing@acme.test.', 'trailing@acme.test'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });

  it.each([
    '',
    'alice',
    '@acme.test',
    'alice@',
    'a b@acme.test',
    'alice@localhost',
    'alice@acme',
    `${'a'.repeat(400)}@x.test`,
  ])('rejects %j', (raw) => {
    expect(normaliseAddress(raw)).toBeNull();
  });

  it('gives the domain', () => {
    expect(domainOf('alice@mail.acme.test')).toBe('mail.acme.test');
  });
});

describe('names and domains', () => {
  it('reads display names', () => {
    expect(displayNameOf('"Doe, Alice" <a@b.test>')).toBe('Doe, Alice');
    expect(displayNameOf('a@b.test')).toBe('');
  });

  it('guesses a person’s name from a display name or the address', () => {
    expect(personNameGuess('Alice Doe', 'x@y.test')).toBe('Alice Doe');
    expect(personNameGuess('Doe, Alice', 'x@y.test')).toBe('Alice Doe');
    expect(personNameGuess('', 'alice.doe+news@acme.test')).toBe('Alice Doe');
    expect(personNameGuess('', 'j_smith-2@acme.test')).toBe('J Smith');
  });

  it('guesses a company name from a domain', () => {
    expect(companyNameFromDomain('acme.test')).toBe('Acme');
    expect(companyNameFromDomain('mail.acme-labs.com')).toBe('Acme Labs');
    expect(companyNameFromDomain('globex.co.uk')).toBe('Globex');
  });

  it('knows public mail providers', () => {
    expect(isPublicEmailDomain('gmail.com')).toBe(true);
    expect(isPublicEmailDomain('GMAIL.com')).toBe(true);
    expect(isPublicEmailDomain('acme.test')).toBe(false);
  });
});
