import Dexie, { type Collection } from 'dexie';
import { accountNumber } from './key-prefix';
import { RECORD_TABLES } from './rekey-records';
import { ACCOUNT_TABLES, type AccountScoped, type ThreadlineDb } from './threadline-db';

export type AccountTable = (typeof ACCOUNT_TABLES)[number];

/** Tables whose rows are found through an index other than the primary key. */
const BY_INDEX: Partial<Record<AccountTable, string>> = {
  outbox: '[account+state]',
  audit: '[account+at]',
};

/**
 * Every row of one Gmail account in a table, through an index (no table scan, no other account).
 * The record tables' keys start with the account's number (key-prefix.ts `accountNumber`), which
 * another account could in theory share: `exact` also checks each row's own account, reading the
 * rows (what deleting needs); without it, the key range alone is counted.
 */
export function accountRows(
  db: ThreadlineDb,
  table: AccountTable,
  account: string,
  exact = true,
): Collection {
  const t = db.table(table);
  if (table === 'accounts') return t.where(':id').equals(account);
  if ((RECORD_TABLES as readonly string[]).includes(table)) {
    const rows = t
      .where(':id')
      .between([accountNumber(account), Dexie.minKey], [accountNumber(account), Dexie.maxKey], true, true);
    return exact ? rows.and((row: AccountScoped) => row.account === account) : rows;
  }
  return t
    .where(BY_INDEX[table] ?? ':id')
    .between([account, Dexie.minKey], [account, Dexie.maxKey], true, true);
}

export async function countAccountRows(
  db: ThreadlineDb,
  account: string,
): Promise<Record<AccountTable, number>> {
  // Counted by key range: a count of 100,000 people reads no row.
  const counts = await Promise.all(ACCOUNT_TABLES.map((t) => accountRows(db, t, account, false).count()));
  return Object.fromEntries(ACCOUNT_TABLES.map((t, i) => [t, counts[i] ?? 0])) as Record<
    AccountTable,
    number
  >;
}

/** Deletes the account's rows from `tables` in one transaction; other accounts are untouched. */
export async function deleteAccountRows(
  db: ThreadlineDb,
  account: string,
  tables: readonly AccountTable[] = ACCOUNT_TABLES,
): Promise<void> {
  await db.transaction(
    'rw',
    tables.map((t) => db.table(t)),
    async () => {
      for (const table of tables) await accountRows(db, table, account).delete();
    },
  );
}
