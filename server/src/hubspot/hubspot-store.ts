/**
 * HubSpot's objects in one generic table (`hs_objects`: type, id, the set properties as JSON,
 * created/updated/archived times in epoch ms) and its associations in another (`hs_associations`,
 * one row per direction). Ids are SQLite integers, served as digit strings.
 */
import type { Db } from '../db/open-database';
import { associationType } from './association-types';
import type { ObjectType } from './object-types';

export interface HsObject {
  id: number;
  type: ObjectType;
  /** Only the properties that have a value; datetimes as epoch-ms strings. */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | null;
}

interface Row {
  id: number;
  type: ObjectType;
  properties: string;
  created_at: number;
  updated_at: number;
  archived: number;
  archived_at: number | null;
}

/**
 * HubSpot ids are large numbers (e.g. 37765128953); the first one here has 11 digits and they count
 * up from it, well below 2^53.
 */
export const FIRST_OBJECT_ID = 30_000_000_001;

const fromRow = (row: Row): HsObject => ({
  id: row.id,
  type: row.type,
  properties: JSON.parse(row.properties) as Record<string, string>,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  archived: row.archived === 1,
  archivedAt: row.archived_at,
});

export interface AssociationRow {
  toId: number;
  typeIds: number[];
}

export type HubspotStore = ReturnType<typeof createHubspotStore>;

export function createHubspotStore(db: Db) {
  const statements = {
    maxId: db.prepare('SELECT MAX(id) AS m FROM hs_objects'),
    insert: db.prepare(
      'INSERT INTO hs_objects (id, type, properties, created_at, updated_at, archived, archived_at) VALUES (?, ?, ?, ?, ?, 0, NULL)',
    ),
    get: db.prepare('SELECT * FROM hs_objects WHERE type = ? AND id = ?'),
    byEmail: db.prepare(
      "SELECT * FROM hs_objects WHERE type = 'contacts' AND lower(json_extract(properties, '$.email')) = lower(?) AND archived = 0 ORDER BY id LIMIT 1",
    ),
    update: db.prepare('UPDATE hs_objects SET properties = ?, updated_at = ? WHERE id = ?'),
    archive: db.prepare('UPDATE hs_objects SET archived = 1, archived_at = ?, updated_at = ? WHERE id = ?'),
    page: db.prepare(
      'SELECT * FROM hs_objects WHERE type = ? AND archived = ? AND id >= ? ORDER BY id LIMIT ?',
    ),
    all: db.prepare('SELECT * FROM hs_objects WHERE type = ? AND archived = 0 ORDER BY updated_at, id'),
    associate: db.prepare(
      'INSERT OR IGNORE INTO hs_associations (from_id, type_id, to_id, from_type, to_type, category) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    associations: db.prepare(
      `SELECT a.to_id AS toId, a.type_id AS typeId FROM hs_associations a
        JOIN hs_objects o ON o.id = a.to_id AND o.archived = 0
        WHERE a.from_id = ? AND a.to_type = ? ORDER BY a.to_id, a.type_id`,
    ),
  };
  // Read each time (the primary key makes it cheap), so two stores on one file never reuse an id.
  const nextId = (): number =>
    ((statements.maxId.get() as { m: number | null }).m ?? FIRST_OBJECT_ID - 1) + 1;

  /**
   * Every live record of a type, parsed, kept until this store writes: search reads them all (a
   * query filters in memory), and parsing 100,000 contacts for each search made the double far
   * slower than HubSpot's 5 searches a second. Only this store writes its file while it serves.
   */
  const live = new Map<ObjectType, HsObject[]>();

  return {
    insert(
      type: ObjectType,
      properties: Record<string, string>,
      at: { created: number; updated: number },
    ): HsObject {
      const id = nextId();
      statements.insert.run(id, type, JSON.stringify(properties), at.created, at.updated);
      live.delete(type);
      return {
        id,
        type,
        properties,
        createdAt: at.created,
        updatedAt: at.updated,
        archived: false,
        archivedAt: null,
      };
    },
    get(type: ObjectType, id: number): HsObject | undefined {
      const row = statements.get.get(type, id) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    /** The live contact whose primary e-mail is `email`, case-insensitively. */
    contactByEmail(email: string): HsObject | undefined {
      const row = statements.byEmail.get(email) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    update(object: HsObject, properties: Record<string, string>, at: number): HsObject {
      // updatedAt moves on every write, even twice in one millisecond, so a GTE watermark sees it.
      const updatedAt = Math.max(at, object.updatedAt + 1);
      statements.update.run(JSON.stringify(properties), updatedAt, object.id);
      live.delete(object.type);
      return { ...object, properties, updatedAt };
    },
    archive(object: HsObject, at: number): void {
      statements.archive.run(at, Math.max(at, object.updatedAt + 1), object.id);
      live.delete(object.type);
    },
    /** A page of records in id order, from id `fromId` on (the list endpoint's cursor). */
    page(type: ObjectType, archived: boolean, fromId: number, limit: number): HsObject[] {
      return (statements.page.all(type, archived ? 1 : 0, fromId, limit) as Row[]).map(fromRow);
    },
    /** Every live record of a type, by last modified then id (search filters them). */
    all(type: ObjectType): readonly HsObject[] {
      let records = live.get(type);
      if (!records) {
        records = (statements.all.all(type) as Row[]).map(fromRow);
        live.set(type, records);
      }
      return records;
    },
    /** Records the association and its reverse. */
    associate(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number, typeId: number): void {
      const type = associationType(typeId);
      if (!type) throw new Error(`unknown association type ${typeId}`);
      statements.associate.run(fromId, typeId, toId, fromType, toType, 'HUBSPOT_DEFINED');
      statements.associate.run(toId, type.reverse, fromId, toType, fromType, 'HUBSPOT_DEFINED');
    },
    /** The live records of `toType` associated with `fromId`, with every type id between them. */
    associations(fromId: number, toType: ObjectType): AssociationRow[] {
      const rows = statements.associations.all(fromId, toType) as { toId: number; typeId: number }[];
      const grouped = new Map<number, number[]>();
      for (const row of rows) grouped.set(row.toId, [...(grouped.get(row.toId) ?? []), row.typeId]);
      return [...grouped].map(([toId, typeIds]) => ({ toId, typeIds }));
    },
    transaction<T>(work: () => T): T {
      try {
        return db.transaction(work)();
      } catch (error) {
        // A rolled-back write may have left a kept list that no longer matches the file.
        live.clear();
        throw error;
      }
    },
  };
}
