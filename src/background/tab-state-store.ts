import { z } from 'zod/mini';
import { lazySchema } from '../shared/lazy-schema';
import { createLogger, logFailure } from '../shared/logger';
import type { ThreadFacts } from '../shared/protocol';
import { type ThreadState, threadStateSchema } from '../shared/sidebar-port';
import type { KeyValueArea } from './platform';
import { serialPerKey } from './serial-per-key';

const logger = createLogger('worker');

export const EMPTY_THREAD_STATE: ThreadState = { seq: 0, account: null, thread: null };

/** The page that sent a change (`MessageSender.documentId`); null where the browser gave none. */
type DocumentId = string | null;

export interface TabStateStore {
  get(tabId: number): Promise<ThreadState>;
  open(tabId: number, account: string, thread: ThreadFacts, documentId?: DocumentId): Promise<ThreadState>;
  /**
   * Clears the tab's thread only if `threadId` is still the open one, and was opened by this page:
   * the close of a page that went counts for nothing once the tab's next page opened a thread, the
   * same one or another. Returns null if nothing changed.
   */
  close(
    tabId: number,
    account: string,
    threadId: string,
    documentId?: DocumentId,
  ): Promise<ThreadState | null>;
  /**
   * A page of the tab says it is there (its `hostStatus`): a thread another page of the tab left
   * open is closed. That page went without closing it: it crashed, was discarded, or its close was
   * lost. Returns the new state, or null if nothing changed.
   */
  pageStarted(tabId: number, documentId: DocumentId): Promise<ThreadState | null>;
  remove(tabId: number): Promise<void>;
}

/**
 * What storage keeps per tab: the state and the page that set it. The page never goes to a sidebar;
 * a value without it reads as set by a page the browser did not name.
 */
const storedSchema = lazySchema(() =>
  z.extend(threadStateSchema, { documentId: z.optional(z.nullable(z.string())) }),
);

interface TabRecord {
  state: ThreadState;
  documentId: DocumentId;
}

const EMPTY_RECORD: TabRecord = { state: EMPTY_THREAD_STATE, documentId: null };

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
  const known = new Map<number, TabRecord>();

  const read = async (tabId: number): Promise<TabRecord> => {
    const cached = known.get(tabId);
    if (cached) return cached;
    const parsed = storedSchema.safeParse(await session.get(key(tabId)));
    // A write may have landed while this read waited: never let the older value replace it.
    const written = known.get(tabId);
    if (written) return written;
    const record = parsed.success
      ? {
          state: { seq: parsed.data.seq, account: parsed.data.account, thread: parsed.data.thread },
          documentId: parsed.data.documentId ?? null,
        }
      : EMPTY_RECORD;
    known.set(tabId, record);
    return record;
  };

  // Writes to storage, in call order per tab, apart from the state's order: a state change waits
  // only for the tab's first read, never for an earlier change's write (storage.session answers
  // from the browser process, which a busy machine can keep waiting).
  const writes = serialPerKey<number>();
  // What this worker's last write per tab stored (the same object as in `known` until it changes).
  // Compared by identity, which is safe because this worker is the only writer of `tab:` keys and
  // every change makes a new record: nothing edits a record in place or brings an old one back.
  const stored = new Map<number, TabRecord>();
  // The latest state when its turn comes, so a write that failed is repaired by the next one, and
  // a write queued behind one that already stored the latest state has nothing left to do.
  const persist = (tabId: number, record: TabRecord): Promise<void> =>
    writes.run(tabId, async () => {
      const latest = known.get(tabId) ?? record;
      if (stored.get(tabId) === latest) return;
      await session.set(key(tabId), { ...latest.state, documentId: latest.documentId });
      stored.set(tabId, latest);
    });

  const write = async (
    tabId: number,
    account: string | null,
    thread: ThreadFacts | null,
    documentId: DocumentId,
  ): Promise<ThreadState> => {
    const previous = await read(tabId);
    const record: TabRecord = {
      state: { seq: Math.max(now(), previous.state.seq + 1), account, thread },
      documentId,
    };
    known.set(tabId, record);
    // Off the caller's path; a worker stopped before it lands loses only the record of a thread the
    // user sees, and the next open writes it again.
    persist(tabId, record).catch(logFailure(logger.warn, 'tabState.writeFailed'));
    return record.state;
  };

  /** Both pages known, and not the same one (a page the browser did not name is taken as any). */
  const otherPage = (a: DocumentId, b: DocumentId): boolean => a !== null && b !== null && a !== b;

  return {
    get: async (tabId) => (await read(tabId)).state,
    open: (tabId, account, thread, documentId = null) =>
      updates.run(tabId, () => write(tabId, account, thread, documentId)),
    close: (tabId, account, threadId, documentId = null) =>
      updates.run(tabId, async () => {
        const current = await read(tabId);
        if (current.state.thread?.threadId !== threadId) return null;
        if (otherPage(current.documentId, documentId)) return null;
        return write(tabId, account, null, documentId);
      }),
    pageStarted: (tabId, documentId) =>
      updates.run(tabId, async () => {
        const current = await read(tabId);
        if (current.state.thread === null || !otherPage(current.documentId, documentId)) return null;
        return write(tabId, current.state.account, null, documentId);
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
