import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import {
  storeVersion4,
  storeVersion4Work,
  VERSION_4_STORES,
  VERSION_4_SYNCED,
  version4Person,
} from '../../test/unit/cache-version4';
import { personOf } from '../../test/unit/thread-deps';
import { searchCache } from '../background/read-models/search-cache';
import { countAccountRows, deleteAccountRows } from './account-rows';
import { accountNumber, accountTag } from './key-prefix';
import { hasDetails } from './record-rows';
import { MOVE_BATCH } from './rekey-records';
import { emailKey, recordRow, recordRowKey, recordRows, ThreadlineDb } from './threadline-db';

const A = 'sam.seller@threadline-demo.test';
const B = 'sam@other.test';

/** The schema and row format of version 2, as the extension stored them before issue 17. */
async function storeVersion2(
  name: string,
  options: { cardShown?: boolean; morePeople?: number } = {},
): Promise<void> {
  const old = new Dexie(name);
  old.version(1).stores({
    people: '[account+id], *emailKeys, *searchKeys, [account+companyId]',
    leads: '[account+id], emailKey, *searchKeys',
    companies: '[account+id], [account+domainKey], *searchKeys',
    opportunities: '[account+id], [account+primaryContactId], [account+companyId], *searchKeys',
    pipelines: '[account+id]',
    activities: '[account+id], [account+parentKey+at]',
    activityFetches: '[account+parentKey]',
    users: '[account+id], emailKey',
    negativeLookups: '[account+address]',
    syncState: '[account+entity]',
    outbox: '++seq, [account+recordKey], [account+state], nextAttemptAt',
    accounts: 'account',
    settings: 'name',
    secrets: 'name',
  });
  old.version(2).stores({
    threadMarks: '[account+markKey], [account+threadId], [account+recordKey], [account+at], [account+kind]',
    tasks: '[account+id], [account+relatedKey]',
    audit: '++seq, [account+at]',
    consents: '[account+scope]',
  });
  const k = (account: string, term: string) => `${account}\n${term}`;
  await old.table('people').bulkPut([
    {
      account: A,
      id: 7,
      name: 'Melvina Larson',
      title: 'Consultant',
      companyId: 78,
      companyName: 'Pagac Inc',
      emails: [{ value: 'Melvina.Larson@pagac-inc.com', category: 'work' }],
      phones: [{ value: '(967) 411-8459', category: 'work' }],
      address: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      tags: ['decision-maker'],
      ownerId: 1,
      lastContactedAt: 1_700_000_000,
      modifiedAt: 1_746_969_557,
      emailKeys: [k(A, 'melvina.larson@pagac-inc.com')],
      searchKeys: [
        'melvina larson',
        'melvina',
        'larson',
        'melvina.larson@pagac-inc.com',
        'larson@pagac',
        'inc',
        'com',
      ].map((t) => k(A, t)),
    },
    {
      account: A,
      id: -3,
      name: 'Pat Pending',
      title: null,
      companyId: null,
      companyName: null,
      emails: [{ value: 'pat@new.test', category: 'work' }],
      phones: [],
      address: null,
      tags: [],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
      emailKeys: [k(A, 'pat@new.test')],
      searchKeys: [k(A, 'pat pending')],
      pending: true,
    },
  ]);
  await old.table('leads').put({
    account: A,
    id: 9,
    name: 'Abbigail Bode',
    title: null,
    companyName: 'Pfeffer Group',
    email: 'abbigail@judicious.net',
    phones: [],
    status: 'New',
    ownerId: 3,
    modifiedAt: 5,
    emailKey: k(A, 'abbigail@judicious.net'),
    searchKeys: [k(A, 'abbigail bode'), k(A, 'abbigail@judicious.net')],
  });
  await old.table('companies').put({
    account: A,
    id: 78,
    name: 'Pagac Inc',
    domain: 'pagac-inc.com',
    address: null,
    phones: [],
    tags: [],
    modifiedAt: 3,
    domainKey: 'pagac-inc.com',
    searchKeys: [k(A, 'pagac inc'), k(A, 'pagac'), k(A, 'inc'), k(A, 'pagac-inc.com'), k(A, 'com')],
  });
  await old.table('opportunities').bulkPut([
    {
      account: A,
      id: 5,
      name: 'Pagac renewal',
      pipelineId: 1,
      stageId: 2,
      status: 'Open',
      companyId: 78,
      primaryContactId: 7,
      value: 1000,
      closeDate: null,
      modifiedAt: 4,
      searchKeys: [k(A, 'pagac renewal'), k(A, 'pagac'), k(A, 'renewal')],
    },
    {
      account: A,
      id: -8,
      name: 'Made in the sidebar',
      pipelineId: 1,
      stageId: 2,
      status: 'Open',
      companyId: null,
      primaryContactId: 7,
      value: null,
      closeDate: null,
      modifiedAt: 4,
      searchKeys: [],
    },
  ]);
  await old.table('users').put({ account: A, id: 1, name: 'Sam', email: A, emailKey: k(A, A) });
  // People synced from the CRM, nothing else about them.
  await old.table('people').bulkPut(
    Array.from({ length: options.morePeople ?? 0 }, (_, i) => ({
      ...personOf(100 + i, `p${100 + i}@acme.test`, { name: `Person ${100 + i}` }),
      account: A,
      emailKeys: [k(A, `p${100 + i}@acme.test`)],
      searchKeys: [k(A, `person ${100 + i}`)],
    })),
  );
  // Melvina's card was shown: her activities were fetched.
  if (options.cardShown)
    await old.table('activityFetches').put({ account: A, parentKey: 'person:7', fetchedAt: 1 });
  old.close();
}

