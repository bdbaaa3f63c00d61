import { describe, expect, it, vi } from 'vitest';
import { createFakePlatform } from '../../test/unit/fake-platform';
import { createTabStateStore, EMPTY_THREAD_STATE, type TabStateStore } from './tab-state-store';

const thread = (threadId: string) => ({ threadId, subject: '', participants: [], messageIds: [] });

/** Removes tab 1, letting held writes go until it is done: `remove` waits for every write of the tab. */
async function settledByRemoving(store: TabStateStore, held: (() => void)[]): Promise<void> {
  const removed = store.remove(1).then(() => true);
  await vi.waitFor(async () => {
    held.shift()?.();
    expect(await Promise.race([removed, false])).toBe(true);
  });
}

describe('tab state store', () => {
  it('keeps seq growing even when the clock stands still or goes back', async () => {
    const { session } = createFakePlatform();
    let clock = 1000;
    const store = createTabStateStore(session, () => clock);
    const a = await store.open(1, 'me@x.test', thread('a'));
    clock = 500;
    const b = await store.open(1, 'me@x.test', thread('b'));
    const c = await store.open(1, 'me@x.test', thread('c'));
    expect([a.seq, b.seq, c.seq]).toEqual([1000, 1001, 1002]);
  });

  it('applies concurrent updates of one tab in call order', async () => {
    const { session } = createFakePlatform();
    const store = createTabStateStore(session, () => 1);
    await Promise.all([
      store.open(1, 'me@x.test', thread('a')),
      store.close(1, 'me@x.test', 'a'),
      store.open(1, 'me@x.test', thread('b')),
    ]);
    expect(await store.get(1)).toMatchObject({ seq: 3, thread: { threadId: 'b' } });
  });

  it('never lets a read that started before a write put the older state back in its cache', async () => {
    const { session } = createFakePlatform();
    const pending: (() => void)[] = [];
    const slow = {
      ...session,
      // Reads wait until released, as reading a large value can in the browser.
      get: async (k: string) => {
        const value = await session.get(k);
        await new Promise<void>((resolve) => pending.push(resolve));
        return value;
      },
    };
    const store = createTabStateStore(slow, () => 1000);
    const staleRead = store.get(1); // starts before the thread opens: will see no state
    await new Promise((r) => setTimeout(r, 0));
    const opening = store.open(1, 'me@x.test', thread('a'));
    await new Promise((r) => setTimeout(r, 0));
    pending[1]?.(); // the open's own read finishes first...
    await opening;
    pending[0]?.(); // ...then the stale read
    await staleRead;
    expect((await store.get(1)).thread?.threadId).toBe('a');
  });

  it('treats a corrupt stored value as no state', async () => {
    const { session } = createFakePlatform();
    await session.set('tab:1', { seq: 'nope' });
    expect(await createTabStateStore(session).get(1)).toEqual(EMPTY_THREAD_STATE);
  });

  it('does not make a change wait for an earlier change to reach storage, and stores the last', async () => {
    const { session } = createFakePlatform();
    const held: (() => void)[] = [];
    const landed: (string | null)[] = [];
    const slow = {
      ...session,
      // Writes wait until released, as storage.session can on a busy machine.
      set: async (k: string, v: unknown) => {
        await new Promise<void>((resolve) => held.push(resolve));
        await session.set(k, v);
        landed.push((v as { thread: { threadId: string } | null }).thread?.threadId ?? null);
      },
    };
    const store = createTabStateStore(slow, () => 1000);
    await store.open(1, 'me@x.test', thread('a'));
    await store.close(1, 'me@x.test', 'a');
    // Neither write has landed; the next open is known at once all the same.
    expect((await store.open(1, 'me@x.test', thread('b'))).seq).toBe(1002);
    expect((await store.get(1)).thread?.threadId).toBe('b');
    expect(held).toHaveLength(1); // one write at a time, in order
    await vi.waitFor(() => {
      held.shift()?.();
      expect(landed).toHaveLength(2);
    });
    expect(await session.get('tab:1')).toMatchObject({ thread: { threadId: 'b' } });
    // A fresh worker reads the last state back.
    expect((await createTabStateStore(session).get(1)).thread?.threadId).toBe('b');
    // Removing the tab waits for its writes to settle: after it, nothing more can be written.
    await settledByRemoving(store, held);
    // Each write takes the latest state when its turn comes: the close's waited, and wrote b; the
    // open's, queued behind it, found b already stored and wrote nothing.
    expect(landed).toEqual(['a', 'b']);
  });

  it('repairs a failed write with the next, and stores the latest state whatever failed', async () => {
    const { session } = createFakePlatform();
    let failNext = true;
    const flaky = {
      ...session,
      set: async (k: string, v: unknown) => {
        if (failNext) {
          failNext = false;
          throw new Error('quota');
        }
        await session.set(k, v);
      },
    };
    const store = createTabStateStore(flaky, () => 1000);
    await store.open(1, 'me@x.test', thread('a')); // its write fails
    await store.close(1, 'me@x.test', 'a');
    await store.open(1, 'me@x.test', thread('b'));
    await vi.waitFor(async () =>
      expect(await session.get('tab:1')).toMatchObject({ thread: { threadId: 'b' } }),
    );
    // A read while the tab is being removed does not bring its state back afterwards.
    const removing = store.remove(1);
    await store.get(1);
    await removing;
    expect(await session.get('tab:1')).toBeUndefined();
    expect(await store.get(1)).toEqual(EMPTY_THREAD_STATE);
  });

  it('forgets a removed tab even when storage refuses the removal', async () => {
    const { session } = createFakePlatform();
    const refusing = {
      ...session,
      remove: async () => {
        throw new Error('gone');
      },
    };
    const store = createTabStateStore(refusing, () => 1000);
    await store.open(1, 'me@x.test', thread('a'));
    await expect(store.remove(1)).rejects.toThrow('gone');
    // Storage still holds the tab; this worker no longer keeps its own copy of it.
    await session.set('tab:1', { seq: 5, account: 'me@x.test', thread: thread('z') });
    expect((await store.get(1)).thread?.threadId).toBe('z');
  });

  it('does not take a write that failed as stored: the next one writes the same state again', async () => {
    const { session } = createFakePlatform();
    const held: (() => void)[] = [];
    const attempts: string[] = [];
    let failing = 0;
    const flaky = {
      ...session,
      set: async (k: string, v: unknown) => {
        attempts.push((v as { thread: { threadId: string } | null }).thread?.threadId ?? 'none');
        await new Promise<void>((resolve) => held.push(resolve));
        if (attempts.length === 2) {
          failing += 1;
          throw new Error('quota');
        }
        await session.set(k, v);
      },
    };
    const store = createTabStateStore(flaky, () => 1000);
    await store.open(1, 'me@x.test', thread('x')); // its write waits in storage
    await store.open(1, 'me@x.test', thread('a'));
    await store.close(1, 'me@x.test', 'a');
    await store.open(1, 'me@x.test', thread('b')); // three writes queued behind x's
    await vi.waitFor(() => {
      held.shift()?.();
      expect(attempts).toHaveLength(3);
    });
    await settledByRemoving(store, held);
    // x landed; the next write took the latest state, b, and failed; the next wrote b again; the
    // one queued behind it found b stored and wrote nothing.
    expect(failing).toBe(1);
    expect(attempts).toEqual(['x', 'b', 'b']);
  });

  it('takes a close only from the page that opened the thread', async () => {
    const { session } = createFakePlatform();
    const store = createTabStateStore(session, () => 1000);
    await store.open(1, 'me@x.test', thread('a'), 'doc-1');
    // The tab's next page opens the same thread before the first page's close arrives.
    await store.open(1, 'me@x.test', thread('a'), 'doc-2');
    expect(await store.close(1, 'me@x.test', 'a', 'doc-1')).toBeNull();
    expect((await store.get(1)).thread?.threadId).toBe('a');
    expect(await store.close(1, 'me@x.test', 'a', 'doc-2')).toMatchObject({ thread: null });
  });

  it('closes a thread another page of the tab left open when a page starts, and keeps the page', async () => {
    const { session } = createFakePlatform();
    const store = createTabStateStore(session, () => 1000);
    await store.open(1, 'me@x.test', thread('a'), 'doc-1');
    // The same page again (its hostStatus asked twice), or a page the browser did not name: no change.
    expect(await store.pageStarted(1, 'doc-1')).toBeNull();
    expect(await store.pageStarted(1, null)).toBeNull();
    const closed = await store.pageStarted(1, 'doc-2');
    expect(closed).toEqual({ seq: 1001, account: 'me@x.test', thread: null });
    expect(await store.get(1)).toEqual(closed);
    // Nothing open: nothing to change, and the page that went cannot close what the next one opens.
    expect(await store.pageStarted(1, 'doc-3')).toBeNull();
    await store.open(1, 'me@x.test', thread('b'), 'doc-2');
    expect(await store.close(1, 'me@x.test', 'b', 'doc-1')).toBeNull();
    // A fresh worker knows which page set the state; sidebars are never sent it.
    await vi.waitFor(async () =>
      expect(await session.get('tab:1')).toMatchObject({ thread: { threadId: 'b' }, documentId: 'doc-2' }),
    );
    const fresh = createTabStateStore(session, () => 1000);
    expect(Object.keys(await fresh.get(1)).sort()).toEqual(['account', 'seq', 'thread']);
    expect(await fresh.pageStarted(1, 'doc-2')).toBeNull();
    expect(await fresh.pageStarted(1, 'doc-4')).toMatchObject({ thread: null });
  });

  it('takes a page the browser did not name as any page: it neither clears nor is refused', async () => {
    const { session } = createFakePlatform();
    await session.set('tab:1', { seq: 5, account: 'me@x.test', thread: thread('z') });
    const store = createTabStateStore(session, () => 1000);
    expect((await store.get(1)).thread?.threadId).toBe('z');
    expect(await store.pageStarted(1, 'doc-1')).toBeNull();
    await store.open(1, 'me@x.test', thread('a'), null);
    expect(await store.pageStarted(1, 'doc-1')).toBeNull();
    expect(await store.close(1, 'me@x.test', 'a', 'doc-1')).toMatchObject({ thread: null });
  });
});
