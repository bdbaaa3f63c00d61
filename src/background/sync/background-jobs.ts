/** The worker's background work: sync when stale, drain the outbox, note when an account was seen. */
import type { ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import type { ConnectionStore } from '../connection/connection-store';
import { CrmError } from '../crm/crm-error';
import type { Outbox } from '../outbox/outbox';
import { SYNC_ENTITIES, type SyncEngine } from './sync-engine';

export const SYNC_PERIOD_MINUTES = 5;
export const OUTBOX_ALARM = 'threadline-outbox';

export interface BackgroundJobs {
  /** Syncs the account when its cache is stale or unfinished (always when `force`). */
  maybeSync(account: string, force?: boolean): Promise<void>;
  /** Sends what the outbox has due; an alarm wakes the worker for what is due later. */
  drainOutbox(): Promise<void>;
  /** Records that the account was seen in Gmail (retention wipes accounts not seen for long). */
  noteAccount(account: string): Promise<void>;
}

export function createBackgroundJobs(deps: {
  db: ThreadlineDb;
  connection: Pick<ConnectionStore, 'info'>;
  sync: SyncEngine;
  outbox: Pick<Outbox, 'drain' | 'nextDue'>;
  createAlarm: (name: string, info: { when: number }) => Promise<void>;
  nowMs: () => number;
  logger: Logger;
}): BackgroundJobs {
  const { db, sync, nowMs } = deps;
  const nowSec = () => Math.floor(nowMs() / 1000);
  return {
    async maybeSync(account, force = false) {
      if (!(await deps.connection.info()) || sync.isRunning(account)) return;
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
      if (!force && !stale) return;
      await sync.sync(account).catch((error: unknown) => {
        deps.logger.warn('sync.failed', { kind: error instanceof CrmError ? error.kind : 'unknown' });
      });
    },
    async drainOutbox() {
      await deps.outbox.drain();
      const due = await deps.outbox.nextDue();
      if (due !== null) await deps.createAlarm(OUTBOX_ALARM, { when: Math.max(due, nowMs() + 1000) });
    },
    async noteAccount(account) {
      const seen = await db.accounts.get(account);
      if (seen && nowMs() - seen.lastSeenAt < 3_600_000) return;
      await db.accounts.put({ account, firstSeenAt: seen?.firstSeenAt ?? nowMs(), lastSeenAt: nowMs() });
    },
  };
}