describe('cache version 3 (issue 17)', () => {
  it('rewrites every derived key of version 2 rows, keeps every record field, and drops the unused index', async () => {
    const name = `rekey-${Math.random()}`;
    await storeVersion2(name, { cardShown: true });
    const db = new ThreadlineDb(name);
    await db.open();
    const tag = accountTag(A);

    const person = await db.people.get(recordRowKey(A, 7));
    expect(person).toEqual({
      account: A,
      accountNo: accountNumber(A),
      id: 7,
      name: 'Melvina Larson',
      title: 'Consultant',
      companyId: 78,
      companyName: 'Pagac Inc',
      emails: [{ value: 'Melvina.Larson@pagac-inc.com', category: 'work' }],
      phones: [{ value: '(967) 411-8459', category: 'work' }],
      address: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      tags: ['decision-maker'],
      ownerId: 1,
      lastContactedAt: 1_700_000_000,
      modifiedAt: 1_746_969_557,
      emailKeys: [`${tag}\nmelvina.larson@pagac-inc.com`],
      searchKeys: [`${tag}\nmelvina larson`, `${tag}\nlarson`],
    });
    expect((await db.people.get(recordRowKey(A, -3)))?.pending).toBe(true);
    expect((await db.leads.get(recordRowKey(A, 9)))?.emailKey).toBe(`${tag}\nabbigail@judicious.net`);
    expect((await db.leads.get(recordRowKey(A, 9)))?.searchKeys).toEqual([
      `${tag}\nabbigail bode`,
      `${tag}\nbode`,
    ]);
    expect((await db.companies.get(recordRowKey(A, 78)))?.searchKeys).toEqual([
      `${tag}\npagac inc`,
      `${tag}\ninc`,
      `${tag}\npagac-inc.com`,
    ]);
    expect((await db.opportunities.get(recordRowKey(A, 5)))?.searchKeys).toEqual([
      `${tag}\npagac renewal`,
      `${tag}\nrenewal`,
    ]);
    expect((await db.opportunities.get(recordRowKey(A, -8)))?.searchKeys).toEqual([]);
    expect((await db.users.get([A, 1]))?.emailKey).toBe(emailKey(A, A));
    expect(db.people.schema.indexes.map((i) => i.name).sort()).toEqual(['emailKeys', 'searchKeys']);

    // What reads the keys finds the upgraded rows: the card's address lookup and the search.
    expect(
      (await db.people.where('emailKeys').equals(emailKey(A, 'melvina.larson@pagac-inc.com')).toArray()).map(
        (p) => p.id,
      ),
    ).toEqual([7]);
    const titles = async (q: string) => (await searchCache(db, A, q)).map((r) => `${r.kind}:${r.title}`);
    expect(await titles('melv')).toEqual(['person:Melvina Larson']);
    expect(await titles('larson')).toEqual(['person:Melvina Larson']);
    expect(await titles('melvina.lar')).toEqual(['person:Melvina Larson']);
    expect(await titles('pagac-inc')).toEqual(['company:Pagac Inc']);
    expect(await titles('abbigail@jud')).toEqual(['lead:Abbigail Bode']);
    expect(await titles('renew')).toEqual(['opportunity:Pagac renewal']);
    db.close();
  });

  it('version 4 keeps phones, address and tags only for people whose card was shown or who wait in the outbox, and no company or lead field no card shows', async () => {
    const name = `slim-${Math.random()}`;
    await storeVersion2(name);
    const db = new ThreadlineDb(name);
    await db.open();
    const melvina = await db.people.get(recordRowKey(A, 7));
    expect(melvina).toMatchObject({ name: 'Melvina Larson', title: 'Consultant', companyId: 78, ownerId: 1 });
    expect(melvina?.emails).toEqual([{ value: 'Melvina.Larson@pagac-inc.com', category: 'work' }]);
    for (const field of ['phones', 'address', 'tags']) expect(melvina).not.toHaveProperty(field);
    expect(hasDetails(melvina)).toBe(false);
    // Pat waits in the outbox: the sidebar shows and edits that row.
    expect(hasDetails(await db.people.get(recordRowKey(A, -3)))).toBe(true);
    // Still found by address and by name.
    expect(
      await db.people.where('emailKeys').equals(emailKey(A, 'melvina.larson@pagac-inc.com')).count(),
    ).toBe(1);
    // No card shows a company's address, phones or tags, or a lead's phones: gone for everyone.
    const company = await db.companies.get(recordRowKey(A, 78));
    expect(company).toMatchObject({ name: 'Pagac Inc', domain: 'pagac-inc.com' });
    for (const field of ['address', 'phones', 'tags']) expect(company).not.toHaveProperty(field);
    expect(await db.leads.get(recordRowKey(A, 9))).not.toHaveProperty('phones');
    expect((await searchCache(db, A, 'larson')).map((r) => r.title)).toEqual(['Melvina Larson']);
    db.close();
  });

  it('search never answers with another account’s rows, even under the same key', async () => {
    const db = new ThreadlineDb(`rekey-${Math.random()}`);
    const row = {
      id: 1,
      name: 'Dana Twin',
      title: null,
      companyId: null,
      companyName: null,
      emails: [{ value: 'dana@twin.test', category: 'work' }],
      phones: [],
      address: null,
      tags: [],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
      // As if B's tag were A's: a collision of the 53-bit tag.
      emailKeys: [emailKey(A, 'dana@twin.test')],
      searchKeys: [emailKey(A, 'dana twin')],
    };
    // Their keys' account numbers collide too (key-prefix.ts): the row's own account still tells.
    await db.people.put({ ...row, account: B, accountNo: accountNumber(A) });
    expect(await searchCache(db, A, 'dana')).toEqual([]);
    await db.people.put({ ...row, account: A, accountNo: accountNumber(A), id: 2 });
    expect((await searchCache(db, A, 'dana')).map((r) => r.id)).toEqual([2]);
    // Read by key, B's row under A's key is not A's; deleting A's rows leaves it.
    expect(await recordRow(db.people, A, 1)).toBeUndefined();
    expect((await recordRows(db.people, A, [1, 2])).map((r) => r?.id)).toEqual([undefined, 2]);
    await deleteAccountRows(db, A, ['people']);
    expect((await db.people.toArray()).map((p) => p.account)).toEqual([B]);
    db.close();
  });
});

