import { describe, expect, it } from 'vitest';
import { addPerson, ME, personOf } from '../../../test/unit/thread-deps';
import { accountNumber } from '../../db/key-prefix';
import { linkKey, opportunityRow, personRow } from '../../db/record-rows';
import { emailKey, ThreadlineDb, type ThreadMarkRow } from '../../db/threadline-db';
import type { Opportunity } from '../../shared/crm-model';
import { createRowBadges } from './row-badges';

const readRowBadges = (db: ThreadlineDb, teammates: Set<string>, request: Parameters<RowBadgesFn>[0]) =>
  createRowBadges(db, () => 'v1')(request, teammates);
type RowBadgesFn = ReturnType<typeof createRowBadges>;

const OTHER = 'someone@elsewhere.test';

const deal = (id: number, status: Opportunity['status']): Opportunity => ({
  id,
  name: `Deal ${id}`,
  pipelineId: 1,
  stageId: 12,
  status,
  companyId: null,
  primaryContactId: null,
  value: null,
  closeDate: null,
  modifiedAt: 1,
});

const link = (threadId: string, dealId: number, active = true): ThreadMarkRow => ({
  account: ME,
  markKey: linkKey(threadId, `opportunity:${dealId}`),
  kind: 'link',
  threadId,
  messageId: null,
  recordKey: `opportunity:${dealId}`,
  activityId: null,
  active,
  at: 1,
});

async function seeded() {
  const db = new ThreadlineDb(`badges-${Math.random()}`);
  await addPerson(db, 1, 'alice@acme.test', ME);
  await addPerson(db, 2, 'teammate@corp.test', ME);
  await addPerson(db, 3, 'carol@globex.test', OTHER); // another account's cache
  await db.pipelines.put({
    account: ME,
    id: 1,
    name: 'Sales',
    stages: [{ id: 12, name: 'Proposal', winProbability: 50 }],
  });
  await db.opportunities.bulkPut([opportunityRow(ME, deal(7, 'Open')), opportunityRow(ME, deal(8, 'Lost'))]);
  await db.threadMarks.bulkPut([link('t-deal', 7), link('t-lost', 8), link('t-unlinked', 7, false)]);
  return db;
}

