/**
 * The cache: Dexie over IndexedDB, opened ONLY by the worker (ARCHITECTURE.md: an extension iframe
 * in Gmail may be denied IndexedDB, and a content script's database would belong to Gmail).
 * Every row carries the Gmail account it belongs to and every key starts with it, so no query can
 * mix /mail/u/0 and /mail/u/1.
 */
import Dexie, { type Table } from 'dexie';
import type {
  Activity,
  CachedCompany,
  CachedLead,
  CrmUser,
  Opportunity,
  Person,
  Pipeline,
} from '../shared/crm-model';
import { declareVersions, type SchemaVersion } from './declare-versions';
import { accountKey, accountNumber } from './key-prefix';
import { pruneLargeCache } from './prune-records';
import {
  moveRecords,
  nextRecordStores,
  nextStore,
  RECORD_STORES,
  RECORD_TABLES,
  rekeyRecords,
} from './rekey-records';
import { slimRecords } from './slim-records';
import { storageFullMiddleware } from './storage-full';

export interface AccountScoped {
  account: string;
}
/**
 * Rows of the record tables (people, leads, companies, deals): their primary key is
 * `[accountNo+id]`, the account as a number (key-prefix.ts `accountNumber`) — nine bytes in every
 * key and index entry instead of the whole address (issue 17). `account` stays in the row: every
 * read checks it.
 */
export interface RecordScoped extends AccountScoped {
  accountNo: number;
}
/** The primary key of a record table's row. */
export type RecordRowKey = [number, number];
/** The primary key of `account`'s record `id` in the record tables. */
export const recordRowKey = (account: string, id: number): RecordRowKey => [accountNumber(account), id];

/**
 * `account`'s rows of the records `ids` (undefined where none), read by key and checked against
 * each row's own `account`: the key's number could in theory be another account's too (key-prefix.ts).
 */
export async function recordRows<T extends RecordScoped>(
  table: Table<T, RecordRowKey>,
  account: string,
  ids: readonly number[],
): Promise<(T | undefined)[]> {
  const rows = await table.bulkGet(ids.map((id) => recordRowKey(account, id)));
  return rows.map((row) => (row?.account === account ? row : undefined));
}

/** `account`'s row of the record `id`, or undefined (see `recordRows`). */
export async function recordRow<T extends RecordScoped>(
  table: Table<T, RecordRowKey>,
  account: string,
  id: number,
): Promise<T | undefined> {
  const row = await table.get(recordRowKey(account, id));
  return row?.account === account ? row : undefined;
}
/** `account\nterm` for every word, full name, address and domain: prefix search as you type. */
interface Searchable {
  searchKeys: string[];
}

/** Phones, address and tags are kept only for some people (record-rows.ts, `PERSON_DETAILS`). */
export type PersonRow = Omit<Person, 'phones' | 'address' | 'tags'> &
  Partial<Pick<Person, 'phones' | 'address' | 'tags'>> &
  RecordScoped &
  Searchable & { emailKeys: string[]; pending?: boolean };
export type LeadRow = CachedLead & RecordScoped & Searchable & { emailKey: string | null };
export type CompanyRow = CachedCompany & RecordScoped & Searchable & { domainKey: string | null };
export type OpportunityRow = Opportunity & RecordScoped & Searchable;
export type PipelineRow = Pipeline & AccountScoped;
export type ActivityRow = Activity & AccountScoped & { parentKey: string };
export type UserRow = CrmUser & AccountScoped & { emailKey: string };

export interface ActivityFetchRow extends AccountScoped {
  parentKey: string;
  fetchedAt: number;
}

export interface NegativeLookupRow extends AccountScoped {
  address: string;
  checkedAt: number;
}

export type SyncEntity =
  | 'people'
  | 'companies'
  | 'leads'
  | 'opportunities'
  | 'pipelines'
  | 'users'
  | 'tasks'
  | 'threadMarks';

export type RecordType = 'person' | 'company' | 'lead' | 'opportunity';

/**
 * What Threadline wrote into the CRM about Gmail: a thread linked to a record, or a message logged on
 * it. Both are CRM activities whose details end with a machine-readable marker (threadline-marker.ts),
 * so links and logs live in the CRM and reach every device through sync. `activityId` is null while
 * the write waits in the outbox.
 */
export interface ThreadMarkRow extends AccountScoped {
  /** `link:<threadId>:<recordKey>` or `message:<messageId>:<recordKey>`. */
  markKey: string;
  kind: 'link' | 'message';
  threadId: string;
  messageId: string | null;
  recordKey: string;
  activityId: number | null;
  /** False once unlinked (the activity is edited, not deleted, so other devices see it). */
  active: boolean;
  at: number;
}

