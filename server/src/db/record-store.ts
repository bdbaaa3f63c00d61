import type { Db } from './open-database';

export type JsonRecord = Record<string, unknown>;

export interface Clock {
  /** Unix seconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

/** `date_modified` changes on every update, even twice in one second. */
export const nextModified = (previous: number, now: number): number => Math.max(now, previous + 1);

export function getRecord(db: Db, table: string, id: number): JsonRecord | undefined {
  const row = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get(id) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as JsonRecord) : undefined;
}

export function exists(db: Db, table: string, id: number): boolean {
  return db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
}

export function nextId(db: Db, table: string): number {
  return ((db.prepare(`SELECT MAX(id) AS m FROM ${table}`).get() as { m: number | null }).m ?? 0) + 1;
}

/** Inserts or replaces a record: indexed `columns` plus the full JSON in `data`. */
export function saveRecord(
  db: Db,
  table: string,
  columns: Record<string, unknown>,
  record: JsonRecord,
): void {
  const all = {
    ...columns,
    id: record.id,
    date_created: record.date_created,
    date_modified: record.date_modified,
  };
  const names = Object.keys(all);
  db.prepare(
    `INSERT OR REPLACE INTO ${table} (${names.join(', ')}, data) VALUES (${names.map(() => '?').join(', ')}, ?)`,
  ).run(...names.map((n) => normalise(all[n as keyof typeof all])), JSON.stringify(record));
}

const normalise = (value: unknown): unknown => (typeof value === 'boolean' ? Number(value) : (value ?? null));

/** Drops keys whose value is undefined, so an update only touches what the client sent. */
export function defined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
