/**
 * Thread marks (links and logged messages, see CONTRIBUTING.md) without an undocumented filter.
 * The CRM's activity search documents no modified-date filter and no sort (see the adapter's
 * reference), so each sync run sweeps a bounded look-back window by activity date
 * (`activityFrom` = now − MARK_LOOKBACK_SECONDS, fixed for the pass so a killed worker resumes it),
 * page by page in whatever order the CRM answers, at most MARK_SWEEP_PAGES pages a run. Records a
 * shifting order shows twice are de-duplicated by id and `modifiedAt` (`seenAtCursor` holds the ids
 * this pass stored). Older marks reach the cache through the per-record duplicate check of the
 * outbox (by `parent`), which reads every activity of a record whatever its date.
 */
import { threadMarkRow } from '../../db/record-rows';
import type { SyncStateRow, ThreadlineDb } from '../../db/threadline-db';
import type { CrmClient } from '../crm/crm-client';

export const MARK_LOOKBACK_SECONDS = 30 * 86_400;
export const MARK_SWEEP_PAGES = 25;
const PAGE_SIZE = 200;

export async function sweepThreadMarks(deps: {
  db: ThreadlineDb;
  client: CrmClient;
  account: string;
  now: () => number;
  onProgress: () => void;
}): Promise<void> {
  const { db, client, account } = deps;
  let state: SyncStateRow = (await db.syncState.get([account, 'threadMarks'])) ?? {
    account,
    entity: 'threadMarks',
    phase: 'initial',
    cursorTime: 0,
    seenAtCursor: [],
    pageWithin: 1,
    fetched: 0,
    total: null,
    lastSyncAt: null,
  };
  if (state.pageWithin === 1) {
    state = { ...state, cursorTime: deps.now() - MARK_LOOKBACK_SECONDS, seenAtCursor: [] };
  }
  const newest = new Map<number, number>();
  for (let n = 0; n < MARK_SWEEP_PAGES; n += 1) {
    const page = await client.pageThreadActivities({
      page: state.pageWithin,
      pageSize: PAGE_SIZE,
      activityFrom: state.cursorTime,
    });
    const seen = new Set(state.seenAtCursor);
    const fresh = page.records.filter((a) => {
      const before = newest.get(a.id);
      if ((before !== undefined && before >= a.modifiedAt) || (before === undefined && seen.has(a.id))) {
        return false;
      }
      newest.set(a.id, a.modifiedAt);
      return true;
    });
    const done = page.received < PAGE_SIZE;
    const updated: SyncStateRow = {
      ...state,
      seenAtCursor: done ? [] : [...seen, ...fresh.map((a) => a.id)].slice(-5000),
      pageWithin: done ? 1 : state.pageWithin + 1,
      fetched: state.fetched + fresh.length,
      total: page.total ?? state.total,
      skipped: (state.skipped ?? 0) + page.skipped,
      ...(done ? { phase: 'delta' as const, lastSyncAt: deps.now() } : {}),
    };
    await db.transaction('rw', db.threadMarks, db.syncState, async () => {
      const rows = fresh.map((a) => threadMarkRow(account, a)).filter((r) => r !== null);
      if (rows.length > 0) await db.threadMarks.bulkPut(rows);
      await db.syncState.put(updated);
    });
    state = updated;
    deps.onProgress();
    if (done) return;
  }
}
