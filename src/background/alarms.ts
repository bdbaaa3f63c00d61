/**
 * Every alarm of the worker, in one place: its name, when it is set, and what it runs. Alarms, not
 * timers: Chrome stops the worker when idle, and an alarm wakes it again.
 */
import type { Logger } from '../shared/logger';
import type { AfterStart } from './after-start';
import type { Platform } from './platform';

export const SYNC_ALARM = 'threadline-sync';
export const SYNC_PERIOD_MINUTES = 5;
/** Wakes the worker when the outbox's next write is due. */
export const OUTBOX_ALARM = 'threadline-outbox';
/** Wakes the worker to try a sync paused for lack of storage again. */
export const STORAGE_RETRY_ALARM = 'threadline-storage-retry';
export const RETENTION_ALARM = 'threadline-retention';
export const RETENTION_PERIOD_MINUTES = 24 * 60;

export const startSyncAlarm = (alarms: Platform['alarms']): Promise<void> =>
  alarms.create(SYNC_ALARM, { periodInMinutes: SYNC_PERIOD_MINUTES });

/** The one-off wake-ups the background jobs ask for (background-jobs.ts), at a time in ms. */
export interface Wakeups {
  outboxDue(when: number): Promise<void>;
  storageRetry(when: number): Promise<void>;
}

export const wakeups = (alarms: Pick<Platform['alarms'], 'create'>): Wakeups => ({
  outboxDue: (when) => alarms.create(OUTBOX_ALARM, { when }),
  storageRetry: (when) => alarms.create(STORAGE_RETRY_ALARM, { when }),
});

export function registerAlarms(
  alarms: Platform['alarms'],
  on: {
    connected: () => Promise<boolean>;
    sync: () => Promise<void>;
    drainOutbox: () => Promise<void>;
    /** Sync paused for lack of storage: try again (background-jobs.ts sets it with backoff). */
    storageRetry: () => Promise<void>;
    retention: () => Promise<unknown>;
  },
  logger: Logger,
  /** When the checks below run: off a starting worker's first event (after-start.ts). */
  afterStart: AfterStart = (task) => task(),
): void {
  alarms.onAlarm.addListener((alarm) => {
    const run =
      alarm.name === SYNC_ALARM
        ? on.sync
        : alarm.name === OUTBOX_ALARM
          ? on.drainOutbox
          : alarm.name === STORAGE_RETRY_ALARM
            ? on.storageRetry
            : alarm.name === RETENTION_ALARM
              ? on.retention
              : null;
    void run?.().catch(() => logger.warn('alarm.failed', { alarm: alarm.name }));
  });
  // Chrome may drop alarms across a browser restart: a connected extension always has its sync alarm.
  const failed = (alarm: string) => () => logger.warn('alarm.setFailed', { alarm });
  void afterStart(() => Promise.all([on.connected(), alarms.get(SYNC_ALARM)]))
    .then(([connected, alarm]) => (connected && !alarm ? startSyncAlarm(alarms) : undefined))
    .catch(failed(SYNC_ALARM));
  // Retention runs daily whatever else happens.
  void afterStart(() => alarms.get(RETENTION_ALARM))
    .then((alarm) =>
      alarm
        ? undefined
        : alarms.create(RETENTION_ALARM, { delayInMinutes: 1, periodInMinutes: RETENTION_PERIOD_MINUTES }),
    )
    .catch(failed(RETENTION_ALARM));
}
