/**
 * Bundled into a plain page by cache-upgrade.spec.ts: stores a cache as version 4 of the schema
 * stored it (record keys starting with the address), then opens it with today's ThreadlineDb, in
 * Chromium's own IndexedDB rather than the unit tests' fake-indexeddb.
 */
import Dexie from 'dexie';
import { countAccountRows, deleteAccountRows } from '../../../src/db/account-rows';
import { accountNumber } from '../../../src/db/key-prefix';
import { companyRow, leadRow, opportunityRow, personRow } from '../../../src/db/record-rows';
import { emailKey, recordRowKey, ThreadlineDb } from '../../../src/db/threadline-db';
import { asVersion4, VERSION_4_STORES } from '../../unit/cache-version4';
import { personOf } from '../../unit/thread-deps';

const A = 'sam.seller@threadline-demo.test';
const B = 'sam@other.test';
const NAME = 'threadline-upgrade';

const person = (account: string, id: number) =>
  personRow(
    account,
    personOf(id, `p${id}@acme.test`, {
      name: `Person ${id}`,
      companyId: id % 2 === 0 ? 78 : null,
      modifiedAt: id,
    }),
  );

async function storeVersion4(people: number): Promise<void> {
  const old = new Dexie(NAME);
  old.version(4).stores(VERSION_4_STORES);
  for (let from = 1; from <= people; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, people - from + 1) }, (_, i) => from + i);
    await old.table('people').bulkAdd(ids.map((id) => asVersion4(person(A, id))));
  }
  await old
    .table('people')
    .bulkAdd([asVersion4(person(B, 1)), { ...asVersion4(person(A, -4)), pending: true }]);
  await old
    .table('companies')
    .add(asVersion4(companyRow(A, { id: 78, name: 'Pagac Inc', domain: 'pagac-inc.com', modifiedAt: 3 })));
  await old.table('leads').add(
    asVersion4(
      leadRow(A, {
        id: 9,
        name: 'Abbigail Bode',
        title: null,
        companyName: null,
        email: 'abbigail@judicious.net',
        status: 'New',
        ownerId: null,
        modifiedAt: 5,
      }),
    ),
  );
  await old.table('opportunities').add(
    asVersion4(
      opportunityRow(A, {
        id: 5,
        name: 'Pagac renewal',
        pipelineId: 1,
        stageId: 2,
        status: 'Open',
        companyId: 78,
        primaryContactId: 2,
        value: 1000,
        closeDate: null,
        modifiedAt: 4,
      }),
    ),
  );
  old.close();
}

/** Opens the version 4 cache with today's schema and reads back what the sidebar reads. */
async function upgrade(people: number) {
  await storeVersion4(people);
  const db = new ThreadlineDb(NAME);
  const started = performance.now();
  await db.open();
  const openMs = performance.now() - started;
  const last = await db.people.get(recordRowKey(A, people));
  const facts = {
    openMs,
    version: db.verno,
    stores: db.tables.map((t) => t.name).sort(),
    keyPaths: Object.fromEntries(
      ['people', 'leads', 'companies', 'opportunities'].map((t) => [t, db.table(t).schema.primKey.keyPath]),
    ),
    people: await db.people.count(),
    last,
    lastAsWritten: person(A, people),
    otherAccount: (await db.people.get(recordRowKey(B, 1)))?.name ?? null,
    pending: (await db.people.get(recordRowKey(A, -4)))?.pending ?? null,
    byAddress: (await db.people.where('emailKeys').equals(emailKey(A, 'p2@acme.test')).toArray()).map(
      (p) => p.id,
    ),
    company:
      (await db.companies.where('[account+domainKey]').equals([A, 'pagac-inc.com']).first())?.id ?? null,
    lead: (await db.leads.get(recordRowKey(A, 9)))?.name ?? null,
    dealsOfPerson: (await db.opportunities.where('[account+primaryContactId]').equals([A, 2]).toArray()).map(
      (o) => o.accountNo === accountNumber(A) && o.id,
    ),
    countsB: (await countAccountRows(db, B)).people,
  };
  await deleteAccountRows(db, A, ['people', 'leads', 'companies', 'opportunities']);
  const afterPurge = {
    people: await db.people.count(),
    left: (await db.people.toArray()).map((p) => p.account),
  };
  db.close();
  await Dexie.delete(NAME);
  return { ...facts, afterPurge };
}

(globalThis as unknown as { cacheUpgrade: typeof upgrade }).cacheUpgrade = upgrade;
