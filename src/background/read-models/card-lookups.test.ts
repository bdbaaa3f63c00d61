import { describe, expect, it } from 'vitest';
import { hasDetails, personOfRow, personRow } from '../../db/record-rows';
import { recordRowKey, ThreadlineDb } from '../../db/threadline-db';
import type { Person } from '../../shared/crm-model';
import { createLogger } from '../../shared/logger';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { createCardLookups, FAILED_FETCH_PAUSE_SECONDS } from './card-lookups';

const A = 'sam@corp.test';
const lookupsOf = (db: ThreadlineDb, client: CrmClient | null, nowSec = () => 100) =>
  createCardLookups({ db, client: async () => client, nowSec, logger: createLogger('test') });

describe('card lookups', () => {
  it('never sends the same search twice while it is in flight, and remembers who is unknown', async () => {
    const db = new ThreadlineDb(`lookups-${Math.random()}`);
    const asked: string[][] = [];
    let answer: (people: Person[]) => void = () => undefined;
    const client = {
      searchPeopleByEmails: (emails: string[]) => {
        asked.push(emails);
        return new Promise<Person[]>((resolve) => {
          answer = resolve;
        });
      },
    } as unknown as CrmClient;
    const lookups = lookupsOf(db, client);
    const first = lookups.search(A, ['x@y.test', 'z@y.test']);
    const second = lookups.search(A, ['z@y.test']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual([['x@y.test', 'z@y.test']]);
    answer([]);
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect((await db.negativeLookups.toArray()).map((r) => r.address).sort()).toEqual([
      'x@y.test',
      'z@y.test',
    ]);
    // Done: a later open may ask again (the negative cache, not the guard, keeps it from doing so).
    void lookups.search(A, ['z@y.test']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toHaveLength(2);
  });

  it('reports that nothing was stored when there is no CRM connection', async () => {
    const lookups = lookupsOf(new ThreadlineDb(`lookups-${Math.random()}`), null);
    expect(await lookups.search(A, ['x@y.test'])).toBe(false);
  });

  it("a card shown without the person's details fetches them and keeps them; sync later keeps them fresh", async () => {
    const db = new ThreadlineDb(`lookups-${Math.random()}`);
    const alice: Person = {
      id: 10,
      name: 'Alice',
      title: null,
      companyId: null,
      companyName: null,
      emails: [{ value: 'alice@acme.test', category: 'work' }],
      phones: [{ value: '555', category: 'work' }],
      address: { street: '1 Main St', city: 'Springfield', state: null, postalCode: null, country: 'US' },
      tags: ['vip'],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
    };
    await db.people.put(personRow(A, alice, { details: false }));
    const client = {
      getPerson: async (id: number) => (id === 10 ? alice : null),
      activitiesOfRecord: async () => [],
    } as unknown as CrmClient;
    const lookups = lookupsOf(db, client);
    expect(hasDetails(await db.people.get(recordRowKey(A, 10)))).toBe(false);
    expect(await lookups.activities(A, [10])).toBe(true);
    const row = await db.people.get(recordRowKey(A, 10));
    expect(row && personOfRow(row)).toEqual({ person: alice, detailsKnown: true });
  });

  it('a person whose fetch fails is not asked again for a minute, so a card never loops on it', async () => {
    const db = new ThreadlineDb(`lookups-${Math.random()}`);
    let now = 100;
    const asked: string[] = [];
    const client = {
      getPerson: async (id: number) => {
        asked.push(`person:${id}`);
        if (id === 1) throw new CrmError('server', 'HTTP 503');
        return null;
      },
      activitiesOfRecord: async () => [],
    } as unknown as CrmClient;
    const lookups = lookupsOf(db, client, () => now);
    // Nothing stored: the card is not built again to ask again.
    expect(await lookups.activities(A, [1])).toBe(false);
    expect(await lookups.activities(A, [1])).toBe(false);
    expect(asked).toEqual(['person:1']);
    now += FAILED_FETCH_PAUSE_SECONDS;
    expect(await lookups.activities(A, [1])).toBe(false);
    expect(asked).toEqual(['person:1', 'person:1']);
    // A person the CRM no longer has is dropped: that is a change.
    expect(await lookups.activities(A, [2])).toBe(true);
  });

  it("a person found for a card's unknown address is stored whole: the card shows their phones at once", async () => {
    const db = new ThreadlineDb(`lookups-${Math.random()}`);
    const found: Person = {
      id: 3,
      name: 'Zoe',
      title: null,
      companyId: null,
      companyName: null,
      emails: [{ value: 'zoe@y.test', category: 'work' }],
      phones: [{ value: '777', category: 'mobile' }],
      address: null,
      tags: ['new'],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
    };
    const client = { searchPeopleByEmails: async () => [found] } as unknown as CrmClient;
    expect(await lookupsOf(db, client).search(A, ['zoe@y.test'])).toBe(true);
    const row = await db.people.get(recordRowKey(A, 3));
    expect(row && personOfRow(row)).toEqual({ person: found, detailsKnown: true });
  });
});
