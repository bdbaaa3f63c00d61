import type { Table } from 'dexie';
import {
  companyRow,
  hasDetails,
  leadRow,
  opportunityRow,
  personRow,
  taskRow,
  userRow,
} from '../../db/record-rows';
import {
  type PersonRow,
  type RecordRowKey,
  type RecordScoped,
  recordRows,
  type SyncEntity,
  type SyncStateRow,
  type ThreadlineDb,
} from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import type { CrmClient, Page, PageQuery, RecordEntity } from '../crm/crm-client';
import { CRM_DATE_ORDER_SETTING, storedDateOrder } from './date-order';
import { advanceNewestFirst } from './newest-first';
import { reconcile } from './reconcile';
import { sweepThreadMarks } from './thread-mark-sweep';

export const PAGE_SIZE = 200;
/** Order matters: companies before people, so a person's company is usually already cached. */
export const SYNC_ENTITIES: readonly SyncEntity[] = [
  'users',
  'pipelines',
  'companies',
  'people',
  'leads',
  'opportunities',
  'tasks',
  'threadMarks',
];

export function freshSyncState(account: string, entity: SyncEntity): SyncStateRow {
  return {
    account,
    entity,
    phase: 'initial',
    cursorTime: 0,
    seenAtCursor: [],
    pageWithin: 1,
    fetched: 0,
    total: null,
    lastSyncAt: null,
  };
}

interface Paged<T extends { id: number; modifiedAt: number }> {
  load(client: CrmClient, query: PageQuery): Promise<Page<T>>;
  table(db: ThreadlineDb): Table;
  /**
   * The cache row of a record, or null for a record the cache does not keep. `before`: the row it
   * replaces, read only for entities that set `readsBefore`.
   */
  row(account: string, record: T, before: unknown): unknown;
  /**
   * People: a row keeps its phones, address and tags only if the row it replaces had them. The
   * rows it replaces are read by their record-table key (threadline-db.ts `recordRowKey`).
   */
  readsBefore?: true;
}

type PagedEntity = RecordEntity;

const PAGED: Record<PagedEntity, Paged<{ id: number; modifiedAt: number }>> = {
  people: {
    load: (c, q) => c.pagePeople(q),
    table: (db) => db.people as Table,
    row: (a, r, before) =>
      personRow(a, r as Parameters<typeof personRow>[1], {
        details: hasDetails(before as PersonRow | undefined),
      }),
    readsBefore: true,
  },
  companies: {
    load: (c, q) => c.pageCompanies(q),
    table: (db) => db.companies as Table,
    row: (a, r) => companyRow(a, r as Parameters<typeof companyRow>[1]),
  },
  leads: {
    load: (c, q) => c.pageLeads(q),
    table: (db) => db.leads as Table,
    row: (a, r) => leadRow(a, r as Parameters<typeof leadRow>[1]),
  },
  opportunities: {
    load: (c, q) => c.pageOpportunities(q),
    table: (db) => db.opportunities as Table,
    row: (a, r) => opportunityRow(a, r as Parameters<typeof opportunityRow>[1]),
  },
  tasks: {
    load: (c, q) => c.pageTasks(q),
    table: (db) => db.tasks as Table,
    row: (a, r) => taskRow(a, r as Parameters<typeof taskRow>[1]),
  },
};

/**
 * Given a page sorted by (date_modified asc), the records not yet stored and the next cursor.
 * Pure, so the paging rules are unit-tested on their own.
 */
