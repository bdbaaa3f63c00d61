import { describe, expect, it } from 'vitest';
import { accountNumber } from '../../db/key-prefix';
import { hasDetails, personRow } from '../../db/record-rows';
import { recordRowKey, ThreadlineDb } from '../../db/threadline-db';
import type { Person } from '../../shared/crm-model';
import { createLogger } from '../../shared/logger';
import type { CrmClient, PageQuery } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { advanceCursor, createSyncEngine, PAGE_SIZE } from './sync-engine';

const person = (id: number, modifiedAt: number): Person => ({
  id,
  name: `P ${id}`,
  title: null,
  companyId: null,
  companyName: null,
  emails: [{ value: `p${id}@x.test`, category: 'work' }],
  phones: [],
  address: null,
  tags: [],
  ownerId: null,
  lastContactedAt: null,
  modifiedAt,
});

/** A CRM with `people` (mutable), answering pages the way the CRM does: sorted by (date_modified, id). */
function fakeCrm(
  people: Person[],
  options: { failOnCall?: number; peopleDelta?: 'modifiedFrom' | 'newestFirst' } = {},
) {
  const queries: PageQuery[] = [];
  let calls = 0;
  const empty = async () => ({ records: [], total: 0, skipped: 0, received: 0 });
  const client = {
    deltaStyle: {
      people: options.peopleDelta ?? 'modifiedFrom',
      companies: 'newestFirst',
      leads: 'modifiedFrom',
      opportunities: 'modifiedFrom',
      tasks: 'modifiedFrom',
    },
    listUsers: async () => [],
    listPipelines: async () => [],
    pageCompanies: empty,
    pageLeads: empty,
    pageOpportunities: empty,
    pageTasks: empty,
    pageThreadActivities: empty,
    existingIds: async () => null,
    pagePeople: async (q: PageQuery) => {
      calls += 1;
      if (calls === options.failOnCall) throw new CrmError('unreachable', 'network error');
      queries.push(q);
      const matching = people
        .filter((p) => q.modifiedFrom === undefined || p.modifiedAt >= q.modifiedFrom)
        .sort((a, b) =>
          q.newestFirst
            ? b.modifiedAt - a.modifiedAt || b.id - a.id
            : a.modifiedAt - b.modifiedAt || a.id - b.id,
        );
      const records = matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
      return { records, total: matching.length, skipped: 0, received: records.length };
    },
  } as unknown as CrmClient;
  return { client, queries };
}

const engine = (db: ThreadlineDb, client: CrmClient) =>
  createSyncEngine({
    db,
    client: async () => client,
    logger: createLogger('test', () => undefined),
    now: () => 2_000_000,
  });

describe('advanceCursor (keyset paging on date_modified)', () => {
  it('moves the cursor to the last record and remembers the ids at that second', () => {
    const page = [person(1, 10), person(2, 11), person(3, 11)];
    expect(advanceCursor({ cursorTime: 0, seenAtCursor: [], pageWithin: 1 }, page, 3)).toMatchObject({
      fresh: page,
      cursorTime: 11,
      seenAtCursor: [2, 3],
      pageWithin: 1,
      done: false,
    });
  });

  it('skips records already stored at the cursor second', () => {
    const page = [person(2, 11), person(3, 11), person(4, 12)];
    const next = advanceCursor({ cursorTime: 11, seenAtCursor: [2, 3], pageWithin: 1 }, page, 200);
    expect(next.fresh.map((p) => p.id)).toEqual([4]);
    expect(next).toMatchObject({ cursorTime: 12, seenAtCursor: [4], done: true });
  });

  it('pages within one second when more than a page shares it', () => {
    const page = [person(1, 5), person(2, 5)];
    const next = advanceCursor({ cursorTime: 5, seenAtCursor: [], pageWithin: 1 }, page, 2);
    expect(next).toMatchObject({ cursorTime: 5, seenAtCursor: [1, 2], pageWithin: 2, done: false });
  });
});

