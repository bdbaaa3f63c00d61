import { createLogger, errorName } from '../shared/logger';

const logger = createLogger('content');

/** Waits between attempts: 1 s, 2 s, 4 s … capped at 5 min, so a panel that appears late is found. */
export const MOUNT_RETRY_DELAYS_MS = { first: 1_000, max: 300_000 } as const;

export interface KeepMountingOptions {
  delays?: { first: number; max: number };
  /** Resolves when the sidebar is mounted; lets a test wait for the signal. */
  onMounted?: () => void;
}

/**
 * Mounts the sidebar off the critical path (issue 15): Gmail's side panel appears after the main
 * view, or not at all while Calendar or Gemini holds it, and InboxSDK's wait for it can resolve to
 * null or time out. Nothing else waits for this; a failed attempt is retried with backoff.
 */
export function keepMounting(mount: () => Promise<boolean>, options: KeepMountingOptions = {}): void {
  const delays = options.delays ?? MOUNT_RETRY_DELAYS_MS;
  const attempt = (n: number, delay: number): void => {
    mount().then(
      (mounted) => {
        if (mounted) {
          logger.info('sidebar.mounted', { attempt: n });
          options.onMounted?.();
          return;
        }
        logger.warn('sidebar.noPanel', { attempt: n, retryInMs: delay });
        setTimeout(() => attempt(n + 1, Math.min(delay * 2, delays.max)), delay);
      },
      (error: unknown) => {
        logger.warn('sidebar.mountFailed', {
          attempt: n,
          retryInMs: delay,
          error: errorName(error),
        });
        setTimeout(() => attempt(n + 1, Math.min(delay * 2, delays.max)), delay);
      },
    );
  };
  attempt(1, delays.first);
}
