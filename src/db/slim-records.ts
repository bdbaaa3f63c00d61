/**
 * Version 4 of the cache (issue 17): a person's phones, address and tags are kept only where a card
 * needs them offline — people whose card was shown (their activities were fetched) and people still
 * waiting in the outbox. Every other person's row drops them; the next card shown for that person
 * fetches them again (read-models/card-lookups.ts). Companies' address, phones and tags, and leads'
 * phones, which no card or search shows, are dropped everywhere (crm-model.ts `CACHED_*_OMITS`).
 */
import type { Transaction } from 'dexie';
import { CACHED_COMPANY_OMITS, CACHED_LEAD_OMITS } from '../shared/crm-model';
import { PERSON_DETAILS } from './record-rows';
import type { ActivityFetchRow, PersonRow } from './threadline-db';

/** `onRow`: called for every row rewritten (the worker keeps itself alive through a long upgrade). */
export async function slimRecords(tx: Transaction, onRow: () => void = () => undefined): Promise<void> {
  const shown = new Set(
    (await tx.table<ActivityFetchRow>('activityFetches').toArray())
      .filter((f) => f.parentKey.startsWith('person:'))
      .map((f) => `${f.account}\n${f.parentKey.slice('person:'.length)}`),
  );
  await tx
    .table<PersonRow>('people')
    .toCollection()
    .modify((row) => {
      onRow();
      if (row.pending === true || shown.has(`${row.account}\n${row.id}`)) return;
      for (const field of PERSON_DETAILS) delete row[field];
    });
  await dropEverywhere(tx, 'companies', Object.keys(CACHED_COMPANY_OMITS), onRow);
  await dropEverywhere(tx, 'leads', Object.keys(CACHED_LEAD_OMITS), onRow);
}

/** Deletes `fields` from every row of `table`. */
function dropEverywhere(
  tx: Transaction,
  table: 'companies' | 'leads',
  fields: readonly string[],
  onRow: () => void,
) {
  return tx
    .table<Record<string, unknown>>(table)
    .toCollection()
    .modify((row) => {
      onRow();
      for (const field of fields) delete row[field];
    });
}
