import type {
  CachedCompany,
  CachedLead,
  Company,
  CrmUser,
  Lead,
  Opportunity,
  Person,
  Task,
} from '../shared/crm-model';
import { RECORD_TYPES, recordKeyOf } from '../shared/crm-model';
import { normaliseAddress } from '../shared/normalise-address';
import { parseMarker } from '../shared/threadline-marker';
import { accountKey, accountNumber } from './key-prefix';
import type {
  CompanyRow,
  LeadRow,
  OpportunityRow,
  PersonRow,
  TaskRow,
  ThreadMarkRow,
  UserRow,
} from './threadline-db';

/**
 * Words nobody finds a company or a deal by: "Corwin, O'Kon and Wyman" is found by "corwin", "o",
 * "kon" and "wyman", and an index entry for "and" in every such name would only crowd the answers
 * to "an". Never applied to people's and leads' names: "An", "To" and "Or" are surnames.
 */
const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'at',
  'by',
  'for',
  'in',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
]);

/** A word with a letter or a digit: "—" and "&" find nobody. */
const hasLetterOrDigit = (word: string): boolean => /[\p{L}\p{N}]/u.test(word);

/**
 * Search keys, lower-cased, for prefix search as you type: each name whole, and each of its words
 * that the whole does not already start with (a query for the first word finds the whole), leaving
 * out words of punctuation alone and, for `organisation` names (companies, deals), stop words (the
 * whole name still starts with them); each of `wholes` (a domain) only whole. Addresses are not
 * here: a person's `emailKeys` and a lead's `emailKey` are searched by prefix instead, so an address
 * costs one index entry, not five (issue 17).
 */
