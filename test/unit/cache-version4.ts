/**
 * The cache as version 4 of its schema stored it (issue 17's first slimming, record keys starting
 * with the account's address), for the upgrade tests: the unit test on fake-indexeddb
 * (src/db/rekey-records.test.ts) and the browser test's page (test/e2e/pages/cache-upgrade-page.ts).
 */
import Dexie from 'dexie';
import { companyRow, leadRow, opportunityRow, personRow } from '../../src/db/record-rows';
import type { PersonRow } from '../../src/db/threadline-db';
import { personOf } from './thread-deps';

export const VERSION_4_STORES: Record<string, string> = {
  people: '[account+id], *emailKeys, *searchKeys',
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
  threadMarks: '[account+markKey], [account+threadId], [account+recordKey], [account+at], [account+kind]',
  tasks: '[account+id], [account+relatedKey]',
  audit: '++seq, [account+at]',
  consents: '[account+scope]',
};

/** A record row as version 4 stored it: today's row without `accountNo`. */
export function asVersion4<T extends object>(row: T): Omit<T, 'accountNo'> {
  const { accountNo: _n, ...rest } = row as T & { accountNo?: number };
  return rest;
}

/** Person `id` of `account` as both upgrade tests store and expect it (today's row). */
export const version4Person = (account: string, id: number): PersonRow =>
  personRow(account, personOf(id, `p${id}@acme.test`, { name: `Person ${id}` }));

/**
 * Stores database `name` as version 4 did: `people` people of `account` (ids 1…people), one
 * pending person (id -4), one person of `other` (id 1), and one company (78), lead (9) and deal (5,
 * whose primary contact is person 7) of `account`.
 */
export async function storeVersion4(
  name: string,
  account: string,
  other: string,
  people: number,
  /**
   * Version 3 had the same schema (version 4 only dropped fields, slim-records.ts); the rows are
   * stored as version 4 left them, so a version 3 cache here has nothing for version 4 to drop.
   */
  version: 3 | 4 = 4,
) {
  const old = new Dexie(name);
  old.version(version).stores(VERSION_4_STORES);
  for (let from = 1; from <= people; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, people - from + 1) }, (_, i) => from + i);
    await old.table('people').bulkAdd(ids.map((id) => asVersion4(version4Person(account, id))));
  }
  await old
    .table('people')
    .bulkAdd([
      asVersion4(version4Person(other, 1)),
      { ...asVersion4(version4Person(account, -4)), pending: true },
    ]);
  const company = { id: 78, name: 'Pagac Inc', domain: 'pagac-inc.com', modifiedAt: 3 };
  await old.table('companies').add(asVersion4(companyRow(account, company)));
  const lead = {
    id: 9,
    name: 'Abbigail Bode',
    title: null,
    companyName: null,
    email: 'abbigail@judicious.net',
    status: 'New',
    ownerId: null,
    modifiedAt: 5,
  };
  await old.table('leads').add(asVersion4(leadRow(account, lead)));
  const deal = {
    id: 5,
    name: 'Pagac renewal',
    pipelineId: 1,
    stageId: 2,
    status: 'Open' as const,
    companyId: 78,
    primaryContactId: 7,
    value: 1000,
    closeDate: null,
    modifiedAt: 4,
  };
  await old.table('opportunities').add(asVersion4(opportunityRow(account, deal)));
  old.close();
}

/** The sync entities whose state `storeVersion4Work` stores for both accounts. */
export const VERSION_4_SYNCED = [
  'people',
  'companies',
  'leads',
  'opportunities',
  'pipelines',
  'users',
] as const;

const deal = (id: number, companyId: number | null, primaryContactId: number | null) => ({
  id,
  name: `Deal ${id}`,
  pipelineId: 1,
  stageId: 2,
  status: 'Open' as const,
  companyId,
  primaryContactId,
  value: null,
  closeDate: null,
  modifiedAt: 4,
});