export interface TaskRow extends AccountScoped {
  id: number;
  name: string;
  relatedKey: string | null;
  dueDate: number | null;
  priority: 'None' | 'High';
  status: 'Open' | 'Completed';
  modifiedAt: number;
  pending?: boolean;
}

export interface AuditRow extends AccountScoped {
  seq?: number;
  at: number;
  purpose: string;
  host: string;
  method: string;
  dataClasses: string[];
  recordIds: string[];
  bytes: number;
}

export interface ConsentRow extends AccountScoped {
  scope: 'emailLogging';
  version: number;
  /** SHA-256 of the disclosure text the user saw, hex. */
  textHash: string;
  grantedAt: number;
  withdrawnAt: number | null;
}

export interface SyncStateRow extends AccountScoped {
  entity: SyncEntity;
  /** `initial` until the first full pass completes; then every run is a delta from the cursor. */
  phase: 'initial' | 'delta';
  /**
   * Keyset cursor over (date_modified, id): records modified at or after `cursorTime` are asked
   * for, and those at exactly `cursorTime` already stored (`seenAtCursor`) are skipped. Saved in the
   * same transaction as each page, so a killed worker resumes without gaps or duplicates.
   */
  cursorTime: number;
  seenAtCursor: number[];
  /** More than a page of records sharing one second: which page of that second comes next. */
  pageWithin: number;
  fetched: number;
  total: number | null;
  lastSyncAt: number | null;
  /** Newest-first passes (entities with no documented modified filter): the newest date seen this pass. */
  passTop?: number;
  /** Records the CRM answered that did not fit the documented shape, skipped (issue 13). */
  skipped?: number;
  /** The reconciliation sweep: cached ids above this were not checked yet in the current round. */
  reconcileAfterId?: number;
  /**
   * Adapters that page by cursor (HubSpot): the next page's cursor within the current pass. In a
   * newest-first pass: the adapter's sweep cursor once the CRM's search window ended (newest-first.ts).
   */
  pageCursor?: string;
  /** A newest-first pass's sweep: the oldest `modifiedAt` its newest-first pages reached. */
  sweepBelow?: number;
  /** A newest-first pass's sweep: the ids at exactly `sweepBelow` already stored. */
  seenAtBelow?: number[];
}

export interface OutboxRow extends AccountScoped {
  seq?: number;
  /** Writes to one record go out in order: `person:12`, `contact:alice@acme.test`. */
  recordKey: string;
  idempotencyKey: string;
  op: string;
  payload: unknown;
  state: 'pending' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  /**
   * A create that failed: not sent again before this time (ms), when the CRM's search shows what
   * the attempt may have made (`CrmClient.searchLagMs`), even after Try again.
   */
  searchableAt?: number;
  lastError: string | null;
  createdAt: number;
}

