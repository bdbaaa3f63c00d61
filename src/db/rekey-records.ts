/**
 * The upgrades that rewrite or move every record row (issue 17).
 *
 * Version 3: index keys start with the account's short tag instead of its
 * whole address, addresses are searched through `emailKeys`/`emailKey` instead of being copied into
 * `searchKeys`, and people lose the `[account+companyId]` index nothing read. The records themselves
 * are unchanged: only the keys derived from them are written again, from the same functions that
 * write every new row, so an upgraded row is exactly the row a fresh sync would store.
 *
 * Versions 5 to 8: the record tables' primary key starts with the account's number (`moveRecords`).
 * A cache too large to rewrite within one worker request is first cut down to what the CRM cannot
 * give back (prune-records.ts).
 */
import type { IndexableType, Transaction } from 'dexie';
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
import type { CompanyRow, LeadRow, OpportunityRow, PersonRow, UserRow } from './threadline-db';

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
