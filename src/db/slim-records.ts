/**
 * Version 4 of the cache (issue 17): a person's phones, address and tags are kept only where a card
 * needs them offline — people whose card was shown (their activities were fetched) and people still
 * waiting in the outbox. Every other person's row drops them; the next card shown for that person
 * fetches them again (read-models/card-lookups.ts). Companies' address, phones and tags, and leads'
 * phones, which no card or search shows, are dropped everywhere (crm-model.ts `CACHED_*_OMITS`).
 */
import type { Transaction } from 'dexie';
import { CACHED_COMPANY_OMITS, CACHED_LEAD_OMITS, type Company, type Lead } from '../shared/crm-model';
import { PERSON_DETAILS } from './record-rows';
import type { ActivityFetchRow, CompanyRow, LeadRow, PersonRow } from './threadline-db';

export async function slimRecords(tx: Transaction): Promise<void> {
  const shown = new Set(
    (await tx.table<ActivityFetchRow>('activityFetches').toArray())
      .filter((f) => f.parentKey.startsWith('person:'))
      .map((f) => `${f.account}\n${f.parentKey.slice('person:'.length)}`),
  );
  await tx
    .table<PersonRow>('people')
    .toCollection()
    .modify((row) => {
      if (row.pending === true || shown.has(`${row.account}\n${row.id}`)) return;
      for (const field of PERSON_DETAILS) delete row[field];
    });
  await tx
    .table<CompanyRow & Partial<Company>>('companies')
    .toCollection()
    .modify((row) => {
      for (const field of Object.keys(CACHED_COMPANY_OMITS) as (keyof typeof CACHED_COMPANY_OMITS)[])
        delete row[field];
    });
  await tx
    .table<LeadRow & Partial<Lead>>('leads')
    .toCollection()
    .modify((row) => {
      for (const field of Object.keys(CACHED_LEAD_OMITS) as (keyof typeof CACHED_LEAD_OMITS)[])
        delete row[field];
    });
}
