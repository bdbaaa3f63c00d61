/**
 * Tells the user when the browser lost Threadline's database (issue 17). After a full disk Chromium
 * can find the database damaged at the next open and delete it ("IndexedDB recovering from a
 * corrupted (and deleted) database"); Dexie then creates it again, empty. Whatever the outbox held
 * would be gone with it, and so is the saved connection (its key is not kept anywhere else). The
 * user is told in the sidebar, the options page and the popup what happened and what to do.
 *
 * How it is known: the database's creation (Dexie's `populate`) is noted in `storage.local`, which
 * lives outside IndexedDB. A creation while that note already exists is a loss: the outbox's copy
 * (outbox/outbox-mirror.ts) is put back before anything else uses the new database, so the queued
 * changes are sent once the user connects again. An install whose database predates the note gets
 * the note at its first open, without a loss.
 */
import type Dexie from 'dexie';
import { type Logger, logFailure } from '../../shared/logger';
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
  /**
   * Puts the outbox's copy back into the database created again (outbox/outbox-mirror.ts), through
   * the open's own connection: nothing else uses the new database before it is done.
   */
  restore?: (vipDb: Dexie) => Promise<number>;
  /** The database is the one it was: drop copies of rows it no longer holds. */
  prune?: () => Promise<void>;
}): CacheLoss {
  const { db, local, nowMs, logger } = deps;
  let created = false;
  let checking: Promise<void> = Promise.resolve();
  // Only this worker writes the loss: read from storage.local once, then kept (every status asks).
  let lost: Promise<number | null> | null = null;
  const check = async (fresh: boolean, vipDb: Dexie) => {
    const born = await local.get(BORN);
    if (fresh && typeof born === 'number') {
      const at = nowMs();
      await local.set(LOST, at);
      lost = Promise.resolve(at);
      const restored = (await deps.restore?.(vipDb)) ?? 0;
      logger.warn('database.lost', {
        createdAgoDays: Math.floor((nowMs() - born) / 86_400_000),
        restoredWrites: restored,
      });
      deps.onLost();
    }
    if (fresh || typeof born !== 'number') await local.set(BORN, nowMs());
    if (!fresh && deps.prune) void deps.prune().catch(logFailure(logger.warn, 'outbox.pruneFailed'));
  };
  db.on('populate', () => {
    created = true;
  });
  // Sticky: on every open, including Dexie's reopen after Chromium closed the database.
  db.on(
    'ready',
    (vipDb) => {
      const fresh = created;
      created = false;
      checking = checking
        .then(() => check(fresh, vipDb))
        .catch(logFailure(logger.warn, 'database.checkFailed'));
      // A database created at this open: the open waits until a lost outbox is back in it.
      // Any other open does not wait for storage.local.
      return fresh ? checking : undefined;
    },
    true,
  );
  return {
    async lostAt() {
      await checking;
      lost ??= local.get(LOST).then((at) => (typeof at === 'number' ? at : null));
      return lost;
    },
    async dismiss() {
      await local.remove(LOST);
      lost = Promise.resolve(null);
    },
  };
}
