/**
 * What the read models remember (cards per thread, row badges) is valid for one version of the
 * account's cache (thread-views.ts, `versionOf`). The paths that change the cache say so
 * (`changed`, a sync step, a look-up); this middleware makes it hold whichever path wrote, the way
 * the outbox's copy is kept (outbox-mirror.ts): every committed write to a table a read model reads
 * moves the version, so nothing remembered outlives the data it came from — not after a command
 * that failed half-way, the retention purge or "Delete my data".
 */
import type { DBCore, Middleware } from 'dexie';
import { afterCommit } from '../../db/after-commit';
import { ACCOUNT_TABLES } from '../../db/threadline-db';

/** Account tables no card, status line or badge is built from: sync progress, the audit log, consents. */
const UNVERSIONED: ReadonlySet<string> = new Set(['syncState', 'audit', 'consents', 'accounts']);

/** The tables cards, status lines and badges are built from: every account table but those (a new one is in by default). */
export const VERSIONED_TABLES: ReadonlySet<string> = new Set(
  ACCOUNT_TABLES.filter((t) => !UNVERSIONED.has(t)),
);

/** Calls `onCommit` after each committed write to a versioned table. */
export function cacheVersionMiddleware(onCommit: () => void): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'threadline:cache-version',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (!VERSIONED_TABLES.has(name)) return table;
        return {
          ...table,
          mutate: (request) =>
            table.mutate(request).then((result) => {
              afterCommit(request, onCommit);
              return result;
            }),
        };
      },
    }),
  };
}
