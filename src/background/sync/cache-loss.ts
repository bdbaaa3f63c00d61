/**
 * Tells the user when the browser lost Threadline's database (issue 17). After a full disk Chromium
 * can find the database damaged at the next open and delete it ("IndexedDB recovering from a
 * corrupted (and deleted) database"); Dexie then creates it again, empty. Whatever the outbox held
 * is gone with it, and so is the saved connection. That cannot be undone here, but it must not pass
 * silently: the sidebar, the options page and the popup say what happened and what to check.
 *
 * How it is known: the database's creation (Dexie's `populate`) is noted in `storage.local`, which
 * lives outside IndexedDB. A creation while that note already exists is a loss. An install whose
 * database predates the note gets the note at its first open, without a loss.
 */
import type Dexie from 'dexie';
import type { Logger } from '../../shared/logger';
import type { KeyValueArea } from '../platform';

const BORN = 'databaseCreatedAt';
const LOST = 'databaseLostAt';

export interface CacheLoss {
  /** When the browser's loss of the database was found, or null (none, or dismissed). */
  lostAt(): Promise<number | null>;
  /** The user read the notice. */
  dismiss(): Promise<void>;
}

export function watchCacheLoss(deps: {
  db: Dexie;
  local: KeyValueArea;
  nowMs: () => number;
  logger: Logger;
  /** A loss was found: views show it. */
  onLost: () => void;
}): CacheLoss {
  const { db, local, nowMs, logger } = deps;
  let created = false;
  let checking: Promise<void> = Promise.resolve();
  const check = async (fresh: boolean) => {
    const born = await local.get(BORN);
    if (fresh && typeof born === 'number') {
      await local.set(LOST, nowMs());
      logger.warn('database.lost', { createdAgoDays: Math.floor((nowMs() - born) / 86_400_000) });
      deps.onLost();
    }
    if (fresh || typeof born !== 'number') await local.set(BORN, nowMs());
  };
  db.on('populate', () => {
    created = true;
  });
  // Sticky: on every open, including Dexie's reopen after Chromium closed the database.
  db.on(
    'ready',
    () => {
      const fresh = created;
      created = false;
      // Not returned: the open does not wait for storage.local.
      checking = checking
        .then(() => check(fresh))
        .catch((error: unknown) =>
          logger.warn('database.checkFailed', { error: error instanceof Error ? error.name : 'unknown' }),
        );
    },
    true,
  );
  return {
    async lostAt() {
      await checking;
      const at = await local.get(LOST);
      return typeof at === 'number' ? at : null;
    },
    dismiss: () => local.remove(LOST),
  };
}