export function advanceCursor<T extends { id: number; modifiedAt: number }>(
  state: Pick<SyncStateRow, 'cursorTime' | 'seenAtCursor' | 'pageWithin'>,
  records: readonly T[],
  pageSize: number,
): { fresh: T[]; cursorTime: number; seenAtCursor: number[]; pageWithin: number; done: boolean } {
  const seen = new Set(state.seenAtCursor);
  const fresh = records.filter(
    (r) => r.modifiedAt > state.cursorTime || (r.modifiedAt === state.cursorTime && !seen.has(r.id)),
  );
  const done = records.length < pageSize;
  const last = records.at(-1);
  if (!last)
    return { fresh, cursorTime: state.cursorTime, seenAtCursor: state.seenAtCursor, pageWithin: 1, done };
  if (last.modifiedAt === state.cursorTime) {
    // The whole page sat in the cursor's second: remember them, and ask for that second's next page.
    return {
      fresh,
      cursorTime: state.cursorTime,
      seenAtCursor: [...seen, ...fresh.map((r) => r.id)],
      pageWithin: done ? 1 : state.pageWithin + 1,
      done,
    };
  }
  const atLast = records.filter((r) => r.modifiedAt === last.modifiedAt).map((r) => r.id);
  return { fresh, cursorTime: last.modifiedAt, seenAtCursor: atLast, pageWithin: 1, done };
}

export interface SyncEngine {
  /** Runs (or joins the run of) a sync of every entity for the account; resolves when it ends. */
  sync(account: string): Promise<void>;
  isRunning(account: string): boolean;
}

