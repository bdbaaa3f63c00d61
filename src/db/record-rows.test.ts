import { describe, expect, it } from 'vitest';
import { personOf } from '../../test/unit/thread-deps';
import { accountKey } from './key-prefix';
import { personRow, searchKeys } from './record-rows';

const A = 'sam@corp.test';
const terms = (keys: string[]) => keys.map((k) => k.slice(accountKey(A, '').length));

describe('search keys', () => {
  it('keys each name whole and by each later word, the first word being found through the whole', () => {
    expect(terms(searchKeys(A, ['Abner Purdy']))).toEqual(['abner purdy', 'purdy']);
    expect(terms(searchKeys(A, ['Bechtelar LLC'], ['bechtelar-llc.com']))).toEqual([
      'bechtelar llc',
      'llc',
      'bechtelar-llc.com',
    ]);
  });

  it('gives punctuation, and stop words in company and deal names, no key of their own: the whole name still starts with them', () => {
    expect(
      terms(searchKeys(A, ['Aufderhar, Yost and Muller — Unbranded Cotton Fish'], [], 'organisation')),
    ).toEqual([
      'aufderhar, yost and muller — unbranded cotton fish',
      'yost',
      'muller',
      'unbranded',
      'cotton',
      'fish',
    ]);
    expect(terms(searchKeys(A, ['The Home & Garden Co of Ohio'], [], 'organisation'))).toEqual([
      'the home & garden co of ohio',
      'home',
      'garden',
      'co',
      'ohio',
    ]);
    // Words in other scripts and numbers are words.
    expect(terms(searchKeys(A, ['Müller & Söhne 2026', 'Пётр Иванов'], [], 'organisation'))).toEqual([
      'müller & söhne 2026',
      'söhne',
      '2026',
      'пётр иванов',
      'иванов',
    ]);
  });

  it('keeps every word of a person’s or a lead’s name: "An" and "To" are surnames', () => {
    expect(terms(searchKeys(A, ['Jin An']))).toEqual(['jin an', 'an']);
    expect(terms(searchKeys(A, ['Mary — To']))).toEqual(['mary — to', 'to']);
    const row = personRow(A, personOf(1, 'jae-won@acme.test', { name: 'Jae-won An' }));
    expect(terms(row.searchKeys)).toEqual(['jae-won an', 'won', 'an']);
  });
});
