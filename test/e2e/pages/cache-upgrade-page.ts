/**
 * Bundled into a plain page by cache-upgrade.spec.ts: stores a cache as version 4 of the schema
 * stored it (record keys starting with the address), then opens it with today's ThreadlineDb, in
 * Chromium's own IndexedDB rather than the unit tests' fake-indexeddb.
 */
import Dexie from 'dexie';
import { countAccountRows, deleteAccountRows } from '../../../src/db/account-rows';
import { accountNumber } from '../../../src/db/key-prefix';
import { emailKey, recordRowKey, ThreadlineDb } from '../../../src/db/threadline-db';
import { storeVersion4, storeVersion4Work, version4Person } from '../../unit/cache-version4';

const A = 'sam.seller@threadline-demo.test';
const B = 'sam@other.test';
const NAME = 'threadline-upgrade';

/**
 * Opens the version 4 cache with today's schema and reads back what the sidebar reads.
 * `fullMoveLimit`: as the worker's when undefined (prune-records.ts `FULL_MOVE_LIMIT`).
 */
async function upgrade(people: number, fullMoveLimit?: number) {
  await storeVersion4(NAME, A, B, people);
  await storeVersion4Work(NAME, A, B);
  const db = new ThreadlineDb(NAME, fullMoveLimit === undefined ? {} : { fullMoveLimit });
  const started = performance.now();
  await db.open();
  const openMs = performance.now() - started;
  const ids = async (table: string) =>
    (await db.table(table).toArray())
      .map((r: { account: string; id: number }) => `${r.account === A ? 'A' : 'B'}${r.id}`)
      .sort();
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
    lastAsWritten: version4Person(A, people),
    otherAccount: (await db.people.get(recordRowKey(B, 1)))?.name ?? null,
    pending: (await db.people.get(recordRowKey(A, -4)))?.pending ?? null,
    byAddress: (await db.people.where('emailKeys').equals(emailKey(A, 'p2@acme.test')).toArray()).map(
      (p) => p.id,
    ),
    company:
      (await db.companies.where('[account+domainKey]').equals([A, 'pagac-inc.com']).first())?.id ?? null,
    lead: (await db.leads.get(recordRowKey(A, 9)))?.name ?? null,
    dealsOfPerson: (await db.opportunities.where('[account+primaryContactId]').equals([A, 7]).toArray()).map(
      (o) => o.accountNo === accountNumber(A) && o.id,
    ),
    countsB: (await countAccountRows(db, B)).people,
    syncing: (await db.syncState.toArray()).map((s) => `${s.account === A ? 'A' : 'B'}:${s.entity}`).sort(),
    // Which rows a cut-down cache kept (null when every row was: prune-records.ts).
    kept:
      (await db.people.count()) <= 100
        ? {
            people: await ids('people'),
            companies: await ids('companies'),
            leads: await ids('leads'),
            opportunities: await ids('opportunities'),
          }
        : null,
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
