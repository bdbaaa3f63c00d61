/**
 * Version 3 of the cache (issue 17): index keys start with the account's short tag instead of its
 * whole address, addresses are searched through `emailKeys`/`emailKey` instead of being copied into
 * `searchKeys`, and people lose the `[account+companyId]` index nothing read. The records themselves
 * are unchanged: only the keys derived from them are written again, from the same functions that
 * write every new row, so an upgraded row is exactly the row a fresh sync would store.
 */
import type { IndexableType, Table, Transaction } from 'dexie';
import { accountNumber } from './key-prefix';
import {
  companyRow,
  leadRow,
  opportunityRow,
  personOfRow,
  personRow,
  stripRow,
  userRow,
} from './record-rows';
import type {
  ActivityFetchRow,
  CompanyRow,
  LeadRow,
  OpportunityRow,
  OutboxRow,
  PersonRow,
  SyncStateRow,
  UserRow,
} from './threadline-db';

/** `onRow`: called for every row rewritten (the worker keeps itself alive through a long upgrade). */
export async function rekeyRecords(tx: Transaction, onRow: () => void = () => undefined): Promise<void> {
  await tx
    .table<PersonRow>('people')
    .toCollection()
    .modify((row) => {
      onRow();
      const fresh = personRow(row.account, personOfRow(row).person, { pending: row.pending === true });
      row.emailKeys = fresh.emailKeys;
      row.searchKeys = fresh.searchKeys;
    });
  await tx
    .table<LeadRow>('leads')
    .toCollection()
    .modify((row) => {
      onRow();
      const fresh = leadRow(row.account, stripRow(row));
      row.emailKey = fresh.emailKey;
      row.searchKeys = fresh.searchKeys;
    });
  await tx
    .table<CompanyRow>('companies')
    .toCollection()
    .modify((row) => {
      onRow();
      row.searchKeys = companyRow(row.account, stripRow(row)).searchKeys;
    });
  await tx
    .table<OpportunityRow>('opportunities')
    .toCollection()
    .modify((row) => {
      onRow();
      // A deal made in the sidebar and still in the outbox is stored unsearchable until the CRM
      // confirms it (thread-commands.ts); it stays so.
      if (row.searchKeys.length > 0) row.searchKeys = opportunityRow(row.account, stripRow(row)).searchKeys;
    });
  await tx
    .table<UserRow>('users')
    .toCollection()
    .modify((row) => {
      onRow();
      row.emailKey = userRow(row.account, stripRow(row)).emailKey;
    });
}