export function searchKeys(
  account: string,
  names: readonly (string | null | undefined)[],
  wholes: readonly (string | null | undefined)[] = [],
  kind: 'person' | 'organisation' = 'person',
): string[] {
  const keys = new Set<string>();
  for (const value of names) {
    if (!value) continue;
    const lower = value.trim().toLowerCase();
    if (lower === '') continue;
    keys.add(accountKey(account, lower));
    for (const word of lower.split(/[\s,.'"()/-]+/))
      if (
        word.length > 0 &&
        !lower.startsWith(word) &&
        hasLetterOrDigit(word) &&
        !(kind === 'organisation' && STOP_WORDS.has(word))
      )
        keys.add(accountKey(account, word));
  }
  for (const value of wholes) {
    const lower = value?.trim().toLowerCase();
    if (lower) keys.add(accountKey(account, lower));
  }
  return [...keys].slice(0, 64);
}

const addresses = (values: readonly string[]): string[] =>
  values.map((v) => normaliseAddress(v)).filter((v): v is string => v !== null);

/**
 * What a person's card shows that search and the card's headline do not need (issue 17): kept in the
 * cache only for people whose card was shown or who were written from the sidebar, and fetched when a
 * card is shown without them. The other people's rows are about a quarter smaller (JSON 647 → 466 B).
 */
export const PERSON_DETAILS = ['phones', 'address', 'tags'] as const;
export type PersonDetails = Pick<Person, (typeof PERSON_DETAILS)[number]>;

/** Whether a cached person row keeps its details (phones, address, tags). */
export const hasDetails = (row: Partial<PersonDetails> | undefined): boolean => row?.phones !== undefined;

/**
 * The cache row of a person. `details`: keep phones, address and tags (a card shown, a sidebar
 * write); without, the row holds what search and the card's headline need. Sync keeps a row's
 * details only where the row had them.
 */
export function personRow(
  account: string,
  person: Person,
  options: { details?: boolean; pending?: boolean } = {},
): PersonRow {
  const emails = addresses(person.emails.map((e) => e.value));
  const { phones, address, tags, ...core } = person;
  return {
    ...core,
    ...(options.details === false ? {} : { phones, address, tags }),
    account,
    accountNo: accountNumber(account),
    emailKeys: emails.map((e) => accountKey(account, e)),
    searchKeys: searchKeys(account, [person.name]),
    ...(options.pending ? { pending: true } : {}),
  };
}

/** A cached person as the model's record, and whether its details were cached (else they are empty). */
export function personOfRow(row: PersonRow): { person: Person; detailsKnown: boolean } {
  const { phones, address, tags, ...core } = stripRow(row);
  return {
    person: { ...core, phones: phones ?? [], address: address ?? null, tags: tags ?? [] },
    detailsKnown: hasDetails(row),
  };
}

/** A lead's cache row: what its card and search show (no phones, `CACHED_LEAD_OMITS`). */
export function leadRow(account: string, lead: Lead | CachedLead): LeadRow {
  const email = lead.email ? normaliseAddress(lead.email) : null;
  const { phones: _phones, ...cached } = lead as Lead;
  return {
    ...cached,
    account,
    accountNo: accountNumber(account),
    emailKey: email ? accountKey(account, email) : null,
    searchKeys: searchKeys(account, [lead.name]),
  };
}

/** A company's cache row: what cards and search show (no address, phones, tags: `CACHED_COMPANY_OMITS`). */
export function companyRow(account: string, company: Company | CachedCompany): CompanyRow {
  const { address: _address, phones: _phones, tags: _tags, ...cached } = company as Company;
  return {
    ...cached,
    account,
    accountNo: accountNumber(account),
    domainKey: company.domain ? company.domain.toLowerCase() : null,
    searchKeys: searchKeys(account, [company.name], [company.domain], 'organisation'),
  };
}

export const opportunityRow = (account: string, o: Opportunity): OpportunityRow => ({
  ...o,
  account,
  accountNo: accountNumber(account),
  searchKeys: searchKeys(account, [o.name], [], 'organisation'),
});

export function userRow(account: string, user: CrmUser): UserRow {
  return {
    ...user,
    account,
    emailKey: accountKey(account, normaliseAddress(user.email) ?? user.email.toLowerCase()),
  };
}

/** The cache's own fields of a row, not the model's. */
type CacheFields =
  | 'account'
  | 'accountNo'
  | 'searchKeys'
  | 'emailKeys'
  | 'emailKey'
  | 'domainKey'
  | 'parentKey'
  | 'pending';

/** Drops the cache's own fields, giving back the model record. */
export function stripRow<T extends object>(row: T): Omit<T, CacheFields> {
  const {
    account: _a,
    accountNo: _n,
    searchKeys: _s,
    emailKeys: _e,
    emailKey: _k,
    domainKey: _d,
    parentKey: _pk,
    pending: _p,
    ...rest
  } = row as T & {
    account?: unknown;
    accountNo?: unknown;
    searchKeys?: unknown;
    emailKeys?: unknown;
    emailKey?: unknown;
    domainKey?: unknown;
    parentKey?: unknown;
    pending?: unknown;
  };
  return rest as Omit<T, CacheFields>;
}

export function taskRow(account: string, task: Task, pending = false): TaskRow {
  return {
    account,
    id: task.id,
    name: task.name,
    relatedKey: task.related ? recordKeyOf(task.related) : null,
    dueDate: task.dueDate,
    priority: task.priority,
    status: task.status,
    modifiedAt: task.modifiedAt,
    ...(pending ? { pending } : {}),
  };
}

export const linkKey = (threadId: string, recordKey: string): string => `link:${threadId}:${recordKey}`;
export const messageKey = (messageId: string, recordKey: string): string =>
  `message:${messageId}:${recordKey}`;

/** The cache row of an activity Threadline wrote (a link or a logged message), or null for others. */
export function threadMarkRow(
  account: string,
  activity: { id: number; parentType: string; parentId: number; details: string | null; at: number },
): ThreadMarkRow | null {
  const marker = parseMarker(activity.details);
  if (!marker || !(RECORD_TYPES as readonly string[]).includes(activity.parentType)) return null;
  const recordKey = `${activity.parentType}:${activity.parentId}`;
  if (marker.kind === 'email') {
    return {
      account,
      markKey: messageKey(marker.messageId, recordKey),
      kind: 'message',
      threadId: marker.threadId,
      messageId: marker.messageId,
      recordKey,
      activityId: activity.id,
      active: true,
      at: activity.at,
    };
  }
  return {
    account,
    markKey: linkKey(marker.threadId, recordKey),
    kind: 'link',
    threadId: marker.threadId,
    messageId: null,
    recordKey,
    activityId: activity.id,
    active: marker.kind === 'link',
    at: activity.at,
  };
}
