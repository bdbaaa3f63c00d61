/**
 * The worker's background work: sync when stale, drain the outbox, note when an account was seen.
 *
 * Every sync run and every outbox drain passes through here, so this is where a write the browser
 * refused for lack of space (db/storage-full.ts) is caught, whatever path made it (issue 17):
 * - the run stops where it is: each page is stored with its watermark in one transaction
 *   (sync-engine.ts), so nothing half-applied remains, and the outbox keeps the write it was on;
 * - the account's sync is paused (storage-pause.ts), which its status shows in plain words;
 * - one retry alarm is set with backoff, and nothing else retries sooner except the user's
 *   "Sync now": no retry storm. The next run that stores what it must ends the pause.
 */
import { isStorageFull, reviveAfterStorageFull, StorageFullError } from '../../db/storage-full';
import type { ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { SYNC_PERIOD_MINUTES, type Wakeups } from '../alarms';
import type { ConnectionStore } from '../connection/connection-store';
import { CrmError } from '../crm/crm-error';
import type { Outbox } from '../outbox/outbox';
import type { StoragePause } from './storage-pause';
import { SYNC_ENTITIES, type SyncEngine } from './sync-engine';

export interface BackgroundJobs {
  /** Syncs the account when its cache is stale or unfinished (always when `force`). */
  maybeSync(account: string, force?: boolean): Promise<void>;
  /** Sends what the outbox has due; an alarm wakes the worker for what is due later. */
  drainOutbox(): Promise<void>;
  /** Records that the account was seen in Gmail (retention wipes accounts not seen for long). */
  noteAccount(account: string): Promise<void>;
  /** The storage retry alarm: syncs every paused account again, then drains the outbox. */
  retryPaused(): Promise<void>;
}

export function createBackgroundJobs(deps: {
  db: ThreadlineDb;
  connection: Pick<ConnectionStore, 'info'>;
  sync: SyncEngine;
  outbox: Pick<Outbox, 'drain' | 'nextDue'>;
  pause: StoragePause;
  /** The account's status changed (paused or resumed): refresh what shows it. */
  statusChanged: (account: string) => void;
  /** The alarms that wake the worker for later work (alarms.ts). */
  wake: Wakeups;
  nowMs: () => number;
  logger: Logger;
}): BackgroundJobs {
  const { db, sync, nowMs, pause } = deps;
  const nowSec = () => Math.floor(nowMs() / 1000);

  /** Storage refused a write for `account`: pause it, and wake the worker once to try again. */
  async function paused(account: string): Promise<void> {
    const entry = await pause.pause(account);
    deps.logger.warn('storage.full', { attempts: entry.attempts });
    await deps.wake.storageRetry(entry.retryAt);
    deps.statusChanged(account);
  }

  const jobs: BackgroundJobs = {
    async maybeSync(account, force = false) {
      try {
        // Paused for lack of storage: only the retry alarm or the user ("Sync now") tries before then.
        const pausedFor = await pause.of(account);
        if (!force && pausedFor && nowMs() < pausedFor.retryAt) return;
        if (pausedFor) reviveAfterStorageFull(db);
        if (!(await deps.connection.info())) {
          // The database reads again, but holds no connection: nothing will sync, so a pause kept now
          // would show "out of space" for ever (no later run ends it). Seen after Chromium found the
          // database corrupt once space returned and deleted it ("IndexedDB recovering from a
          // corrupted (and deleted) database"): the user has to connect again, and is shown that.
          if (pausedFor && (await pause.resume(account))) {
            deps.logger.warn('storage.resumedDisconnected');
            deps.statusChanged(account);
          }
          return;
        }
        if (sync.isRunning(account)) return;
        const states = await db.syncState
          .where('[account+entity]')
          .between([account, ''], [account, '\uffff'])
          .toArray();
        const stale =
          states.length < SYNC_ENTITIES.length ||
          states.some(
            (s) =>
              s.phase !== 'delta' ||
              s.lastSyncAt === null ||
              nowSec() - s.lastSyncAt > SYNC_PERIOD_MINUTES * 60,
          );
        if (!force && !stale && !pausedFor) return;
        await sync.sync(account);
      } catch (error) {
        // Even reading the cache may fail once storage is full (Chromium closes the database).
        if (isStorageFull(error)) return paused(account);
        deps.logger.warn('sync.failed', { kind: error instanceof CrmError ? error.kind : 'unknown' });
        return;
      }
      // Everything the run fetched is stored: whatever paused the account is over.
      if (await pause.resume(account)) {
        deps.logger.info('storage.resumed');
        deps.statusChanged(account);
      }
    },
    async drainOutbox() {
      if (Object.keys(await pause.all()).length > 0) reviveAfterStorageFull(db);
      try {
        await deps.outbox.drain();
      } catch (error) {
        if (!isStorageFull(error)) throw error;
        // The write stays queued (outbox.ts leaves it untouched); the retry alarm drains it later.
        const account = error instanceof StorageFullError ? error.account : null;
        const accounts = account ? [account] : (await db.accounts.toArray()).map((a) => a.account);
        for (const a of accounts) await paused(a);
        return;
      }
      const due = await deps.outbox.nextDue();
      if (due !== null) await deps.wake.outboxDue(Math.max(due, nowMs() + 1000));
    },
    async retryPaused() {
      const accounts = Object.keys(await pause.all());
      for (const account of accounts) await jobs.maybeSync(account, true);
      await jobs.drainOutbox();
    },
    async noteAccount(account) {
      const seen = await db.accounts.get(account);
      if (seen && nowMs() - seen.lastSeenAt < 3_600_000) return;
      await db.accounts
        .put({ account, firstSeenAt: seen?.firstSeenAt ?? nowMs(), lastSeenAt: nowMs() })
        // Only a hint for retention: with storage full, it is noted the next time instead.
        .catch((error: unknown) => {
          if (!isStorageFull(error)) throw error;
        });
    },
  };
  return jobs;
}
