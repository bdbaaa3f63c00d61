import { describe, expect, it } from 'vitest';
import { accountKey } from './key-prefix';
import { searchKeys } from './record-rows';

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

  it('gives punctuation and stop words no key of their own: the whole name still starts with them', () => {
    expect(terms(searchKeys(A, ['Aufderhar, Yost and Muller — Unbranded Cotton Fish']))).toEqual([
      'aufderhar, yost and muller — unbranded cotton fish',
      'yost',
      'muller',
      'unbranded',
      'cotton',
      'fish',
    ]);
    expect(terms(searchKeys(A, ['The Home & Garden Co of Ohio']))).toEqual([
      'the home & garden co of ohio',
      'home',
      'garden',
      'co',
      'ohio',
    ]);
    // Words in other scripts and numbers are words.
    expect(terms(searchKeys(A, ['Müller & Söhne 2026', 'Пётр Иванов']))).toEqual([
      'müller & söhne 2026',
      'söhne',
      '2026',
      'пётр иванов',
      'иванов',
    ]);
  });
});
