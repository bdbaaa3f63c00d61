import type {
  Activity,
  Company,
  CrmUser,
  Lead,
  Opportunity,
  Person,
  Pipeline,
  RecordRef,
  Task,
} from '../../shared/crm-model';

export interface ConnectionCheck {
  accountName: string;
  user: CrmUser;
}

export interface PageQuery {
  /** From 1. */
  page: number;
  pageSize: number;
  /** Only records modified at or after this (unix seconds): for entities whose delta is `modifiedFrom`. */
  modifiedFrom?: number;
  /** Most recently modified first, no filter: for entities whose delta is `newestFirst`. */
  newestFirst?: boolean;
  /** The CRM's date order as known so far (stored), to read date strings that alone are ambiguous. */
  dateOrder?: DateOrder | null;
  /** The previous page's `nextCursor` (adapters that page by cursor): it replaces `page` and `modifiedFrom`. */
  cursor?: string;
}

/** How a day and a month are written in the CRM's date strings (a user setting the API does not expose). */
export type DateOrder = 'monthFirst' | 'dayFirst';

export interface Page<T> {
  records: T[];
  /** The CRM's count of all matches, when it says. */
  total: number | null;
  /** How many elements of the page did not fit the documented shape (a deleted stub, a missing id): skipped. */
  skipped: number;
  /** The raw page's length (records + skipped): paging stops on a short page of this. */
  received: number;
  /** The date order the page's own data shows (a date with a day above 12), if it shows one. */
  dateOrder?: DateOrder;
  /**
   * Adapters that page by cursor (HubSpot): the cursor of the next page, or null when this was the
   * last one, whatever `received` says. Absent: page numbers, and a short page ends.
   */
  nextCursor?: string | null;
}

/**
 * How sync finds what changed for an entity: by a documented modified-date filter (`modifiedFrom`,
 * ascending keyset), or, where the CRM documents none, newest first until the watermark.
 */
export type DeltaStyle = 'modifiedFrom' | 'newestFirst';
export type RecordEntity = 'people' | 'companies' | 'leads' | 'opportunities' | 'tasks';

/** The look-back sweep of thread marks: activities dated at or after `activityFrom`. */
export interface ActivityWindowQuery {
  page: number;
  pageSize: number;
  activityFrom: number;
}

/** Which of the asked ids still exist in the CRM (the reconciliation sweep), or null if it cannot tell. */
export interface ExistenceCheck {
  existing: Set<number>;
}

export interface NewPerson {
  name: string;
  email: string;
  companyId: number | null;
  title?: string | null;
}

export interface PersonPatch {
  title?: string | null;
  phones?: { value: string; category: string }[];
  tags?: string[];
}

/** An activity with when it last changed, as sync pages them. */
export type SyncedActivity = Activity & { modifiedAt: number };

export interface NewActivity {
  parent: RecordRef;
  /** `email` uses the CRM's Email type when it has one, else Note; the others are Notes. */
  kind: 'email' | 'note';
  details: string;
  at?: number;
  purpose: 'logEmail' | 'linkThread' | 'addNote';
  /** Whether the activity carries data read from Gmail (ids, participants, subject, body). */
  fromGmail: boolean;
  /** For `email`: whether the user sent the message (a CRM that records a direction); unknown: sent. */
  outgoing?: boolean;
}

export interface NewTask {
  name: string;
  related: RecordRef | null;
  dueDate: number | null;
  priority: 'None' | 'High';
}

export interface NewOpportunity {
  /**
   * Written into the deal so a retry after a lost answer finds the deal it already created, and
   * only that one: two real deals may share a name.
   */
  idempotencyKey: string;
  name: string;
  pipelineId: number;
  stageId: number;
  value: number | null;
  /** Unix seconds (UTC midnight of the chosen day). */
  closeDate: number | null;
  /** The order to write `closeDate` in: the user's answer or what was learned; required with a date. */
  dateOrder?: DateOrder | null;
  primaryContactId: number | null;
  companyId: number | null;
}

export interface OpportunityPatch {
  stageId?: number;
  status?: Opportunity['status'];
}

/**
 * The one interface the worker sees of a CRM (ARCHITECTURE.md). Another CRM is one new adapter
 * implementing this, not changes across the worker. Every answer is validated by the adapter.
 */