describe('account tags', () => {
  it('are short, the same for the same account, and differ between accounts', () => {
    expect(accountTag(A)).toBe(accountTag(A));
    expect(accountTag(A)).not.toBe(accountTag(B));
    expect(accountTag(A).length).toBeLessThanOrEqual(11);
    expect(accountTag(A)).toMatch(/^[0-9a-z]+$/);
  });
});

describe('cache version 8 (issue 17): record keys start with the account’s number', () => {
  it('moves every record row of every account to the new key, keeps each row whole, and leaves no waiting store', async () => {
    const name = `move-${Math.random()}`;
    await storeVersion4(name, A, B, 2500);
    await storeVersion4Work(name, A, B);
    let steps = 0;
    const db = new ThreadlineDb(name, { onUpgradeStep: () => (steps += 1) });
    await db.open();
    // A step after every page of the copies out and back (the worker calls an extension API there,
    // so Chrome does not stop it mid-upgrade): 2,503 people take more than one page each way, the
    // three other tables one.
    expect(steps).toBe(2 * (Math.ceil(2503 / MOVE_BATCH) + 3));
    expect(db.people.schema.primKey.keyPath).toEqual(['accountNo', 'id']);
    expect(db.opportunities.schema.primKey.keyPath).toEqual(['accountNo', 'id']);
    expect(db.tables.map((t) => t.name).filter((n) => n.endsWith('Next'))).toEqual([]);
    expect(await db.people.count()).toBe(2503);
    expect(await db.people.get(recordRowKey(A, 2500))).toEqual(version4Person(A, 2500));
    expect(await db.people.get(recordRowKey(B, 1))).toEqual(version4Person(B, 1));
    expect((await db.people.get(recordRowKey(A, -4)))?.pending).toBe(true);
    expect((await db.companies.get(recordRowKey(A, 78)))?.domainKey).toBe('pagac-inc.com');
    expect((await db.leads.get(recordRowKey(A, 9)))?.emailKey).toBe(emailKey(A, 'abbigail@judicious.net'));
    expect((await db.opportunities.get(recordRowKey(A, 5)))?.accountNo).toBe(accountNumber(A));
    // Everything was copied: sync goes on from where it was.
    expect(await db.syncState.count()).toBe(2 * VERSION_4_SYNCED.length);
    // The other indexes still answer, and an account's rows are found (and purged) by the new key.
    expect(
      (await db.opportunities.where('[account+primaryContactId]').equals([A, 7]).toArray()).map((o) => o.id),
    ).toEqual([5]);
    expect((await searchCache(db, A, 'abbig')).map((r) => r.title)).toEqual(['Abbigail Bode']);
    expect((await countAccountRows(db, B)).people).toBe(2);
    await deleteAccountRows(db, A, ['people']);
    expect(await db.people.count()).toBe(2);
    expect((await db.people.toArray()).map((p) => p.account)).toEqual([B, B]);
    db.close();
  });
});

