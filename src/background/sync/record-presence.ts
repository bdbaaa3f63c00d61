/**
 * Records deleted (or merged away) in the CRM leave the cache. The CRM has no deletion feed, so two
 * things find them: a card shown from the cache confirms its person with the CRM at most once per
 * ACTIVITY_TTL_SECONDS (read-models/card-lookups.ts), and the reconciliation sweep (reconcile.ts)
 * walks the cached ids within a fixed request budget per sync run.
 */
import { parentKeyOf, recordRowKey, type ThreadlineDb } from '../../db/threadline-db';

export type PresenceEntity = 'people' | 'companies';

const recordType = { people: 'person', companies: 'company' } as const;

/** Removes the records, their cached activities and the thread marks pointing at them. */
export async function dropRecords(
  db: ThreadlineDb,
  account: string,
  entity: PresenceEntity,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  const table = entity === 'people' ? db.people : db.companies;
  await db.transaction('rw', [table, db.activities, db.activityFetches, db.threadMarks], async () => {
    await table.bulkDelete(ids.map((id) => recordRowKey(account, id)));
    for (const id of ids) {
      const parentKey = parentKeyOf(recordType[entity], id);
      await db.activities
        .where('[account+parentKey+at]')
        .between([account, parentKey, -Infinity], [account, parentKey, Infinity])
        .delete();
      await db.activityFetches.delete([account, parentKey]);
      await db.threadMarks.where('[account+recordKey]').equals([account, parentKey]).delete();
    }
  });
}
