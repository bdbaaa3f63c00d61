import { describe, expect, it } from 'vitest';
import { companyRow, leadRow, opportunityRow, personRow, userRow } from '../../db/record-rows';
import { parentKeyOf, ThreadlineDb } from '../../db/threadline-db';
import type { Person } from '../../shared/crm-model';
import { contactCardSchema } from '../../shared/sidebar-port';
import { buildCards, NEGATIVE_TTL_SECONDS } from './build-cards';
import { outsideParticipants } from './outside-participants';

const A = 'sam@corp.test';
const NOW = 2_000_000_000;

const person = (id: number, email: string, extra: Partial<Person> = {}): Person => ({
  id,
  name: `Person ${id}`,
  title: null,
  companyId: null,
  companyName: null,
  emails: [{ value: email, category: 'work' }],
  phones: [],
  address: null,
  tags: [],
  ownerId: null,
  lastContactedAt: null,
  modifiedAt: 1,
  ...extra,
});

describe('outsideParticipants', () => {
  it('drops you, teammates and your company domain; normalises and dedupes', () => {
    const out = outsideParticipants(
      [
        { name: 'Me', address: 'SAM@corp.test' },
        { name: 'Colleague', address: 'kim@corp.test' },
        { name: 'Tara', address: 'tara@partner.test' },
        { name: 'Alice', address: ' Alice@Acme.test ' },
        { name: '', address: 'alice@acme.test' },
        { name: 'G', address: 'someone@googlemail.com' },
        { name: 'bad', address: 'not-an-address' },
      ],
      A,
      new Set(['tara@partner.test']),
    );
    expect(out).toEqual([
      { address: 'alice@acme.test', displayName: 'Alice' },
      { address: 'someone@gmail.com', displayName: 'G' },
    ]);
  });

  it('does not treat a public mail domain as the user’s company', () => {
    const out = outsideParticipants(
      [{ name: 'Friend', address: 'friend@gmail.com' }],
      'me@gmail.com',
      new Set(),
    );
    expect(out.map((p) => p.address)).toEqual(['friend@gmail.com']);
  });
});

