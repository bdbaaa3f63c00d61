/**
 * Declares a Dexie database's schema history, parsing it once.
 *
 * Dexie's `db.version(n).stores(spec)` parses the schema of every declared version again on each
 * call, and `version(n)` makes one such call itself. Declaring N versions therefore parses about
 * N² schemas. For the cache's eight versions this took 7.75 ms of every worker start in Chromium
 * (median of 20 woken workers, timed statement by statement; issue 12), on the path to a woken
 * worker's first card.
 *
 * This declares every version first, while their schemas are still empty and cheap to parse. It
 * then records each version's stores where `stores()` itself records them (`_cfg.storesSource`,
 * Dexie's own field, unchanged since Dexie 1). Finally it calls `stores()` once, which works out
 * every version's schema from those records, as the plain calls would have.
 *
 * If a later Dexie no longer has that field, the history is declared with the plain calls instead.
 * That is slower, but the same. declare-versions.test.ts checks that both ways give Dexie the same
 * schema for every version.
 */
import type { Dexie, Transaction } from 'dexie';

export interface SchemaVersion {
  version: number;
  /** What `stores()` is given for this version: the tables it adds or changes, null for one it deletes. */
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => PromiseLike<unknown> | undefined;
}

/** The one field of Dexie's `Version` this relies on. */
interface VersionConfig {
  storesSource: Record<string, string | null> | null;
}

const configOf = (version: object): VersionConfig | null => {
  const cfg = (version as { _cfg?: unknown })._cfg;
  return typeof cfg === 'object' && cfg !== null && 'storesSource' in cfg ? (cfg as VersionConfig) : null;
};

/**
 * Declares `history` on `db`, as `db.version(v).stores(s).upgrade(u)` for each would. Each version
 * appears once, oldest first (a version given twice would have its stores replaced, not added to).
 */
export function declareVersions(db: Dexie, history: readonly SchemaVersion[]): void {
  history.forEach((h, i) => {
    const before = history[i - 1];
    if (before && before.version >= h.version)
      throw new Error(`schema version ${h.version} follows ${before.version}: give each once, oldest first`);
  });
  const declared = history.map((h) => ({ ...h, version: db.version(h.version) }));
  const configs = declared.map(({ version }) => configOf(version));
  if (configs.every((c) => c !== null)) {
    configs.forEach((cfg, i) => {
      cfg.storesSource = { ...(history[i]?.stores ?? {}) };
    });
    // One parse of every version's schema: the loop each plain `stores()` call runs.
    declared.at(-1)?.version.stores({});
  } else {
    for (const { version, stores } of declared) version.stores(stores);
  }
  for (const { version, upgrade } of declared) if (upgrade) version.upgrade(upgrade);
}
