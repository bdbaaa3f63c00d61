import type { Table } from 'dexie';
import {
  companyRow,
  leadRow,
  opportunityRow,
  personRow,
  taskRow,
  threadMarkRow,
  userRow,
} from '../../db/record-rows';
import type { SyncEntity, SyncStateRow, ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import type { CrmClient, Page, PageQuery } from '../crm/crm-client';

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
  /** The cache row of a record, or null for a record the cache does not keep. */
  row(account: string, record: T): unknown;
}

type PagedEntity = Exclude<SyncEntity, 'users' | 'pipelines'>;

const PAGED: Record<PagedEntity, Paged<{ id: number; modifiedAt: number }>> = {
  people: {
    load: (c, q) => c.pagePeople(q),
    table: (db) => db.people as Table,
    row: (a, r) => personRow(a, r as Parameters<typeof personRow>[1]),
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
  // Only activities that end with Threadline's marker are kept: links and logged messages.
  threadMarks: {
    load: (c, q) => c.pageThreadActivities(q),
    table: (db) => db.threadMarks as Table,
    row: (a, r) => threadMarkRow(a, r as unknown as Parameters<typeof threadMarkRow>[1]),
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

  async function pages(account: string, entity: PagedEntity, client: CrmClient): Promise<void> {
    const spec = PAGED[entity];
    let state = await stateOf(account, entity);
    for (;;) {
      const page = await spec.load(client, {
        page: state.pageWithin,
        pageSize: PAGE_SIZE,
        ...(state.cursorTime > 0 ? { modifiedFrom: state.cursorTime } : {}),
      });
      const next = advanceCursor(state, page.records, PAGE_SIZE);
      const total =
        state.phase === 'initial' && state.total === null && page.total !== null ? page.total : state.total;
      const updated: SyncStateRow = {
        ...state,
        cursorTime: next.cursorTime,
        seenAtCursor: next.seenAtCursor.slice(-5000),
        pageWithin: next.pageWithin,
        fetched: state.fetched + next.fresh.length,
        total,
        ...(next.done ? { phase: 'delta' as const, lastSyncAt: now() } : {}),
      };
      const table = spec.table(db);
      await db.transaction('rw', table, db.syncState, async () => {
        const rows = next.fresh.map((r) => spec.row(account, r)).filter((r) => r !== null);
        if (rows.length > 0) await table.bulkPut(rows);
        await db.syncState.put(updated);
      });
      state = updated;
      options.onProgress?.(account);
      if (next.done) return;
    }
  }

  async function run(account: string): Promise<void> {
    const client = await options.client(account);
    if (!client) return;
    for (const entity of SYNC_ENTITIES) {
      if (entity === 'users' || entity === 'pipelines') await replaceAll(account, entity, client);
      else await pages(account, entity, client);
    }
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
