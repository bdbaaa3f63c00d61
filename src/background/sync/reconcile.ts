/**
 * The reconciliation sweep: deleted or merged-away people and companies leave the cache even when no
 * one opens their card. Each sync run checks at most RECONCILE_BUDGET requests' worth of cached ids
 * (200 per request) in id order, resuming where the last run stopped (`reconcileAfterId` in the
 * entity's sync state); an id the CRM no longer lists is confirmed one by one (404) before it is
 * dropped, so a CRM that ignores the id filter can never empty the cache. At 100,000 cached people
 * one round costs 500 requests plus one per deleted record, spread over 100 runs of 5 requests
 * (`npm run bench` measures it).
 */
import type { Table } from 'dexie';
import {
  type RecordRowKey,
  type RecordScoped,
  recordRowKey,
  type ThreadlineDb,
} from '../../db/threadline-db';
import type { CrmClient } from '../crm/crm-client';
import { dropRecords, type PresenceEntity } from './record-presence';

export const RECONCILE_BATCH = 200;
/** Requests per sync run (every 5 minutes) for the id checks, besides one per confirmed deletion. */
export const RECONCILE_BUDGET: Readonly<Record<PresenceEntity, number>> = { people: 4, companies: 1 };

export interface ReconcileReport {
  checked: number;
  dropped: number;
  requests: number;
  /** True when this run finished a whole round over the cached ids. */
  roundDone: boolean;
}

export async function reconcile(
  db: ThreadlineDb,
  client: CrmClient,
  account: string,
  entity: PresenceEntity,
  budget = RECONCILE_BUDGET[entity],
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, dropped: 0, requests: 0, roundDone: false };
  const state = await db.syncState.get([account, entity]);
  if (state?.phase !== 'delta') return report; // only after a complete first pass
  let after = state.reconcileAfterId ?? 0;
  const table: Table<RecordScoped, RecordRowKey> = entity === 'people' ? db.people : db.companies;
  for (let round = 0; round < budget; round += 1) {
    const keys = await table
      .where(':id')
      .between(recordRowKey(account, after + 1), recordRowKey(account, Infinity))
      // The key's number could be another account's too (key-prefix.ts): never ask this account's
      // CRM about, or drop, another account's records.
      .filter((row) => row.account === account)
      .limit(RECONCILE_BATCH)
      .primaryKeys();
    const ids = keys.map(([, id]) => id).filter((id) => id > 0);
    if (ids.length > 0) {
      const answer = await client.existingIds(entity, ids);
      report.requests += 1;
      if (answer === null) return report; // the CRM cannot tell: never guess a deletion
      const gone: number[] = [];
      for (const id of ids.filter((i) => !answer.existing.has(i))) {
        report.requests += 1;
        const found = entity === 'people' ? await client.getPerson(id) : await client.getCompany(id);
        if (found === null) gone.push(id);
      }
      await dropRecords(db, account, entity, gone);
      report.checked += ids.length;
      report.dropped += gone.length;
    }
    const last = keys.at(-1);
    after = keys.length < RECONCILE_BATCH || !last ? 0 : last[1];
    const current = await db.syncState.get([account, entity]);
    if (current) await db.syncState.put({ ...current, reconcileAfterId: after });
    if (after === 0) {
      report.roundDone = true;
      return report;
    }
  }
  return report;
}