/** The record tables: their primary key starts with the account's number (version 5 to 8). */
export const RECORD_TABLES = ['people', 'leads', 'companies', 'opportunities'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

/** The record tables' schema from version 7 on. */
export const RECORD_STORES: Record<RecordTable, string> = {
  people: '[accountNo+id], *emailKeys, *searchKeys',
  leads: '[accountNo+id], emailKey, *searchKeys',
  companies: '[accountNo+id], [account+domainKey], *searchKeys',
  opportunities: '[accountNo+id], [account+primaryContactId], [account+companyId], *searchKeys',
};

/**
 * Where a record table's rows wait while the table is declared again with its new key: the key
 * alone, no index (the rows are written twice; their index entries only once, on the way back).
 */
export const nextStore = (table: RecordTable): string => `${table}Next`;
export const nextRecordStores = (): Record<string, string> =>
  Object.fromEntries(RECORD_TABLES.map((t) => [nextStore(t), '[accountNo+id]']));

export const MOVE_BATCH = 2000;

/**
 * Versions 5 and 7: copies every record row out to its waiting store with the account's number
 * added (`out`), then back into the table declared again (`back`), in pages of the primary key so a
 * large cache is never held in memory at once. Rows are otherwise unchanged.
 */
export async function moveRecords(
  tx: Transaction,
  direction: 'out' | 'back',
  onPage: () => void = () => undefined,
): Promise<void> {
  for (const table of RECORD_TABLES) {
    const from = tx.table<{ account: string; accountNo?: number }>(
      direction === 'out' ? table : nextStore(table),
    );
    const to = tx.table(direction === 'out' ? nextStore(table) : table);
    let after: IndexableType | null = null;
    for (;;) {
      const page: { account: string; accountNo?: number }[] = await (after === null
        ? from.toCollection()
        : from.where(':id').above(after)
      )
        .limit(MOVE_BATCH)
        .toArray();
      if (page.length === 0) break;
      // put, not add: two accounts sharing a number (key-prefix.ts) share keys; one row replaces the
      // other, as it would in a sync, instead of failing the upgrade for good.
      await to.bulkPut(page.map((row) => ({ ...row, accountNo: accountNumber(row.account) })));
      onPage();
      const last = page[page.length - 1];
      after = (from.schema.primKey.keyPath as string[]).map(
        (part) => (last as unknown as Record<string, IndexableType>)[part],
      ) as IndexableType;
      if (page.length < MOVE_BATCH) break;
    }
  }
}

/**
 * Above this many record rows (the four tables, every account), version 5 copies only the rows the
 * CRM cannot give back and sync fetches the rest again. Copying every row out and back took about
 * 0.5 ms a row in Chromium (115 s for 150,000 people and their companies, leads and deals), inside
 * one upgrade transaction that no worker event covers: Chrome stops a service worker whose request
 * runs past 5 minutes, and the upgrade would then roll back and start again on every wake. This
 * bound keeps the copy near a minute at most.
 */
export const FULL_MOVE_LIMIT = 100_000;

type OldKey = [string, number];
type OldRow = { account: string; id: number; companyId?: number | null };

const TABLE_OF_TYPE: Record<string, RecordTable> = {
  person: 'people',
  company: 'companies',
  lead: 'leads',
  opportunity: 'opportunities',
};

/**
 * Version 5: the copy out. Every row when the cache holds at most `fullMoveLimit` record rows;
 * otherwise only the rows the CRM cannot give back or a card needs offline (`rowsToKeep`), and the
 * four record entities' sync state is dropped, so the next sync is a whole pass that fetches the
 * rest again (resumable page by page, sync-engine.ts) while cards ask the CRM for what is missing.
 */
export async function moveRecordsOut(
  tx: Transaction,
  onPage: () => void,
  fullMoveLimit = FULL_MOVE_LIMIT,
): Promise<void> {
  let rows = 0;
  for (const table of RECORD_TABLES) rows += await tx.table(table).count();
  if (rows <= fullMoveLimit) return moveRecords(tx, 'out', onPage);
  const keep = await rowsToKeep(tx);
  for (const table of RECORD_TABLES) {
    const keys = [...keep[table].values()];
    for (let i = 0; i < keys.length; i += MOVE_BATCH) {
      const page = await tx.table<OldRow, OldKey>(table).bulkGet(keys.slice(i, i + MOVE_BATCH));
      await tx
        .table(nextStore(table))
        .bulkPut(
          page
            .filter((row): row is OldRow => row !== undefined)
            .map((row) => ({ ...row, accountNo: accountNumber(row.account) })),
        );
      onPage();
    }
  }
  const resync: ReadonlySet<string> = new Set(RECORD_TABLES);
  await tx
    .table<SyncStateRow>('syncState')
    .filter((state) => resync.has(state.entity))
    .delete();
}

/**
 * The rows kept whole through a partial copy, by table, under their old `[account+id]` keys:
 * records made in the sidebar and not yet confirmed (negative ids, provisional-id.ts), records a write in
 * the outbox is about, records whose card was shown (their activities were fetched; only these
 * people hold phones, address and tags), and the companies and deals those people's cards show.
 */
async function rowsToKeep(tx: Transaction): Promise<Record<RecordTable, Map<string, OldKey>>> {
  const keep = Object.fromEntries(RECORD_TABLES.map((t) => [t, new Map<string, OldKey>()])) as Record<
    RecordTable,
    Map<string, OldKey>
  >;
  const add = (table: RecordTable, account: string, id: number) =>
    keep[table].set(`${account}\n${id}`, [account, id]);
  const addRef = (account: string, ref: string) => {
    const match = /^(person|company|lead|opportunity):(-?\d+)$/.exec(ref);
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
  const people = await tx.table<OldRow, OldKey>('people').bulkGet([...keep.people.values()]);
  const deals = tx.table<OldRow, OldKey>('opportunities');
  for (const person of people) {
    if (!person) continue;
    if (person.companyId != null) add('companies', person.account, person.companyId);
    const theirs = await deals
      .where('[account+primaryContactId]')
      .equals([person.account, person.id])
      .primaryKeys();
    for (const [, id] of theirs) add('opportunities', person.account, id);
  }
  for (const deal of await deals.bulkGet([...keep.opportunities.values()]))
    if (deal?.companyId != null) add('companies', deal.account, deal.companyId);
  return keep;
}

/** Every account holding rows in `table` (old `[account+id]` keys), one key read each. */
async function accountsOf(table: Table<OldRow, OldKey>): Promise<string[]> {
  const accounts: string[] = [];
  let next = (await table.orderBy(':id').limit(1).primaryKeys())[0];
  while (next) {
    const account = next[0];
    accounts.push(account);
    next = (await table.where(':id').above([account, Infinity]).limit(1).primaryKeys())[0];
  }
  return accounts;
}