describe('row badges', () => {
  it('badges a row whose people are CRM contacts of this account, not teammates or unknowns', async () => {
    const db = await seeded();
    const row = (threadId: string, ...addresses: string[]) => ({ threadId, addresses });
    const { badges } = await readRowBadges(db, new Set(['teammate@corp.test']), {
      type: 'rowBadges',
      account: ME,
      rows: [
        row('t-1', 'Alice@ACME.test'),
        row('t-2', 'nobody@acme.test'),
        row('t-3', 'teammate@corp.test'),
        row('t-4', 'carol@globex.test'),
        row('t-5', 'nobody@acme.test', 'alice@acme.test'),
        row('t-6', 'not an address'),
      ],
    });
    expect(badges.map((b) => [b.threadId, b.contact])).toEqual([
      ['t-1', true],
      ['t-2', false],
      ['t-3', false],
      ['t-4', false],
      ['t-5', true],
      ['t-6', false],
    ]);
  });

  it('remembers whether an address is a CRM person while the account’s cache version holds', async () => {
    const db = await seeded();
    let version = 'v1';
    const badges = createRowBadges(db, () => version);
    const rows = {
      type: 'rowBadges' as const,
      account: ME,
      rows: [{ threadId: 't-1', addresses: ['alice@acme.test'] }],
    };
    const reads: string[] = [];
    const where = db.people.where.bind(db.people);
    db.people.where = ((index: string) => {
      reads.push('people');
      return where(index);
    }) as typeof db.people.where;
    expect((await badges(rows, new Set())).badges[0]?.contact).toBe(true);
    const first = reads.filter((n) => n === 'people').length;
    expect(first).toBe(1);
    // Gone from the cache behind the views' back: the same version answers from memory, no read.
    await db.people.clear();
    expect((await badges(rows, new Set())).badges[0]?.contact).toBe(true);
    expect(reads.filter((n) => n === 'people')).toHaveLength(first);
    // Anything of the account changed (the version moved): read again.
    version = 'v2';
    expect((await badges(rows, new Set())).badges[0]?.contact).toBe(false);
    expect(reads.filter((n) => n === 'people')).toHaveLength(first + 1);
  });

  it('shows the stage of an open deal the row’s thread is linked to, and nothing for a closed deal or an undone link', async () => {
    const db = await seeded();
    const { badges } = await readRowBadges(db, new Set(), {
      type: 'rowBadges',
      account: ME,
      rows: ['t-deal', 't-lost', 't-unlinked', 't-none'].map((threadId) => ({ threadId, addresses: [] })),
    });
    expect(badges.map((b) => [b.threadId, b.dealStage])).toEqual([
      ['t-deal', 'Proposal'],
      ['t-lost', null],
      ['t-unlinked', null],
      ['t-none', null],
    ]);
  });

  it('remembers which threads show a deal stage while the version holds: a page seen before reads nothing', async () => {
    const db = await seeded();
    let version = 'v1';
    const badges = createRowBadges(db, () => version);
    const request = {
      type: 'rowBadges' as const,
      account: ME,
      rows: [
        { threadId: 't-deal', addresses: ['alice@acme.test'] },
        { threadId: 't-new', addresses: [] },
      ],
    };
    const reads: string[] = [];
    for (const table of [db.people, db.threadMarks] as const) {
      const where = table.where.bind(table) as (index: string) => unknown;
      (table as { where: unknown }).where = (index: string) => {
        reads.push(table.name);
        return where(index);
      };
    }
    const shown = async () =>
      (await badges(request, new Set())).badges.map((b) => [b.threadId, b.contact, b.dealStage]);
    expect(await shown()).toEqual([
      ['t-deal', true, 'Proposal'],
      ['t-new', false, null],
    ]);
    expect(reads.sort()).toEqual(['people', 'threadMarks']);
    // The same page again: answered from memory, not one read.
    await db.threadMarks.put(link('t-new', 7));
    expect(await shown()).toEqual([
      ['t-deal', true, 'Proposal'],
      ['t-new', false, null],
    ]);
    expect(reads).toHaveLength(2);
    // The account changed (the link's write moves the version): the links are read again, the
    // addresses too.
    version = 'v2';
    expect(await shown()).toEqual([
      ['t-deal', true, 'Proposal'],
      ['t-new', false, 'Proposal'],
    ]);
    expect(reads.sort()).toEqual(['people', 'people', 'threadMarks', 'threadMarks']);
  });

  it('reads only the deals of the threads shown, each once per version', async () => {
    const db = await seeded();
    await db.opportunities.put(opportunityRow(ME, deal(9, 'Open')));
    await db.threadMarks.put(link('t-other', 9));
    const badges = createRowBadges(db, () => 'v1');
    const dealReads: number[][] = [];
    const bulkGet = db.opportunities.bulkGet.bind(db.opportunities);
    db.opportunities.bulkGet = ((keys: [number, number][]) => {
      dealReads.push(keys.map(([, id]) => id));
      return bulkGet(keys);
    }) as typeof db.opportunities.bulkGet;
    const page = (...threadIds: string[]) =>
      badges(
        { type: 'rowBadges', account: ME, rows: threadIds.map((threadId) => ({ threadId, addresses: [] })) },
        new Set(),
      ).then((answer) => answer.badges.map((b) => b.dealStage));
    expect(await page('t-deal', 't-none')).toEqual(['Proposal', null]);
    expect(dealReads).toEqual([[7]]);
    expect(await page('t-other')).toEqual(['Proposal']);
    expect(dealReads).toEqual([[7], [9]]);
    expect(await page('t-deal', 't-other', 't-lost')).toEqual(['Proposal', 'Proposal', null]);
    expect(dealReads).toEqual([[7], [9], [8]]);
    expect(await page('t-deal', 't-other', 't-lost')).toEqual(['Proposal', 'Proposal', null]);
    expect(dealReads).toHaveLength(3);
  });

  it('never badges from another account’s rows that share this account’s key number', async () => {
    const db = await seeded();
    // As if OTHER's 53-bit number were ME's (key-prefix.ts): same index keys and primary keys.
    const collide = <T extends { accountNo: number }>(row: T): T => ({
      ...row,
      accountNo: accountNumber(ME),
    });
    await db.people.put({
      ...collide(personRow(OTHER, personOf(20, 'dana@twin.test'))),
      emailKeys: [emailKey(ME, 'dana@twin.test')],
    });
    await db.opportunities.put(collide(opportunityRow(OTHER, deal(30, 'Open'))));
    await db.threadMarks.put(link('t-twin', 30));
    const { badges } = await readRowBadges(db, new Set(), {
      type: 'rowBadges',
      account: ME,
      rows: [
        { threadId: 't-twin', addresses: ['dana@twin.test'] },
        { threadId: 't-deal', addresses: ['alice@acme.test'] },
      ],
    });
    expect(badges.map((b) => [b.threadId, b.contact, b.dealStage])).toEqual([
      ['t-twin', false, null],
      ['t-deal', true, 'Proposal'],
    ]);
  });
});
