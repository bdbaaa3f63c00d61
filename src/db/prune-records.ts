/**
 * Before a large cache's one-time rewrite (versions 3 to 8, issue 17): keep only what the CRM cannot
 * give back, and let sync fetch the rest again.
 *
 * Those upgrades read and write every record row inside one IndexedDB versionchange transaction,
 * which the worker's database open waits for, and with it the event that woke the worker (a Gmail
 * tab's message). Chrome stops a worker when "a single request, such as an event or API call, takes
 * longer than 5 minutes to process" (developer.chrome.com, "The extension service worker
 * lifecycle"): the upgrade would then roll back and start again on every wake, for ever. Measured
 * in Chromium, versions 5 to 8 moving every row took 27 s for 100,000 people alone (in a page), and
 * 115 s for 150,000 people with their 63,750 companies, leads and deals (the extension's worker,
 * after an update); 500,000 people would pass 5 minutes.
 */
import type { Table, Transaction } from 'dexie';
import { RECORD_TABLES, type RecordTable } from './rekey-records';
import type { ActivityFetchRow, OutboxRow, SyncStateRow, TaskRow, ThreadMarkRow } from './threadline-db';

/**
 * Above this many record rows (the four tables, every account) the cache is cut down first. At the
 * limit, versions 5 to 8 take about half a minute to a minute (above); versions 3 and 4 each rewrite
 * the rows once more for a cache that starts before them.
 */
export const FULL_MOVE_LIMIT = 100_000;

/** A record row under the `[account+id]` key every version before 5 used. */
type OldKey = [string, number];
type OldRow = { account: string; id: number; companyId?: number | null; primaryContactId?: number | null };

const TABLE_OF_TYPE: Record<string, RecordTable> = {
  person: 'people',
  company: 'companies',
  lead: 'leads',
  opportunity: 'opportunities',
};

/**
 * Run first by each upgrade that rewrites record rows (versions 3, 4 and 5): the first of them that
 * runs cuts the cache down; the others find it within `fullMoveLimit`, or count and keep the same
 * rows again (kept rows and whole leads still over the limit), and change nothing. Over it, the people,
 * companies and deals tables keep only `rowsToKeep`, and their sync state is dropped, so the next
 * sync is a whole pass that fetches the rest again (resumable page by page, sync-engine.ts); a card
 * meanwhile asks the CRM for a person it does not find. Leads are kept whole while they are at most
 * a quarter of the limit: no card asks the CRM for a missing lead, so its address would be offered
 * as a new person until leads synced again (after people, sync-engine.ts `SYNC_ENTITIES`). Over a
 * quarter, they are cut too, and that window is accepted: the move must stay within the limit.
 * A kept row holding an edit still in the outbox is replaced by the CRM's copy when sync reaches
 * it, as when the CRM changes it; the outbox still sends the edit.
 */
export async function pruneLargeCache(
  tx: Transaction,
  fullMoveLimit = FULL_MOVE_LIMIT,
  /** Called after each step (the worker keeps itself alive through a long upgrade). */
  onStep: () => void = () => undefined,
): Promise<void> {
  const counts = new Map<RecordTable, number>();
  for (const table of RECORD_TABLES) counts.set(table, await tx.table(table).count());
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  if (total <= fullMoveLimit) return;
  const pruned = new Set<string>(
    RECORD_TABLES.filter((t) => t !== 'leads' || (counts.get('leads') ?? 0) > fullMoveLimit / 4),
  );
  const keep = await rowsToKeep(tx);
  onStep();
  for (const table of RECORD_TABLES) {
    if (!pruned.has(table)) continue;
    const rows = tx.table<OldRow, OldKey>(table);
    const kept = (await rows.bulkGet([...keep[table].values()])).filter((row) => row !== undefined);
    await rows.clear();
    await rows.bulkPut(kept);
    onStep();
  }
  await tx
    .table<SyncStateRow>('syncState')
    .filter((state) => pruned.has(state.entity))
    .delete();
}

