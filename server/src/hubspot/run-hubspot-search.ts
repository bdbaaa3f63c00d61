/**
 * `POST /crm/v3/objects/{type}/search` (reference/hubspot-api.md, "Search"): AND within a filter group,
 * OR across groups; one sort (default: oldest first); `limit` ≤ 200 (default 10); `after` is an
 * integer offset; at most 10,000 results per query; archived records never appear.
 *
 * Real HubSpot indexes writes for search a few seconds after they happen ("Search lags writes"); this
 * double answers from the store at once. It does not invent a lag: a client must not rely on either.
 */
import { z } from 'zod';
import { HubspotError, validationError } from './hubspot-error';
import type { HsObject } from './hubspot-store';
import { type ObjectType, PROPERTIES, QUERY_PROPERTIES, TIMESTAMP_PROPERTIES } from './object-types';
import { comparableValue, parseDatetime, propertyNames, serialise } from './property-values';

/**
 * The filter caps. The reference gives two readings: the search guide's 5 groups × 6 filters, 18 in
 * all (the spec also says 6), and a 2024 changelog's 10 groups and 25 filters. The stricter reading
 * is kept, so a client that stays within it works on both.
 */
export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 6;
export const MAX_FILTERS_TOTAL = 18;
export const MAX_SEARCH_LIMIT = 200;
export const MAX_SEARCH_RESULTS = 10_000;

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filterShape = z.strictObject({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.infer<typeof filterShape>;

/**
 * The documented body. Fields it does not document are refused: HubSpot's JSON reader answers
 * "Invalid input JSON" for unrecognised fields (as clients report it; unconfirmed by the reference).
 */
const searchShape = z.strictObject({
  filterGroups: z.array(z.strictObject({ filters: z.array(filterShape) })).optional(),
  sorts: z
    .array(z.strictObject({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']) }))
    .optional(),
  properties: z.array(z.string()).optional(),
  query: z.string().optional(),
  limit: z.number().int().min(0).optional(),
  after: z.union([z.string(), z.number()]).optional(),
});

/** Error wording for the rest of this file is unconfirmed: the status and category are the reference's. */
function parseSearch(body: unknown): z.infer<typeof searchShape> {
  const result = searchShape.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw validationError(`Invalid input JSON: ${where ? `${where}: ` : ''}${issue?.message ?? 'not valid'}`);
  }
  return result.data;
}

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[\s;,]+/)
    .filter((t) => t !== '');

const globMatches = (pattern: string, token: string): boolean => {
  const source = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(token);
};

type Comparable = string | number;

/**
 * The lowest last-modified time every filter group asks for (`GTE`, `GT`, `EQ` or `BETWEEN` on the
 * type's modified stamp), or null when a group does not bound it. Only a starting point: every
 * record from it on is still matched against the filters.
 */
function modifiedFloor(type: ObjectType, groups: readonly { filters: readonly Filter[] }[]): number | null {
  if (groups.length === 0) return null;
  const modified = TIMESTAMP_PROPERTIES[type].modified;
  let floor = Number.POSITIVE_INFINITY;
  for (const group of groups) {
    let bound: number | null = null;
    for (const f of group.filters) {
      if (f.propertyName !== modified || !['GTE', 'GT', 'EQ', 'BETWEEN'].includes(f.operator)) continue;
      const value = f.value === undefined ? null : parseDatetime(String(f.value));
      if (value !== null && Number.isFinite(value)) bound = Math.max(bound ?? value, value);
    }
    if (bound === null) return null;
    floor = Math.min(floor, bound);
  }
  return Number.isFinite(floor) ? floor : null;
}

/** The index of the first record modified at or after `ms` (records in last-modified order). */
function firstModifiedFrom(records: readonly HsObject[], ms: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((records[mid]?.updatedAt ?? 0) < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * `records`: every live record of the type. With `inModifiedOrder` (the store keeps them by last
 * modified, then id) a query bounded below on the modified stamp starts at that bound instead of
 * reading every record: the same results, at a speed closer to HubSpot's.
 */
export function runHubspotSearch(
  type: ObjectType,
  body: unknown,
  all: readonly HsObject[],
  inModifiedOrder = false,
): Record<string, unknown> {
  const input = parseSearch(body);
  const groups = input.filterGroups ?? [];
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  if (groups.length > MAX_FILTER_GROUPS)
    throw validationError(`Too many filter groups: ${groups.length}. The maximum is ${MAX_FILTER_GROUPS}.`);
  for (const group of groups) {
    if (group.filters.length > MAX_FILTERS_PER_GROUP)
      throw validationError(
        `Too many filters in a filter group: ${group.filters.length}. The maximum is ${MAX_FILTERS_PER_GROUP}.`,
      );
  }
  if (total > MAX_FILTERS_TOTAL)
    throw validationError(
      `Too many filters: ${total}. The maximum across all filter groups is ${MAX_FILTERS_TOTAL}.`,
    );
  if ((input.sorts ?? []).length > 1) throw validationError('Only one sort is allowed.');
  const limit = input.limit ?? 10;
  if (limit > MAX_SEARCH_LIMIT)
    throw validationError(`limit must be at most ${MAX_SEARCH_LIMIT} (got ${limit}).`);
  const afterText = input.after === undefined ? '0' : String(input.after);
  if (!/^\d+$/.test(afterText))
    throw validationError(`after must be an integer offset (got ${JSON.stringify(afterText)}).`);
  const offset = Number(afterText);
  if (offset >= MAX_SEARCH_RESULTS) {
    throw new HubspotError(
      400,
      `Search results are limited to ${MAX_SEARCH_RESULTS} per query; after=${offset} pages past them.`,
      'VALIDATION_ERROR',
    );
  }
  const known = (name: string) => Object.hasOwn(PROPERTIES[type], name);
  for (const filter of groups.flatMap((g) => g.filters)) {
    // Unknown property in a filter: refused here (unconfirmed: HubSpot may instead match nothing).
    if (!known(filter.propertyName))
      throw validationError(`Property "${filter.propertyName}" does not exist.`);
    checkOperands(filter);
  }
  const sort = input.sorts?.[0];
  if (sort && !known(sort.propertyName))
    throw validationError(`Property "${sort.propertyName}" does not exist.`);

  const floor = inModifiedOrder ? modifiedFloor(type, groups) : null;
  const records = floor === null ? all : all.slice(firstModifiedFrom(all, floor));
  const query = input.query?.trim().toLowerCase() ?? '';
  const matching = records.filter(
    (record) =>
      (groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(record, f)))) &&
      (query === '' ||
        QUERY_PROPERTIES[type].some((name) => (record.properties[name] ?? '').toLowerCase().includes(query))),
  );
  const sortBy = sort?.propertyName;
  const direction = sort?.direction === 'DESCENDING' ? -1 : 1;
  matching.sort((a, b) => {
    if (sortBy === undefined) return a.createdAt - b.createdAt || a.id - b.id;
    const x = comparableValue(a, sortBy);
    const y = comparableValue(b, sortBy);
    // Records without the value sort last either way (unconfirmed).
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
    return direction * compare(x, y) || a.id - b.id;
  });
  const page = matching.slice(offset, offset + limit);
  const names = propertyNames(type, input.properties);
  const next = offset + limit;
  return {
    total: matching.length,
    results: page.map((record) => serialise(record, { properties: names })),
    // HubSpot offers the next page while there are more results, even the 10,000th: asking for it is the 400.
    ...(next < matching.length ? { paging: { next: { after: String(next) } } } : {}),
  };
}

function checkOperands(filter: Filter): void {
  const needs = (what: string, ok: boolean) => {
    if (!ok) throw validationError(`${filter.operator} on "${filter.propertyName}" needs ${what}.`);
  };
  switch (filter.operator) {
    case 'BETWEEN':
      needs('value and highValue', filter.value !== undefined && filter.highValue !== undefined);
      break;
    case 'IN':
    case 'NOT_IN':
      needs('values', filter.values !== undefined);
      break;
    case 'HAS_PROPERTY':
    case 'NOT_HAS_PROPERTY':
      break;
    default:
      needs('a value', filter.value !== undefined);
  }
}

const compare = (x: Comparable, y: Comparable): number =>
  typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));

/** A filter value as the property compares it: datetimes (epoch ms or ISO) and numbers as numbers. */
function operand(record: HsObject, name: string, raw: string | number | boolean): Comparable | null {
  const kind = name === 'hs_object_id' ? 'number' : PROPERTIES[record.type][name]?.kind;
  const text = String(raw);
  if (kind === 'datetime') return parseDatetime(text);
  if (kind === 'number') {
    const n = Number(text);
    return Number.isNaN(n) ? null : n;
  }
  // Values are case-insensitive except enumerations [SEARCH].
  return kind === 'enumeration' ? text : text.toLowerCase();
}

const normalised = (record: HsObject, name: string, value: string | number): Comparable =>
  typeof value === 'number' || PROPERTIES[record.type][name]?.kind === 'enumeration'
    ? value
    : value.toLowerCase();

function matches(record: HsObject, filter: Filter): boolean {
  const name = filter.propertyName;
  const stored = comparableValue(record, name);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return stored !== null;
    case 'NOT_HAS_PROPERTY':
      return stored === null;
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const pattern = String(filter.value ?? '');
      const found = stored !== null && tokens(String(stored)).some((token) => globMatches(pattern, token));
      return filter.operator === 'CONTAINS_TOKEN' ? found : !found;
    }
    case 'IN':
    case 'NOT_IN': {
      // IN takes string values in lower case [SPEC]: they are compared as given with the lower-cased value.
      const kind = PROPERTIES[record.type][name]?.kind;
      const values = (filter.values ?? []).map((v) =>
        kind === 'datetime'
          ? parseDatetime(String(v))
          : kind === 'number' || name === 'hs_object_id'
            ? Number(v)
            : String(v),
      );
      const found = stored !== null && values.includes(normalised(record, name, stored));
      return filter.operator === 'IN' ? found : !found;
    }
    default:
      break;
  }
  // Comparisons: a record without a value matches none of them, NEQ included (unconfirmed).
  if (stored === null) return false;
  const value = operand(record, name, filter.value ?? '');
  if (value === null) return false;
  const x = normalised(record, name, stored);
  const c = compare(x, value);
  switch (filter.operator) {
    case 'EQ':
      return c === 0;
    case 'NEQ':
      return c !== 0;
    case 'LT':
      return c < 0;
    case 'LTE':
      return c <= 0;
    case 'GT':
      return c > 0;
    case 'GTE':
      return c >= 0;
    case 'BETWEEN': {
      const high = operand(record, name, filter.highValue ?? '');
      return high !== null && c >= 0 && compare(x, high) <= 0;
    }
    default:
      return false;
  }
}
