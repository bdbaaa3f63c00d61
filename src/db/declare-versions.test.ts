import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { declareVersions, type SchemaVersion } from './declare-versions';
import { cacheSchemaHistory, ThreadlineDb } from './threadline-db';

type Parsed = Record<string, { primKey: { src: string }; indexes: { src: string }[] }>;
type Internal = {
  _versions: {
    _cfg: { version: number; dbschema: Parsed; contentUpgrade: ((tx: unknown) => unknown) | null };
  }[];
  _storeNames: string[];
  verno: number;
};

/** What Dexie worked out for each declared version: the tables, primary keys and indexes, and whether it upgrades. */
function schemasOf(db: Dexie) {
  return (db as unknown as Internal)._versions.map(({ _cfg }) => ({
    version: _cfg.version,
    upgrades: _cfg.contentUpgrade !== null,
    tables: Object.fromEntries(
      Object.entries(_cfg.dbschema).map(([name, t]) => [
        name,
        [t.primKey.src, ...t.indexes.map((i) => i.src).sort()],
      ]),
    ),
  }));
}

/** Dexie's own way: `version(v).stores(s).upgrade(u)`, one version after another. */
function declarePlainly(db: Dexie, history: readonly SchemaVersion[]): void {
  for (const h of history) {
    const version = db.version(h.version).stores(h.stores);
    if (h.upgrade) version.upgrade(h.upgrade);
  }
}

const history = cacheSchemaHistory(undefined, () => undefined);

describe('declareVersions', () => {
  it("gives Dexie the cache's schema for every version, as Dexie's own calls do", () => {
    const fast = new Dexie('fast', { autoOpen: false });
    declareVersions(fast, history);
    const plain = new Dexie('plain', { autoOpen: false });
    declarePlainly(plain, history);
    expect(schemasOf(fast)).toEqual(schemasOf(plain));
    const internal = (db: Dexie) => db as unknown as Internal;
    expect(internal(fast)._storeNames).toEqual(internal(plain)._storeNames);
    expect(internal(fast).verno).toBe(8);
    expect(internal(plain).verno).toBe(8);
    // Sanity: the comparison sees the history (eight versions; people lose an index at version 3).
    const schemas = schemasOf(fast);
    expect(schemas.map((s) => s.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(schemas.map((s) => s.upgrades)).toEqual([false, false, true, true, true, false, true, false]);
    expect(schemas[0]?.tables.people).toContain('[account+companyId]');
    expect(schemas[2]?.tables.people).not.toContain('[account+companyId]');
    expect(Object.keys(schemas[4]?.tables ?? {})).toContain('peopleNext');
    expect(Object.keys(schemas[7]?.tables ?? {})).not.toContain('peopleNext');
  });

  it('gives each version its own upgrade', () => {
    const ran: number[] = [];
    const upgrade = (v: number) => () => {
      ran.push(v);
      return undefined;
    };
    const db = new Dexie('upgrades', { autoOpen: false });
    declareVersions(db, [
      { version: 1, stores: { a: 'id' } },
      { version: 2, stores: { b: 'id' }, upgrade: upgrade(2) },
      { version: 3, stores: {} },
      { version: 4, stores: { a: null }, upgrade: upgrade(4) },
    ]);
    for (const { _cfg } of (db as unknown as Internal)._versions) {
      ran.push(-_cfg.version);
      _cfg.contentUpgrade?.({});
    }
    expect(ran).toEqual([-1, -2, 2, -3, -4, 4]);
  });

  it('refuses a history out of order or with a version twice', () => {
    const db = new Dexie('order', { autoOpen: false });
    expect(() =>
      declareVersions(db, [
        { version: 2, stores: { a: 'id' } },
        { version: 1, stores: { b: 'id' } },
      ]),
    ).toThrow(/version 1 follows 2/);
    expect(() =>
      declareVersions(db, [
        { version: 1, stores: { a: 'id' } },
        { version: 1, stores: { b: 'id' } },
      ]),
    ).toThrow(/version 1 follows 1/);
  });

  it('makes the same tables on the database object', () => {
    const plain = new Dexie('plain-tables', { autoOpen: false });
    declarePlainly(plain, history);
    const db = new ThreadlineDb('fast-tables');
    expect(
      db.tables.map((t) => [t.name, t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)]),
    ).toEqual(plain.tables.map((t) => [t.name, t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)]));
    expect(db.people.name).toBe('people');
  });

  it('declares with the plain calls when Dexie keeps no record of what each version was given', () => {
    const calls: string[] = [];
    const version = (v: number) => ({
      stores: (spec: object) => {
        calls.push(`${v} stores ${Object.keys(spec).join(',')}`);
      },
      upgrade: () => {
        calls.push(`${v} upgrade`);
      },
    });
    const db = { version } as unknown as Dexie;
    declareVersions(db, [
      { version: 1, stores: { a: 'id' } },
      { version: 2, stores: { b: 'id' }, upgrade: () => undefined },
    ]);
    expect(calls).toEqual(['1 stores a', '2 stores b', '2 upgrade']);
  });
});