/**
 * The rows a cut-down cache keeps, by table: records made in the sidebar and not yet confirmed
 * (negative ids, provisional-id.ts), records a write in the outbox is about (dead ones too), records
 * whose card was shown (their activities were fetched), records a thread is linked to, records a
 * task made in the sidebar is about. Then, in one pass each, what their cards show offline: those
 * people's deals and companies; the deals of the companies kept so far (theirs and those people's);
 * and the primary contact and company of every deal kept so far. Rows added by the last passes get
 * nothing more.
 */
async function rowsToKeep(tx: Transaction): Promise<Record<RecordTable, Map<string, OldKey>>> {
  const keep = Object.fromEntries(RECORD_TABLES.map((t) => [t, new Map<string, OldKey>()])) as Record<
    RecordTable,
    Map<string, OldKey>
  >;
  const add = (table: RecordTable, account: string, id: number | null | undefined) => {
    if (typeof id === 'number') keep[table].set(`${account}\n${id}`, [account, id]);
  };
  const addRef = (account: string, ref: string | null) => {
    const match = /^(person|company|lead|opportunity):(-?\d+)$/.exec(ref ?? '');
    const table = match ? TABLE_OF_TYPE[match[1] as string] : undefined;
    if (match && table) add(table, account, Number(match[2]));
  };
  for (const table of RECORD_TABLES) {
    const rows = tx.table<OldRow, OldKey>(table);
    for (const account of await accountsOf(rows)) {
      const made = await rows.where(':id').between([account, -Infinity], [account, 0]).primaryKeys();
      for (const [, id] of made) add(table, account, id);
    }
  }
  for (const write of await tx.table<OutboxRow>('outbox').toArray()) addRef(write.account, write.recordKey);
  for (const fetch of await tx.table<ActivityFetchRow>('activityFetches').toArray())
    addRef(fetch.account, fetch.parentKey);
  // Links are few (one per linked thread and record), and their titles and the inbox's deal badges
  // read their records. Tasks are many: only those made in the sidebar keep what they are about (the
  // demo CRM's 10,000 tasks for 100,000 people kept 9,420 of them).
  await tx
    .table<ThreadMarkRow>('threadMarks')
    .filter((mark) => mark.kind === 'link' && mark.active)
    .each((mark) => addRef(mark.account, mark.recordKey));
  await tx
    .table<TaskRow>('tasks')
    .filter((task) => task.pending === true)
    .each((task) => addRef(task.account, task.relatedKey));

  const deals = tx.table<OldRow, OldKey>('opportunities');
  const dealsBy = async (index: string, table: RecordTable) => {
    for (const [account, id] of [...keep[table].values()]) {
      const theirs = await deals.where(index).equals([account, id]).primaryKeys();
      for (const [, deal] of theirs) add('opportunities', account, deal);
    }
  };
  await dealsBy('[account+primaryContactId]', 'people');
  for (const person of await tx.table<OldRow, OldKey>('people').bulkGet([...keep.people.values()]))
    if (person) add('companies', person.account, person.companyId);
  await dealsBy('[account+companyId]', 'companies');
  for (const deal of await deals.bulkGet([...keep.opportunities.values()])) {
    if (!deal) continue;
    add('people', deal.account, deal.primaryContactId);
    add('companies', deal.account, deal.companyId);
  }
  return keep;
}

/** Every account holding rows in `table`, one key read each. */
async function accountsOf(table: Table<OldRow, OldKey>): Promise<string[]> {
  const accounts: string[] = [];
  let next = (await table.orderBy(':id').limit(1).primaryKeys())[0];
  while (next) {
    const account = next[0];
    accounts.push(account);
    // Ids are numbers: every key of this account sorts below [account, Infinity].
    next = (await table.where(':id').above([account, Infinity]).limit(1).primaryKeys())[0];
  }
  return accounts;
}
