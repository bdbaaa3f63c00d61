/**
 * What the cache's string index keys start with (issue 17): a short tag of the Gmail account, not
 * the whole address. An index entry is written for every search word and address of every record,
 * so at 100,000 people the account's address alone was a third of the cache. Same account, same
 * tag, on every device and after every restart: the tag is a pure function of the address.
 *
 * Two accounts could in theory share a tag (53 bits of hash); every read through these indexes
 * therefore also checks the row's own `account`, so no answer ever mixes /mail/u/0 and /mail/u/1 —
 * the tag only keeps each account's keys together and short. The record tables' primary keys start
 * with the same 53 bits as a number (`accountNumber`). Two accounts of one browser sharing them
 * (about one chance in 2^53 for a pair) would share those keys: one account's cached record could
 * then replace or delete the other's (a cache miss, fetched again from the CRM), but never be shown
 * or exported to the wrong account — reads by key check the row's `account` too (threadline-db.ts
 * `recordRow`, `recordRows`; account-rows.ts). The privacy centre's counts use the key range alone.
 */

const tags = new Map<string, string>();

/** FNV-1a over the UTF-16 code units, from `seed`: 32 bits. */
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const numbers = new Map<string, number>();

/**
 * The account as a number: 53 bits of two FNV-1a hashes, a pure function of the address. The first
 * part of the record tables' primary keys (issue 17): a key holding the whole address is repeated in
 * every row's key and twice in each of its index entries, and was a tenth of the cache.
 */
export function accountNumber(account: string): number {
  const known = numbers.get(account);
  if (known !== undefined) return known;
  const high = fnv1a(account, 0x811c9dc5) & 0x1fffff; // 21 bits
  const low = fnv1a(account, 0x050c5d1f); // 32 bits
  const value = high * 2 ** 32 + low;
  numbers.set(account, value);
  return value;
}

/** The account's key tag: its number in base 36 (at most 11 characters). */
export function accountTag(account: string): string {
  const known = tags.get(account);
  if (known !== undefined) return known;
  const tag = accountNumber(account).toString(36);
  tags.set(account, tag);
  return tag;
}

/** `tag\nterm`: an index key of `account` (a normalised address, a search word, a domain). */
export const accountKey = (account: string, term: string): string => `${accountTag(account)}\n${term}`;

/** The key range of every `account` key starting with `prefix`, for `between(lower, upper, true, true)`. */
export function accountKeyRange(account: string, prefix: string): [string, string] {
  const lower = accountKey(account, prefix);
  return [lower, `${lower}\uffff`];
}
