import { z } from 'zod';
import type { Db } from '../db/open-database';

/** Copper pages through at most the first 100,000 records of a search. */
export const MAX_SEARCH_WINDOW = 100_000;

/**
 * A number also sent as a numeric string: Copper accepts `"page_number":"2"` (a public connector's
 * live reads send paging and dates that way), so this server does too.
 */
export const numeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), schema);

export const pagingFields = {
  page_number: numeric(z.number().int().min(1)).optional(),
  page_size: numeric(z.number().int().min(1).max(200)).optional(),
  sort_direction: z.enum(['asc', 'desc']).optional(),
};

/** Filters every entity search shares: `ids` (documented on developer.copper.com). */
export const entityFilters = {
  ...pagingFields,
  ids: z.array(numeric(z.number().int().positive())).max(1000).optional(),
};

export interface SearchSpec {
  table: string;
  /** sort_by value → SQL expression. */
  sortable: Readonly<Record<string, string>>;
  defaultSort: string;
  defaultDirection?: 'asc' | 'desc';
}

export interface SearchRequest {
  page_number?: number | undefined;
  page_size?: number | undefined;
  sort_by?: string | undefined;
  sort_direction?: 'asc' | 'desc' | undefined;
  ids?: readonly number[] | undefined;
}

export interface Filter {
  where: string[];
  params: unknown[];
}

export const newFilter = (): Filter => ({ where: [], params: [] });

export function addIn(filter: Filter, column: string, values: readonly unknown[] | undefined): void {
  if (values === undefined) return;
  if (values.length === 0) {
    filter.where.push('0');
    return;
  }
  filter.where.push(`${column} IN (${values.map(() => '?').join(',')})`);
  filter.params.push(...values);
}

export function addCompare(filter: Filter, sql: string, value: unknown): void {
  if (value === undefined) return;
  filter.where.push(sql);
  filter.params.push(value);
}

/** Runs a paged, sorted search; returns the page's records and the total match count (X-PW-TOTAL). */
export function runSearch(
  db: Db,
  spec: SearchSpec,
  request: SearchRequest,
  filter: Filter,
): { records: Record<string, unknown>[]; total: number } {
  addIn(filter, 'id', request.ids);
  const where = filter.where.length > 0 ? `WHERE ${filter.where.join(' AND ')}` : '';
  const pageSize = request.page_size ?? 20;
  const offset = ((request.page_number ?? 1) - 1) * pageSize;
  const total = (
    db.prepare(`SELECT COUNT(*) AS n FROM ${spec.table} ${where}`).get(...filter.params) as { n: number }
  ).n;
  if (offset >= MAX_SEARCH_WINDOW) return { records: [], total };
  const sortExpr =
    spec.sortable[request.sort_by ?? spec.defaultSort] ?? spec.sortable[spec.defaultSort] ?? 'id';
  const direction = (request.sort_direction ?? spec.defaultDirection ?? 'asc') === 'desc' ? 'DESC' : 'ASC';
  const limit = Math.min(pageSize, MAX_SEARCH_WINDOW - offset);
  const rows = db
    .prepare(
      `SELECT data FROM ${spec.table} ${where} ORDER BY ${sortExpr} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
    )
    .all(...filter.params, limit, offset) as { data: string }[];
  return { records: rows.map((r) => JSON.parse(r.data) as Record<string, unknown>), total };
}

export function sortByField(spec: SearchSpec) {
  return z.enum(Object.keys(spec.sortable) as [string, ...string[]]).optional();
}