const queued = (account: string, recordKey: string, state: 'pending' | 'dead') => ({
  account,
  recordKey,
  idempotencyKey: `k-${recordKey}`,
  op: 'updatePerson',
  payload: {},
  state,
  attempts: state === 'dead' ? 8 : 0,
  nextAttemptAt: 0,
  lastError: null,
  createdAt: 1,
});

/**
 * Adds to `storeVersion4`'s cache (of n ≥ 60 people) what a user's work leaves, each reason a
 * cut-down cache keeps a row, and some that do not:
 * - person 7's card was shown (its activities fetched); person 7 works at company 79, whose deal 14
 *   has no contact;
 * - company 80's card was shown; its deal 6 has person 40 as primary contact;
 * - a write about person 30 waits in the outbox, and a dead one about company 81;
 * - a deal made in the sidebar (-8, a provisional id) for the person made there (-4); B made a
 *   person too (-6);
 * - thread t-1 was linked to deal 12 in the sidebar (the link waits for the CRM), and to person 50
 *   on another device (synced); its link to person 51 was removed, and a message logged on person 52;
 * - a task made in the sidebar is about person 60, a synced one about person 59;
 * - both accounts finished syncing every entity.
 */
export async function storeVersion4Work(name: string, account: string, other: string, version: 3 | 4 = 4) {
  const old = new Dexie(name);
  old.version(version).stores(VERSION_4_STORES);
  const person7 = version4Person(account, 7);
  await old
    .table('people')
    .bulkPut([
      asVersion4({ ...person7, companyId: 79 }),
      { ...asVersion4(version4Person(other, -6)), pending: true },
    ]);
  await old
    .table('companies')
    .bulkAdd(
      [79, 80, 81, 82].map((id) =>
        asVersion4(companyRow(account, { id, name: `Company ${id}`, domain: `c${id}.test`, modifiedAt: 3 })),
      ),
    );
  await old
    .table('opportunities')
    .bulkAdd([
      { ...asVersion4(opportunityRow(account, deal(-8, null, -4))), searchKeys: [] },
      asVersion4(opportunityRow(account, deal(6, 80, 40))),
      asVersion4(opportunityRow(account, deal(12, null, null))),
      asVersion4(opportunityRow(account, deal(13, 82, 41))),
      asVersion4(opportunityRow(account, deal(14, 79, null))),
    ]);
  await old.table('activityFetches').bulkAdd([
    { account, parentKey: 'person:7', fetchedAt: 1 },
    { account, parentKey: 'company:80', fetchedAt: 1 },
  ]);
  await old
    .table('outbox')
    .bulkAdd([queued(account, 'person:30', 'pending'), queued(account, 'company:81', 'dead')]);
  const mark = { account, kind: 'link', threadId: 't-1', messageId: null, active: true, at: 1 };
  await old.table('threadMarks').bulkAdd([
    { ...mark, markKey: 'link:t-1:opportunity:12', recordKey: 'opportunity:12', activityId: null },
    { ...mark, markKey: 'link:t-1:person:50', recordKey: 'person:50', activityId: 1 },
    { ...mark, markKey: 'link:t-1:person:51', recordKey: 'person:51', activityId: 2, active: false },
    {
      ...mark,
      kind: 'message',
      messageId: '<m-1@acme.test>',
      markKey: 'message:<m-1@acme.test>:person:52',
      recordKey: 'person:52',
      activityId: 3,
    },
  ]);
  const task = { account, name: 'Call back', dueDate: null, priority: 'None', status: 'Open', modifiedAt: 1 };
  await old.table('tasks').bulkAdd([
    { ...task, id: -3, relatedKey: 'person:60', pending: true },
    { ...task, id: 4, relatedKey: 'person:59' },
  ]);
  await old.table('syncState').bulkAdd(
    [account, other].flatMap((who) =>
      VERSION_4_SYNCED.map((entity) => ({
        account: who,
        entity,
        phase: 'delta',
        cursorTime: 1_700_000_000,
        seenAtCursor: [],
        pageWithin: 1,
        fetched: 10,
        total: 10,
        lastSyncAt: 1_700_000_000,
      })),
    ),
  );
  old.close();
}