describe('buildCards', () => {
  async function seeded() {
    const db = new ThreadlineDb(`cards-${Math.random()}`);
    await db.companies.bulkPut([
      companyRow(A, {
        id: 1,
        name: 'Acme',
        domain: 'acme.test',
        address: null,
        phones: [],
        tags: [],
        modifiedAt: 1,
      }),
      companyRow(A, {
        id: 2,
        name: 'Globex',
        domain: 'globex.test',
        address: null,
        phones: [],
        tags: [],
        modifiedAt: 1,
      }),
    ]);
    await db.people.bulkPut([
      personRow(A, person(10, 'Alice@Acme.test', { companyId: 1, ownerId: 3 })),
      personRow(A, person(11, 'bob@globex.test')),
      personRow('other@corp.test', person(12, 'carol@x.test')),
    ]);
    await db.leads.put(
      leadRow(A, {
        id: 5,
        name: 'Lena',
        title: null,
        companyName: null,
        email: 'lena@lead.test',
        phones: [],
        status: 'New',
        ownerId: null,
        modifiedAt: 1,
      }),
    );
    await db.users.put(userRow(A, { id: 3, name: 'Omar Owner', email: 'omar@corp.test' }));
    await db.pipelines.put({
      account: A,
      id: 9,
      name: 'Sales',
      stages: [{ id: 91, name: 'Proposal', winProbability: 50 }],
    });
    const deal = {
      pipelineId: 9,
      stageId: 91,
      companyId: null,
      primaryContactId: 10,
      value: 100,
      closeDate: null,
      modifiedAt: 1,
    };
    await db.opportunities.bulkPut([
      opportunityRow(A, { ...deal, id: 1, name: 'Small', status: 'Open' }),
      opportunityRow(A, {
        ...deal,
        id: 2,
        name: 'Big',
        status: 'Open',
        primaryContactId: null,
        companyId: 1,
        value: 900,
      }),
      opportunityRow(A, { ...deal, id: 3, name: 'Won already', status: 'Won' }),
    ]);
    await db.activities.put({
      account: A,
      id: 1,
      parentType: 'person',
      parentId: 10,
      typeName: 'Note',
      details: 'hi',
      at: 5,
      parentKey: parentKeyOf('person', 10),
    });
    await db.activityFetches.put({ account: A, parentKey: parentKeyOf('person', 10), fetchedAt: NOW - 5 });
    return db;
  }

  it('matches people by any address, leads, and reports misses', async () => {
    const db = await seeded();
    const { cards, misses, staleActivities } = await buildCards(
      db,
      A,
      [
        { address: 'alice@acme.test', displayName: 'Alice' },
        { address: 'bob@globex.test', displayName: '' },
        { address: 'lena@lead.test', displayName: 'Lena' },
        { address: 'carol@x.test', displayName: 'Carol' },
        { address: 'new.person@initech.test', displayName: '' },
      ],
      NOW,
    );
    expect(cards.map((c) => c.state)).toEqual(['person', 'person', 'lead', 'checking', 'checking']);
    // Carol exists only for another Gmail account: never shown here.
    expect(misses).toEqual(['carol@x.test', 'new.person@initech.test']);
    const alice = cards[0];
    expect(alice).toMatchObject({ ownerName: 'Omar Owner', company: { name: 'Acme' } });
    expect(alice?.deals.map((d) => [d.deal.name, d.pipelineName, d.stageName])).toEqual([
      ['Big', 'Sales', 'Proposal'],
      ['Small', 'Sales', 'Proposal'],
    ]);
    expect(alice?.activities?.map((a) => a.details)).toEqual(['hi']);
    // Bob has no company id: his company comes from his domain.
    expect(cards[1]?.company?.name).toBe('Globex');
    expect(staleActivities).toEqual([11]);
    expect(cards[4]?.suggestion).toEqual({ name: 'New Person', companyName: 'Initech', companyKnown: false });
    // What the sidebar accepts: strict schemas, so a cache field left on a record refuses the view.
    for (const card of cards) expect(contactCardSchema.safeParse(card).error?.issues).toBeUndefined();
  });

  it('marks a card with a write waiting or refused, by address or by person, for this account only', async () => {
    const db = await seeded();
    const write = (account: string, recordKey: string, state: 'pending' | 'dead', lastError: string | null) =>
      db.outbox.add({
        account,
        recordKey,
        idempotencyKey: `${recordKey}-${state}`,
        op: 'updatePerson',
        payload: {},
        state,
        attempts: 0,
        nextAttemptAt: 0,
        lastError,
        createdAt: 1,
      });
    await write(A, 'contact:new.person@initech.test', 'pending', null);
    await write(A, 'person:10', 'dead', 'Title: is too long');
    await write(A, 'person:10', 'dead', 'a later failure');
    await write('other@corp.test', 'person:11', 'pending', null);
    const { cards } = await buildCards(
      db,
      A,
      [
        { address: 'alice@acme.test', displayName: 'Alice' },
        { address: 'bob@globex.test', displayName: 'Bob' },
        { address: 'new.person@initech.test', displayName: '' },
      ],
      NOW,
    );
    expect(cards.map((c) => [c.pendingWrite, c.writeError])).toEqual([
      [false, 'Title: is too long'],
      [false, null],
      [true, null],
    ]);
  });

  it('shows activities only for people whose activities were fetched', async () => {
    const db = await seeded();
    // Bob has an activity row but was never fetched (a leftover): his card waits for the fetch.
    await db.activities.put({
      account: A,
      id: 2,
      parentType: 'person',
      parentId: 11,
      typeName: 'Note',
      details: 'stale',
      at: 6,
      parentKey: parentKeyOf('person', 11),
    });
    const { cards, staleActivities } = await buildCards(
      db,
      A,
      [
        { address: 'alice@acme.test', displayName: 'Alice' },
        { address: 'bob@globex.test', displayName: 'Bob' },
      ],
      NOW,
    );
    expect(cards.map((c) => c.activities?.map((a) => a.details) ?? null)).toEqual([['hi'], null]);
    expect(staleActivities).toEqual([11]);
  });

  it('shows a synced person without phones, address and tags as not known yet, and asks for them', async () => {
    const db = await seeded();
    // Alice's activities are fresh, but sync stored her without details (issue 17).
    await db.people.put(
      personRow(
        A,
        person(10, 'alice@acme.test', {
          companyId: 1,
          phones: [{ value: '555', category: 'work' }],
          tags: ['vip'],
        }),
        { details: false },
      ),
    );
    const who = [{ address: 'alice@acme.test', displayName: 'Alice' }];
    const slim = await buildCards(db, A, who, NOW);
    expect(slim.cards[0]).toMatchObject({ state: 'person', detailsKnown: false, company: { name: 'Acme' } });
    expect(slim.cards[0]?.person).toMatchObject({ name: 'Person 10', phones: [], address: null, tags: [] });
    expect(slim.staleActivities).toEqual([10]);

    await db.people.put(
      personRow(A, person(10, 'alice@acme.test', { phones: [{ value: '555', category: 'work' }] })),
    );
    const full = await buildCards(db, A, who, NOW);
    expect(full.cards[0]).toMatchObject({ detailsKnown: true, person: { phones: [{ value: '555' }] } });
    expect(full.staleActivities).toEqual([]);
  });

  it('trusts a "not in CRM" answer for a day', async () => {
    const db = await seeded();
    const who = [{ address: 'ghost@nowhere.test', displayName: 'Ghost' }];
    await db.negativeLookups.put({ account: A, address: 'ghost@nowhere.test', checkedAt: NOW - 60 });
    expect((await buildCards(db, A, who, NOW)).cards[0]?.state).toBe('unknown');
    expect((await buildCards(db, A, who, NOW)).misses).toEqual([]);
    const later = await buildCards(db, A, who, NOW + NEGATIVE_TTL_SECONDS);
    expect(later.misses).toEqual(['ghost@nowhere.test']);
  });

  it('answers 25 participants with a bounded number of queries and no network', async () => {
    const db = await seeded();
    const many = Array.from({ length: 25 }, (_, i) => ({ address: `p${i}@acme.test`, displayName: '' }));
    const { cards, misses } = await buildCards(db, A, many, NOW);
    expect(cards).toHaveLength(25);
    expect(misses).toHaveLength(25);
    expect(cards.every((c) => c.suggestion?.companyKnown === true && c.company?.name === 'Acme')).toBe(true);
  });
});
