import { describe, expect, it } from 'vitest';
import { dedupeParticipants } from './dedupe-participants';

describe('dedupeParticipants', () => {
  it('keeps one entry per address, case-insensitively, in first-seen order', () => {
    expect(
      dedupeParticipants([
        { name: '', address: ' Alice@Acme.test ' },
        { name: 'Bob', address: 'bob@acme.test' },
        { name: 'Alice Doe', address: 'alice@acme.test' },
        { name: 'Nobody', address: '   ' },
      ]),
    ).toEqual([
      { name: 'Alice Doe', address: 'Alice@Acme.test' },
      { name: 'Bob', address: 'bob@acme.test' },
    ]);
  });
});