export function createSyncEngine(options: {
  db: ThreadlineDb;
  client: (account: string) => Promise<CrmClient | null>;
  now?: () => number;
  onProgress?: (account: string) => void;
  logger: Logger;
}): SyncEngine {
  const { db, logger } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  // Only which runs are in flight in THIS worker; progress itself is in syncState.
  const running = new Map<string, Promise<void>>();

  const stateOf = async (account: string, entity: SyncEntity) =>
    (await db.syncState.get([account, entity])) ?? freshSyncState(account, entity);

  async function replaceAll(
    account: string,
    entity: 'users' | 'pipelines',
    client: CrmClient,
  ): Promise<void> {
    const state = await stateOf(account, entity);
    if (entity === 'users') {
      const users = await client.listUsers();
      await db.transaction('rw', db.users, db.syncState, async () => {
        await db.users.where('[account+id]').between([account, -Infinity], [account, Infinity]).delete();
        await db.users.bulkPut(users.map((u) => userRow(account, u)));
        await db.syncState.put({
          ...state,
          phase: 'delta',
          fetched: users.length,
          total: users.length,
          lastSyncAt: now(),
        });
      });
    } else {
      const pipelines = await client.listPipelines();
      await db.transaction('rw', db.pipelines, db.syncState, async () => {
        await db.pipelines.where('[account+id]').between([account, -Infinity], [account, Infinity]).delete();
        await db.pipelines.bulkPut(pipelines.map((p) => ({ ...p, account })));
        await db.syncState.put({
          ...state,
          phase: 'delta',
          fetched: pipelines.length,
          total: pipelines.length,
          lastSyncAt: now(),
        });
      });
    }
    options.onProgress?.(account);
  }

  /** Stores a page's rows and the next state in one transaction: a killed worker resumes exactly. */
  async function store(
    account: string,
    entity: PagedEntity,
    page: Page<{ id: number; modifiedAt: number }>,
    fresh: readonly { id: number; modifiedAt: number }[],
    updated: SyncStateRow,
  ): Promise<void> {
    const spec = PAGED[entity];
    const table = spec.table(db);
    await db.transaction('rw', [table, db.syncState, db.settings], async () => {
      // Checked against the row's own account (a key's number could be another account's).
      const before: unknown[] = spec.readsBefore
        ? await recordRows(
            table as Table<RecordScoped, RecordRowKey>,
            account,
            fresh.map((r) => r.id),
          )
        : [];
      const rows = fresh.map((r, i) => spec.row(account, r, before[i])).filter((r) => r !== null);
      if (rows.length > 0) await table.bulkPut(rows);
      await db.syncState.put(updated);
      if (page.dateOrder) await db.settings.put({ name: CRM_DATE_ORDER_SETTING, value: page.dateOrder });
    });
  }

  const progress = (state: SyncStateRow, page: Page<unknown>, fresh: number): SyncStateRow => ({
    ...state,
    fetched: state.fetched + fresh,
    total:
      state.phase === 'initial' && state.total === null && page.total !== null ? page.total : state.total,
    skipped: (state.skipped ?? 0) + page.skipped,
  });

  async function pages(account: string, entity: PagedEntity, client: CrmClient): Promise<void> {
    const spec = PAGED[entity];
    let state = await stateOf(account, entity);
    const newestFirst = client.deltaStyle[entity] === 'newestFirst';
    for (;;) {
      if (newestFirst) {
        const { pageCursor, sweepBelow, seenAtBelow, ...rest } = state;
        const page = await spec.load(client, {
          page: state.pageWithin,
          pageSize: PAGE_SIZE,
          newestFirst,
          ...(pageCursor === undefined ? {} : { cursor: pageCursor }),
        });
        const step = advanceNewestFirst(
          {
            cursorTime: state.cursorTime,
            pageWithin: state.pageWithin,
            passTop: state.passTop ?? 0,
            ...(pageCursor === undefined ? {} : { pageCursor }),
            ...(sweepBelow === undefined ? {} : { sweepBelow }),
            ...(seenAtBelow === undefined ? {} : { seenAtBelow }),
          },
          page.records,
          page.received,
          PAGE_SIZE,
          page.nextCursor,
        );
        const updated: SyncStateRow = {
          ...progress(rest, page, step.fresh.length),
          ...step.next,
          seenAtCursor: [],
          ...(step.done ? { phase: 'delta' as const, lastSyncAt: now() } : {}),
        };
        await store(account, entity, page, step.fresh, updated);
        state = updated;
        options.onProgress?.(account);
        if (step.done) return;
        continue;
      }
      const page = await spec.load(client, {
        page: state.pageWithin,
        pageSize: PAGE_SIZE,
        ...(state.cursorTime > 0 ? { modifiedFrom: state.cursorTime } : {}),
        dateOrder: await storedDateOrder(db),
        ...(state.pageCursor === undefined ? {} : { cursor: state.pageCursor }),
      });
      const next = advanceCursor(state, page.records, PAGE_SIZE);
      // A page whose elements were all skipped is still a full page: do not stop on it. A cursor
      // adapter says itself whether more follows (a short page within one instant is not the end).
      const done = page.nextCursor === undefined ? page.received < PAGE_SIZE : page.nextCursor === null;
      const { pageCursor: _previous, ...rest } = state;
      const updated: SyncStateRow = {
        ...progress(rest, page, next.fresh.length),
        ...(typeof page.nextCursor === 'string' && !done ? { pageCursor: page.nextCursor } : {}),
        cursorTime: next.cursorTime,
        seenAtCursor: next.seenAtCursor.slice(-5000),
        // Every element skipped: nothing moved the cursor, so ask for the next page of it.
        pageWithin: page.records.length === 0 && !done ? state.pageWithin + 1 : next.pageWithin,
        ...(done ? { phase: 'delta' as const, lastSyncAt: now() } : {}),
      };
      await store(account, entity, page, next.fresh, updated);
      state = updated;
      options.onProgress?.(account);
      if (done) return;
    }
  }

  async function run(account: string): Promise<void> {
    const client = await options.client(account);
    if (!client) return;
    for (const entity of SYNC_ENTITIES) {
      if (entity === 'users' || entity === 'pipelines') await replaceAll(account, entity, client);
      else if (entity === 'threadMarks') {
        await sweepThreadMarks({ db, client, account, now, onProgress: () => options.onProgress?.(account) });
      } else await pages(account, entity, client);
    }
    // Deletions: a bounded slice of the cached ids per run (reconcile.ts).
    await reconcile(db, client, account, 'companies');
    await reconcile(db, client, account, 'people');
    logger.info('sync.done');
  }

  return {
    sync(account) {
      const current = running.get(account);
      if (current) return current;
      const started = run(account).finally(() => {
        running.delete(account);
        options.onProgress?.(account);
      });
      running.set(account, started);
      return started;
    },
    isRunning: (account) => running.has(account),
  };
}