describe('a large cache before its one-time rewrite (issue 17)', () => {
  const label = (r: { account: string; id?: number; entity?: string }) =>
    `${r.account === A ? 'A' : 'B'}${r.entity !== undefined ? `:${r.entity}` : r.id}`;
  const labels = async (db: ThreadlineDb, table: string) =>
    (await db.table(table).toArray()).map(label).sort();
  /** The record rows `storeVersion4` and `storeVersion4Work` leave, counted as version 4 stored them. */
  async function recordRowsOf(name: string): Promise<number> {
    const old = new Dexie(name);
    old.version(4).stores(VERSION_4_STORES);
    let n = 0;
    for (const table of ['people', 'companies', 'leads', 'opportunities'])
      n += await old.table(table).count();
    old.close();
    return n;
  }

  it('over the limit, keeps only what the CRM cannot give back or a kept card shows, and syncs the rest again', async () => {
    const name = `partial-${Math.random()}`;
    await storeVersion4(name, A, B, 2500);
    await storeVersion4Work(name, A, B);
    const rows = await recordRowsOf(name);
    let steps = 0;
    const db = new ThreadlineDb(name, { fullMoveLimit: rows - 1, onUpgradeStep: () => (steps += 1) });
    await db.open();
    expect(db.people.schema.primKey.keyPath).toEqual(['accountNo', 'id']);
    expect(db.tables.map((t) => t.name).filter((n) => n.endsWith('Next'))).toEqual([]);
    // People: made in the sidebar (A-4, and B-6 of the other account), card shown (7), a queued write
    // (30), linked (50), a task made in the sidebar (60), the primary contact of a kept deal (40).
    // Not 51 (unlinked), 52 (a logged message) nor 59 (a task synced from the CRM, which gives it back).
    expect(await labels(db, 'people')).toEqual(['A-4', 'A30', 'A40', 'A50', 'A60', 'A7', 'B-6']);
    // Companies: a kept deal's (78), a kept person's (79), card shown (80), a dead write (81).
    expect(await labels(db, 'companies')).toEqual(['A78', 'A79', 'A80', 'A81']);
    // Deals: made in the sidebar (-8), a kept person's (5), a shown company's (6), linked (12), a kept
    // person's company's (14). Not 13: its company and contact were not kept.
    expect(await labels(db, 'opportunities')).toEqual(['A-8', 'A12', 'A14', 'A5', 'A6']);
    // Leads are kept whole: no card asks the CRM for a lead it does not find.
    expect(await labels(db, 'leads')).toEqual(['A9']);
    // Whole, under the new key, found through the indexes.
    expect(await db.people.get(recordRowKey(A, 30))).toEqual(version4Person(A, 30));
    expect((await recordRow(db.people, A, -4))?.pending).toBe(true);
    expect((await recordRow(db.opportunities, A, -8))?.searchKeys).toEqual([]);
    expect(
      (await db.people.where('emailKeys').equals(emailKey(A, 'p30@acme.test')).toArray()).map((p) => p.id),
    ).toEqual([30]);
    expect((await searchCache(db, A, 'company 8')).map((r) => r.title).sort()).toEqual([
      'Company 80',
      'Company 81',
    ]);
    // People, companies and deals start a whole sync pass again, for both accounts; the rest go on.
    expect(await labels(db, 'syncState')).toEqual([
      'A:leads',
      'A:pipelines',
      'A:users',
      'B:leads',
      'B:pipelines',
      'B:users',
    ]);
    expect(await db.outbox.count()).toBe(2);
    // A step once the kept rows are known and after each table cut down (leads are not), then one
    // page out and back for each table.
    expect(steps).toBe(1 + 3 + 2 * 4);
    db.close();
  });

  it('cuts leads down too when they are over a quarter of the limit', async () => {
    const name = `leads-${Math.random()}`;
    await storeVersion4(name, A, B, 60);
    await storeVersion4Work(name, A, B);
    // One lead: over a quarter of a limit of 3, within the limit itself.
    const db = new ThreadlineDb(name, { fullMoveLimit: 3 });
    await db.open();
    expect(await labels(db, 'leads')).toEqual([]);
    expect(await labels(db, 'people')).toEqual(['A-4', 'A30', 'A40', 'A50', 'A60', 'A7', 'B-6']);
    expect(await labels(db, 'syncState')).toEqual(['A:pipelines', 'A:users', 'B:pipelines', 'B:users']);
    db.close();
  });

  it('at the limit, keeps every row and every sync cursor', async () => {
    const name = `at-limit-${Math.random()}`;
    await storeVersion4(name, A, B, 60);
    await storeVersion4Work(name, A, B);
    const rows = await recordRowsOf(name);
    const db = new ThreadlineDb(name, { fullMoveLimit: rows });
    await db.open();
    let total = 0;
    for (const table of ['people', 'companies', 'leads', 'opportunities'])
      total += await db.table(table).count();
    expect(total).toBe(rows);
    expect(await db.people.count()).toBe(63);
    expect(await db.syncState.count()).toBe(2 * VERSION_4_SYNCED.length);
    db.close();
  });

  it('is cut down before version 3 rewrites a version 2 cache, so no discarded row is rewritten first', async () => {
    const name = `v2-large-${Math.random()}`;
    await storeVersion2(name, { cardShown: true, morePeople: 10 });
    let steps = 0;
    // 12 people, a lead, a company and 2 deals: 16 rows, over a limit of 15.
    const db = new ThreadlineDb(name, { fullMoveLimit: 15, onUpgradeStep: () => (steps += 1) });
    await db.open();
    // Melvina's card was shown (kept, with her company and deal); Pat and deal -8 were made in the
    // sidebar; the lead is kept whole.
    expect(await labels(db, 'people')).toEqual(['A-3', 'A7']);
    expect(await labels(db, 'opportunities')).toEqual(['A-8', 'A5']);
    expect(await labels(db, 'companies')).toEqual(['A78']);
    expect(await labels(db, 'leads')).toEqual(['A9']);
    // Only kept rows were rewritten: after the cut-down's steps (the kept rows known, then people,
    // companies and deals cut down), version 3's step for each of 2 people, a lead, a company, 2 deals
    // and the user; version 4's for 2 people, a company and a lead; a page each way for 4 tables.
    // Cut down at version 5 instead, the 10 other people would have taken 20 steps more.
    expect(steps).toBe(1 + 3 + 7 + 4 + 2 * 4);
    expect((await db.people.get(recordRowKey(A, 7)))?.emailKeys).toEqual([
      emailKey(A, 'melvina.larson@pagac-inc.com'),
    ]);
    db.close();
  });

  it('is cut down before version 4 slims a version 3 cache', async () => {
    const name = `v3-large-${Math.random()}`;
    await storeVersion4(name, A, B, 60, 3);
    await storeVersion4Work(name, A, B, 3);
    let steps = 0;
    const db = new ThreadlineDb(name, { fullMoveLimit: 20, onUpgradeStep: () => (steps += 1) });
    await db.open();
    expect(await labels(db, 'people')).toEqual(['A-4', 'A30', 'A40', 'A50', 'A60', 'A7', 'B-6']);
    // The cut-down's steps (the kept rows known, then people, companies and deals cut down); version
    // 4's for each kept person (7), company (4) and lead (1); a page each way for 4 tables. Cut down
    // at version 5 instead, the 56 other people and a company would have taken 57 steps more.
    expect(steps).toBe(1 + 3 + (7 + 4 + 1) + 2 * 4);
    db.close();
  });
});
