import type { ThreadFacts } from '../shared/protocol';
import { type ThreadState, threadStateSchema } from '../shared/sidebar-port';
import type { KeyValueArea } from './platform';

export const EMPTY_THREAD_STATE: ThreadState = { seq: 0, account: null, thread: null };

export interface TabStateStore {
  get(tabId: number): Promise<ThreadState>;
  open(tabId: number, account: string, thread: ThreadFacts): Promise<ThreadState>;
  /** Clears the tab's thread only if `threadId` is still the open one; returns null if nothing changed. */
  close(tabId: number, account: string, threadId: string): Promise<ThreadState | null>;
  remove(tabId: number): Promise<void>;
}

/**
 * Which thread each Gmail tab has open, kept in `storage.session` so a worker that Chrome stopped
 * comes back knowing it. Updates of one tab are applied in order; `seq` grows monotonically per tab
 * so the sidebar can drop an answer that arrives after a newer one.
 */
export function createTabStateStore(session: KeyValueArea, now: () => number = Date.now): TabStateStore {
  const key = (tabId: number): string => `tab:${tabId}`;
  // Ordering only: losing this map with the worker loses nothing durable.
  const queues = new Map<number, Promise<unknown>>();

  // Read-through copy of what this worker wrote or read (it is the only writer); a new worker
  // starts empty and reads storage again, so nothing durable lives here.
  const known = new Map<number, ThreadState>();

  const get = async (tabId: number): Promise<ThreadState> => {
    const cached = known.get(tabId);
    if (cached) return cached;
    const parsed = threadStateSchema.safeParse(await session.get(key(tabId)));
    // A write may have landed while this read waited: never let the older value replace it.
    const written = known.get(tabId);
    if (written) return written;
    const state = parsed.success ? parsed.data : EMPTY_THREAD_STATE;
    known.set(tabId, state);
    return state;
  };

  function serial<T>(tabId: number, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(tabId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(tabId, settled);
    void settled.then(() => {
      if (queues.get(tabId) === settled) queues.delete(tabId);
    });
    return next;
  }

  const write = async (
    tabId: number,
    account: string,
    thread: ThreadFacts | null,
    /** Told the new state as soon as this worker knows it, before storage has it. */
    known_?: (state: ThreadState) => void,
  ): Promise<ThreadState> => {
    const previous = await get(tabId);
    const state: ThreadState = { seq: Math.max(now(), previous.seq + 1), account, thread };
    known.set(tabId, state);
    known_?.(state);
    await session.set(key(tabId), state);
    return state;
  };

  return {
    get,
    // The new state goes to the view as soon as it is known: the write to storage.session finishes
    // in this tab's queue, off the time-to-card path (a worker stopped in between loses only the
    // record of a thread the user sees, and the next open writes it again).
    open: (tabId, account, thread) =>
      new Promise<ThreadState>((resolve, reject) => {
        serial(tabId, () => write(tabId, account, thread, resolve)).then(resolve, reject);
      }),
    close: (tabId, account, threadId) =>
      serial(tabId, async () => {
        const current = await get(tabId);
        if (current.thread?.threadId !== threadId) return null;
        return write(tabId, account, null);
      }),
    remove: (tabId) =>
      serial(tabId, () => {
        known.delete(tabId);
        return session.remove(key(tabId));
      }),
  };
}