describe('sync engine', () => {
  it('syncs every page of 200, then a delta with nothing new costs one request', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const people = Array.from({ length: 450 }, (_, i) => person(i + 1, 1000 + i));
    const crm = fakeCrm(people);
    await engine(db, crm.client).sync('me@x.test');
    expect(await db.people.count()).toBe(450);
    // Each page starts at the last page's final second (its boundary record is re-read and skipped).
    expect(crm.queries.map((q) => [q.page, q.pageSize, q.modifiedFrom])).toEqual([
      [1, PAGE_SIZE, undefined],
      [1, PAGE_SIZE, 1199],
      [1, PAGE_SIZE, 1398],
    ]);
    expect(await db.syncState.get(['me@x.test', 'people'])).toMatchObject({
      phase: 'delta',
      fetched: 450,
      total: 450,
      lastSyncAt: 2_000_000,
    });
    crm.queries.length = 0;
    await engine(db, crm.client).sync('me@x.test');
    expect(crm.queries).toHaveLength(1);
    // A change is picked up by the next delta.
    people.push(person(9999, 5000));
    const changed = people[0];
    if (changed) changed.modifiedAt = 5001;
    await engine(db, crm.client).sync('me@x.test');
    expect(await db.people.count()).toBe(451);
    expect((await db.people.get(recordRowKey('me@x.test', changed?.id ?? 0)))?.modifiedAt).toBe(5001);
  });

  it('stores people without phones, address and tags, except those whose card had fetched them, which it keeps fresh', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const detailed = (id: number, modifiedAt: number, phone: string): Person => ({
      ...person(id, modifiedAt),
      phones: [{ value: phone, category: 'work' }],
      address: { street: null, city: 'Springfield', state: null, postalCode: null, country: 'US' },
      tags: ['vip'],
    });
    const people = [detailed(1, 10, '111'), detailed(2, 11, '222')];
    const crm = fakeCrm(people);
    await engine(db, crm.client).sync('me@x.test');
    const stored = await db.people.toArray();
    expect(stored.map((r) => [r.id, hasDetails(r)])).toEqual([
      [1, false],
      [2, false],
    ]);
    for (const field of ['phones', 'address', 'tags']) expect(stored[0]).not.toHaveProperty(field);
    // Person 1's card was shown: its row holds the details (card-lookups.ts). Both change in the CRM.
    await db.people.put(personRow('me@x.test', detailed(1, 10, '111')));
    people[0] = detailed(1, 20, '999');
    people[1] = detailed(2, 21, '888');
    await engine(db, crm.client).sync('me@x.test');
    const one = await db.people.get(recordRowKey('me@x.test', 1));
    const two = await db.people.get(recordRowKey('me@x.test', 2));
    expect(one?.phones).toEqual([{ value: '999', category: 'work' }]);
    expect(one?.modifiedAt).toBe(20);
    expect(hasDetails(two)).toBe(false);
    expect(two?.modifiedAt).toBe(21);
  });

  it('never skips or duplicates when more than a page of records share one second', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const people = Array.from({ length: 430 }, (_, i) => person(i + 1, i < 410 ? 7 : 8));
    const crm = fakeCrm(people);
    await engine(db, crm.client).sync('me@x.test');
    expect(await db.people.count()).toBe(430);
    expect((await db.syncState.get(['me@x.test', 'people']))?.fetched).toBe(430);
  });

  it('resumes after a failure mid-sync from the last stored page, with exact counts', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const people = Array.from({ length: 1000 }, (_, i) => person(i + 1, 100 + i));
    const failing = fakeCrm(people, { failOnCall: 3 });
    await expect(engine(db, failing.client).sync('me@x.test')).rejects.toThrow(CrmError);
    expect(await db.people.count()).toBe(399);
    expect(await db.syncState.get(['me@x.test', 'people'])).toMatchObject({
      phase: 'initial',
      fetched: 399,
      cursorTime: 498,
    });
    const healthy = fakeCrm(people);
    await engine(db, healthy.client).sync('me@x.test');
    expect(healthy.queries[0]?.modifiedFrom).toBe(498);
    expect(await db.people.count()).toBe(1000);
    expect((await db.syncState.get(['me@x.test', 'people']))?.fetched).toBe(1000);
  });

  it('leaves the cache untouched when the CRM answers nonsense', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const good = fakeCrm([person(1, 10)]);
    await engine(db, good.client).sync('me@x.test');
    const broken = {
      ...good.client,
      pagePeople: async () => {
        throw new CrmError('invalidResponse', 'people/search: 0.id: invalid_type');
      },
    } as CrmClient;
    await db.syncState.update(['me@x.test', 'people'], { phase: 'initial' });
    await expect(engine(db, broken).sync('me@x.test')).rejects.toMatchObject({ kind: 'invalidResponse' });
    expect(await db.people.count()).toBe(1);
    expect((await db.people.get(recordRowKey('me@x.test', 1)))?.name).toBe('P 1');
  });

  it('keeps accounts apart', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    await engine(db, fakeCrm([person(1, 10)]).client).sync('a@x.test');
    await engine(db, fakeCrm([person(2, 10), person(3, 11)]).client).sync('b@x.test');
    expect(
      await db.people
        .where(':id')
        .between(recordRowKey('a@x.test', -Infinity), recordRowKey('a@x.test', Infinity))
        .count(),
    ).toBe(1);
    expect(
      await db.people
        .where(':id')
        .between(recordRowKey('b@x.test', -Infinity), recordRowKey('b@x.test', Infinity))
        .count(),
    ).toBe(2);
  });

  it('people with no documented modified filter: newest first, stopping at the watermark', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const people = Array.from({ length: 450 }, (_, i) => person(i + 1, 100 + i));
    const crm = fakeCrm(people, { peopleDelta: 'newestFirst' });
    await engine(db, crm.client).sync('me@x.test');
    expect(await db.people.count()).toBe(450);
    expect(crm.queries.every((q) => q.newestFirst === true && q.modifiedFrom === undefined)).toBe(true);
    // Two changes: the next run reads one page (it reaches the watermark) and stores both.
    people[3] = { ...person(4, 900), name: 'Changed' };
    people.push(person(451, 901));
    crm.queries.length = 0;
    await engine(db, crm.client).sync('me@x.test');
    expect(crm.queries).toHaveLength(1);
    expect((await db.people.get(recordRowKey('me@x.test', 4)))?.name).toBe('Changed');
    expect(await db.people.count()).toBe(451);
  });

  it('past a search window (newest first cannot page further) the pass sweeps on the adapter’s cursor: everyone cached once, changes during the sweep read next run', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    // Created in id order; modified in id order too, so newest first is id descending.
    const people = Array.from({ length: 1000 }, (_, i) => person(i + 1, 1000 + i + 1));
    const crm = fakeCrm(people, { peopleDelta: 'newestFirst' });
    const WINDOW = 2 * PAGE_SIZE;
    const asked: PageQuery[] = [];
    let calls = 0;
    const client = {
      ...crm.client,
      pagePeople: async (q: PageQuery) => {
        asked.push(q);
        calls += 1;
        // During the sweep: one person the sweep already read and one the newest-first pages read change.
        if (calls === 5) {
          people[9] = { ...person(10, 5000), name: 'Changed in sweep' };
          people[699] = { ...person(700, 5001), name: 'Changed too' };
        }
        if (q.cursor === undefined) {
          if (q.page * q.pageSize > WINDOW) throw new Error('asked past the window');
          const page = await crm.client.pagePeople(q);
          const more = page.received === q.pageSize && q.page * q.pageSize >= WINDOW;
          return more ? { ...page, nextCursor: 'from:0' } : page;
        }
        // The sweep: every record in creation (id) order, from the cursor's offset.
        const from = Number(q.cursor.slice('from:'.length));
        const records = [...people].sort((a, b) => a.id - b.id).slice(from, from + q.pageSize);
        const end = from + records.length >= people.length;
        return {
          records,
          total: people.length,
          skipped: 0,
          received: records.length,
          nextCursor: end ? null : `from:${from + records.length}`,
        };
      },
    } as CrmClient;
    await engine(db, client).sync('me@x.test');
    expect(asked.filter((q) => q.cursor !== undefined)).toHaveLength(5);
    expect(await db.people.count()).toBe(1000);
    const state = await db.syncState.get(['me@x.test', 'people']);
    // Each person counted once: the sweep keeps only those below the newest-first pages.
    expect(state).toMatchObject({ phase: 'delta', fetched: 1000, cursorTime: 2000 });
    expect(state?.pageCursor).toBeUndefined();
    expect((await db.people.get(recordRowKey('me@x.test', 10)))?.name).toBe('P 10');
    // The next run reads newest first down to the first pass's top and stores both changes.
    asked.length = 0;
    await engine(db, client).sync('me@x.test');
    expect(asked).toHaveLength(1);
    expect((await db.people.get(recordRowKey('me@x.test', 10)))?.name).toBe('Changed in sweep');
    expect((await db.people.get(recordRowKey('me@x.test', 700)))?.name).toBe('Changed too');
  });

  it('counts what a page skipped, and never stops on a full page of skipped elements', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const crm = fakeCrm([]);
    let calls = 0;
    const client = {
      ...crm.client,
      pagePeople: async () => {
        calls += 1;
        if (calls === 1) return { records: [], total: 3, skipped: PAGE_SIZE, received: PAGE_SIZE };
        return { records: [person(1, 10)], total: 3, skipped: 1, received: 2 };
      },
    } as CrmClient;
    await engine(db, client).sync('me@x.test');
    expect(calls).toBe(2);
    expect(await db.people.count()).toBe(1);
    expect(await db.syncState.get(['me@x.test', 'people'])).toMatchObject({
      skipped: PAGE_SIZE + 1,
      phase: 'delta',
    });
  });

  it('the reconciliation sweep drops a person the CRM no longer has, within its request budget', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const people = Array.from({ length: 1000 }, (_, i) => person(i + 1, 10));
    const crm = fakeCrm(people);
    const asked: number[][] = [];
    const client = {
      ...crm.client,
      existingIds: async (_entity: string, ids: readonly number[]) => {
        asked.push([...ids]);
        return { existing: new Set(ids.filter((id) => id !== 7)) };
      },
      getPerson: async (id: number) => (id === 7 ? null : person(id, 10)),
    } as unknown as CrmClient;
    await engine(db, client).sync('me@x.test');
    // One run: at most RECONCILE_BUDGET.people (4) checks of 200 ids.
    expect(asked.filter((ids) => ids.length > 0).length).toBeLessThanOrEqual(4);
    expect(await db.people.get(recordRowKey('me@x.test', 7))).toBeUndefined();
    expect(await db.people.count()).toBe(999);
    expect((await db.syncState.get(['me@x.test', 'people']))?.reconcileAfterId).toBe(800);
  });

  it('the reconciliation sweep never asks about, nor drops, another account’s row under the same key number', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    // As if twin@x.test's 53-bit number were me@x.test's (key-prefix.ts).
    await db.people.put({
      ...personRow('twin@x.test', person(50, 10)),
      accountNo: accountNumber('me@x.test'),
    });
    const asked: number[] = [];
    const crm = fakeCrm([person(1, 10), person(2, 10)]);
    const client = {
      ...crm.client,
      existingIds: async (_entity: string, ids: readonly number[]) => {
        asked.push(...ids);
        return { existing: new Set<number>() };
      },
      getPerson: async () => null,
    } as unknown as CrmClient;
    await engine(db, client).sync('me@x.test');
    expect(asked.sort()).toEqual([1, 2]);
    expect((await db.people.toArray()).map((p) => `${p.account}:${p.id}`)).toEqual(['twin@x.test:50']);
  });

  it('the reconciliation sweep deletes nothing when the CRM cannot tell (ignores the id filter)', async () => {
    const db = new ThreadlineDb(`sync-${Math.random()}`);
    const crm = fakeCrm([person(1, 10), person(2, 10)]);
    const client = {
      ...crm.client,
      existingIds: async () => null,
      getPerson: async () => null,
    } as unknown as CrmClient;
    await engine(db, client).sync('me@x.test');
    expect(await db.people.count()).toBe(2);
  });
});