export interface CrmClient {
  /** Per entity, how its changes are found (only documented filters are ever sent). */
  readonly deltaStyle: Readonly<Record<RecordEntity, DeltaStyle>>;
  /**
   * How long a record just made may take to show in the searches a retried create reads to find
   * it (HubSpot's search index lags its writes); the outbox retries a failed create no sooner.
   * Absent: reads show a write at once.
   */
  readonly searchLagMs?: number;
  checkConnection(): Promise<ConnectionCheck>;
  listUsers(): Promise<CrmUser[]>;
  listPipelines(): Promise<Pipeline[]>;
  pagePeople(query: PageQuery): Promise<Page<Person>>;
  pageCompanies(query: PageQuery): Promise<Page<Company>>;
  pageLeads(query: PageQuery): Promise<Page<Lead>>;
  pageOpportunities(query: PageQuery): Promise<Page<Opportunity>>;
  /** One request for every address (the thread's cache misses). */
  searchPeopleByEmails(addresses: readonly string[]): Promise<Person[]>;
  recentActivities(
    parent: { type: 'person' | 'lead' | 'company'; id: number },
    limit: number,
  ): Promise<Activity[]>;
  /**
   * A record's activities of every type (at most two pages of 200, any order, one per id): the card's
   * recent activities and the thread marks of the open thread's people, in the same requests.
   */
  activitiesOfRecord(parent: { type: 'person' | 'lead' | 'company'; id: number }): Promise<SyncedActivity[]>;
  findPersonByEmail(address: string): Promise<Person | null>;
  findLeadByEmail(address: string): Promise<Lead | null>;
  findCompanyByDomain(domain: string): Promise<Company | null>;
  createCompany(input: { name: string; domain: string }): Promise<Company>;
  createPerson(input: NewPerson): Promise<Person>;
  createLead(input: { name: string; email: string; companyName: string | null }): Promise<Lead>;
  updatePerson(id: number, patch: PersonPatch): Promise<Person>;
  /** Activities of the types Threadline writes (Email, Note) dated in the look-back window, any order. */
  pageThreadActivities(query: ActivityWindowQuery): Promise<Page<SyncedActivity>>;
  /** Every Email/Note activity on one record (dated at or after `since`, unix s): the duplicate check. */
  threadActivitiesOf(parent: RecordRef, since: number | null): Promise<SyncedActivity[]>;
  createActivity(input: NewActivity): Promise<SyncedActivity>;
  updateActivityDetails(
    id: number,
    details: string,
    purpose: NewActivity['purpose'],
    fromGmail: boolean,
  ): Promise<SyncedActivity>;
  pageTasks(query: PageQuery): Promise<Page<Task>>;
  createTask(input: NewTask): Promise<Task>;
  setTaskStatus(id: number, status: Task['status']): Promise<Task>;
  /**
   * The open tasks named `name` on the record, among the newest ones: what the outbox compares
   * before and after a create to tell whether an earlier attempt made it (outbox/write-sender.ts).
   */
  findTasks(name: string, related: RecordRef | null): Promise<Task[]>;
  /** One record by id; null when the CRM says it does not exist (deleted or merged away). */
  getPerson(id: number): Promise<Person | null>;
  getCompany(id: number): Promise<Company | null>;
  /** Which of these ids (at most 200) the CRM still has: one request. */
  existingIds(entity: 'people' | 'companies', ids: readonly number[]): Promise<ExistenceCheck | null>;
  createOpportunity(input: NewOpportunity): Promise<Opportunity>;
  /**
   * The deal an earlier attempt of the same create made, if any, and the ids of the deals of that
   * name now (`namesakes`, stored as `before` ahead of the first attempt). Found by the create's
   * marker; where the create cannot carry the marker itself (HubSpot writes it as a note after), also
   * as the one namesake that is not among `before` and carries no Threadline marker at all.
   */
  findCreatedOpportunity(
    input: NewOpportunity,
    before?: readonly number[],
  ): Promise<{ deal: Opportunity | null; namesakes: number[] }>;
  updateOpportunity(id: number, patch: OpportunityPatch): Promise<Opportunity>;
}
