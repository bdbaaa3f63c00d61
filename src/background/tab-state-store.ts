import { createLogger, logFailure } from '../shared/logger';
import type { ThreadFacts } from '../shared/protocol';
import { type ThreadState, threadStateSchema } from '../shared/sidebar-port';
import type { KeyValueArea } from './platform';
import { serialPerKey } from './serial-per-key';

const logger = createLogger('worker');

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
 * so the sidebar can drop an answer that arrives after a newer one. An update resolves once this
 * worker knows it; its write to storage follows, in order, off the caller's path.
 */
export function createTabStateStore(session: KeyValueArea, now: () => number = Date.now): TabStateStore {
  const key = (tabId: number): string => `tab:${tabId}`;
  // Ordering only: losing these queues with the worker loses nothing durable.
  const updates = serialPerKey<number>();

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

  // Writes to storage, in call order per tab, apart from the state's order: a state change waits
  // only for the tab's first read, never for an earlier change's write (storage.session answers
  // from the browser process, which a busy machine can keep waiting).
  const writes = serialPerKey<number>();
  // What this worker's last write per tab stored (the same object as in `known` until it changes).
  // Compared by identity, which is safe because this worker is the only writer of `tab:` keys and
  // every change makes a new state object: nothing edits a state in place or brings an old one back.
  const stored = new Map<number, ThreadState>();
  // The latest state when its turn comes, so a write that failed is repaired by the next one, and
  // a write queued behind one that already stored the latest state has nothing left to do.
  const persist = (tabId: number, state: ThreadState): Promise<void> =>
    writes.run(tabId, async () => {
      const latest = known.get(tabId) ?? state;
      if (stored.get(tabId) === latest) return;
      await session.set(key(tabId), latest);
      stored.set(tabId, latest);
    });

  const write = async (tabId: number, account: string, thread: ThreadFacts | null): Promise<ThreadState> => {
    const previous = await get(tabId);
    const state: ThreadState = { seq: Math.max(now(), previous.seq + 1), account, thread };
    known.set(tabId, state);
    // Off the caller's path; a worker stopped before it lands loses only the record of a thread the
    // user sees, and the next open writes it again.
    persist(tabId, state).catch(logFailure(logger.warn, 'tabState.writeFailed'));
    return state;
  };

  return {
    get,
    open: (tabId, account, thread) => updates.run(tabId, () => write(tabId, account, thread)),
    close: (tabId, account, threadId) =>
      updates.run(tabId, async () => {
        const current = await get(tabId);
        if (current.thread?.threadId !== threadId) return null;
        return write(tabId, account, null);
      }),
    remove: (tabId) =>
      updates.run(tabId, async () => {
        await writes.idle(tabId);
        try {
          await session.remove(key(tabId));
        } finally {
          // Only now: a read in between would otherwise put the stored state back in memory. And
          // even if the removal failed: the tab is gone, and storage stays the one record of it.
          known.delete(tabId);
          stored.delete(tabId);
        }
      }),
  };
}