export interface AccountRow extends AccountScoped {
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface SettingRow {
  name: string;
  value: unknown;
}

export interface SecretRow {
  name: string;
  key?: CryptoKey;
  iv?: Uint8Array<ArrayBuffer>;
  ciphertext?: ArrayBuffer;
}

/** The index key of a normalised address of `account` (people's `emailKeys`, leads' and users' `emailKey`). */
export const emailKey = (account: string, address: string): string => accountKey(account, address);
export const parentKeyOf = (type: string, id: number): string => `${type}:${id}`;

/**
 * Every version of the cache's schema, oldest first, with the upgrades between them. `step` and
 * `fullMoveLimit`: see ThreadlineDb's constructor.
 */
export function cacheSchemaHistory(fullMoveLimit: number | undefined, step: () => void): SchemaVersion[] {
  return [
    {
      version: 1,
      stores: {
        people: '[account+id], *emailKeys, *searchKeys, [account+companyId]',
        leads: '[account+id], emailKey, *searchKeys',
        companies: '[account+id], [account+domainKey], *searchKeys',
        opportunities: '[account+id], [account+primaryContactId], [account+companyId], *searchKeys',
        pipelines: '[account+id]',
        activities: '[account+id], [account+parentKey+at]',
        activityFetches: '[account+parentKey]',
        users: '[account+id], emailKey',
        negativeLookups: '[account+address]',
        syncState: '[account+entity]',
        outbox: '++seq, [account+recordKey], [account+state], nextAttemptAt',
        accounts: 'account',
        settings: 'name',
        secrets: 'name',
      },
    },
    // Issue 5 and 6: links and logged messages, tasks, the audit log and consents.
    {
      version: 2,
      stores: {
        threadMarks:
          '[account+markKey], [account+threadId], [account+recordKey], [account+at], [account+kind]',
        tasks: '[account+id], [account+relatedKey]',
        audit: '++seq, [account+at]',
        consents: '[account+scope]',
      },
    },
    // Issue 17: a slimmer cache. Keys start with the account's short tag, addresses are not copied
    // into searchKeys, and people's [account+companyId] index (never read) is gone.
    {
      version: 3,
      stores: { people: '[account+id], *emailKeys, *searchKeys' },
      upgrade: async (tx) => {
        await pruneLargeCache(tx, fullMoveLimit, step);
        await rekeyRecords(tx, step);
      },
    },
    // Issue 17: phones, address and tags only for people whose card was shown; companies and leads
    // without the fields no card shows (slim-records.ts).
    {
      version: 4,
      stores: {},
      upgrade: async (tx) => {
        await pruneLargeCache(tx, fullMoveLimit, step);
        await slimRecords(tx, step);
      },
    },
    // Issue 17: the record tables' primary keys start with the account as a number, not its
    // address. IndexedDB cannot change a store's key, so each record table is copied out to a new
    // store with the new key, dropped, declared again, and copied back (rekey-records.ts
    // `moveRecords`). A cache over `fullMoveLimit` record rows is first cut down to what the CRM
    // cannot give back (prune-records.ts), here or in version 3 or 4, whichever runs first.
    {
      version: 5,
      stores: nextRecordStores(),
      upgrade: async (tx) => {
        await pruneLargeCache(tx, fullMoveLimit, step);
        await moveRecords(tx, 'out', step);
      },
    },
    { version: 6, stores: Object.fromEntries(RECORD_TABLES.map((t) => [t, null])) },
    { version: 7, stores: RECORD_STORES, upgrade: (tx) => moveRecords(tx, 'back', step) },
    { version: 8, stores: Object.fromEntries(RECORD_TABLES.map((t) => [nextStore(t), null])) },
  ];
}

export class ThreadlineDb extends Dexie {
  people!: Table<PersonRow, RecordRowKey>;
  leads!: Table<LeadRow, RecordRowKey>;
  companies!: Table<CompanyRow, RecordRowKey>;
  opportunities!: Table<OpportunityRow, RecordRowKey>;
  pipelines!: Table<PipelineRow, [string, number]>;
  activities!: Table<ActivityRow, [string, number]>;
  activityFetches!: Table<ActivityFetchRow, [string, string]>;
  users!: Table<UserRow, [string, number]>;
  negativeLookups!: Table<NegativeLookupRow, [string, string]>;
  syncState!: Table<SyncStateRow, [string, string]>;
  outbox!: Table<OutboxRow, number>;
  accounts!: Table<AccountRow, string>;
  threadMarks!: Table<ThreadMarkRow, [string, string]>;
  tasks!: Table<TaskRow, [string, number]>;
  audit!: Table<AuditRow, number>;
  consents!: Table<ConsentRow, [string, string]>;
  settings!: Table<SettingRow, string>;
  secrets!: Table<SecretRow, string>;

  /**
   * `onUpgradeStep`: called as a long upgrade goes (versions 3 and 4 rewrite every record row, 5
   * and 7 copy them: after each row, or each page of rows; a large cache's cut-down, once the kept
   * rows are known and after each table). Chrome stops a service worker after 30 s without an event
   * or an extension API call, and an IndexedDB upgrade is neither; the worker uses it to call one
   * (worker-services.ts).
   * `fullMoveLimit`: above this many record rows, the first of those upgrades cuts the cache down to
   * what the CRM cannot give back (prune-records.ts; `FULL_MOVE_LIMIT` by default, tests lower it).
   */
  constructor(name = 'threadline', options: { onUpgradeStep?: () => void; fullMoveLimit?: number } = {}) {
    super(name);
    const step = options.onUpgradeStep ?? (() => undefined);
    declareVersions(this, cacheSchemaHistory(options.fullMoveLimit, step));
    // Issue 17: every write refused for lack of space comes out as one recognisable error.
    this.use(storageFullMiddleware);
  }
}

/** Tables holding data about one Gmail account (everything but settings and secrets). */
export const ACCOUNT_TABLES = [
  'people',
  'leads',
  'companies',
  'opportunities',
  'pipelines',
  'activities',
  'activityFetches',
  'users',
  'negativeLookups',
  'syncState',
  'outbox',
  'threadMarks',
  'tasks',
  'audit',
  'consents',
  'accounts',
] as const;
