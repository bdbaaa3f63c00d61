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

  /** Runs `work` after the tab's previous work in `queues` settled, whatever its outcome. */
  function chain<T>(
    queues: Map<number, Promise<unknown>>,
    tabId: number,
    work: () => Promise<T>,
  ): Promise<T> {
    const previous = queues.get(tabId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(tabId, settled);
    void settled.then(() => {
      if (queues.get(tabId) === settled) queues.delete(tabId);
    });
    return next;
  }
  // Ordering only: losing these maps with the worker loses nothing durable.
  /** Each tab's states are decided in call order... */
  const deciding = new Map<number, Promise<unknown>>();
  /** ...and written to storage in that same order, behind the deciding. */
  const writing = new Map<number, Promise<unknown>>();

  /**
   * The tab's next state, known to this worker (and returned) at once; its write to storage.session
   * is queued behind the tab's earlier writes and not waited for. A thread opened straight after
   * another closed (Gmail's j/k) so does not wait for the close's write. A write that fails loses
   * only the record of a thread the user sees, for a worker that Chrome stops before the next open
   * writes it again.
   */
  const decide = (
    tabId: number,
    /** The new account and thread, given the current state; null leaves the state as it is. */
    next: (current: ThreadState) => { account: string; thread: ThreadFacts | null } | null,
  ): Promise<ThreadState | null> =>
    chain(deciding, tabId, async () => {
      const previous = await get(tabId);
      const change = next(previous);
      if (!change) return null;
      const state: ThreadState = { seq: Math.max(now(), previous.seq + 1), ...change };
      known.set(tabId, state);
      void chain(writing, tabId, () => session.set(key(tabId), state)).catch(() => undefined);
      return state;
    });

  return {
    get,
    open: async (tabId, account, thread) =>
      (await decide(tabId, () => ({ account, thread }))) ?? EMPTY_THREAD_STATE,
    close: (tabId, account, threadId) =>
      decide(tabId, (current) => (current.thread?.threadId === threadId ? { account, thread: null } : null)),
    // Waits for the removal to reach storage, and so does whatever comes after it for this tab:
    // with nothing known, a later read goes to storage, which must not still hold the old state.
    remove: (tabId) =>
      chain(deciding, tabId, () => {
        known.delete(tabId);
        return chain(writing, tabId, () => session.remove(key(tabId)));
      }),
  };
}
