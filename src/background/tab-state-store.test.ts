import { describe, expect, it } from 'vitest';
import { createFakePlatform } from '../../test/unit/fake-platform';
import { createTabStateStore, EMPTY_THREAD_STATE } from './tab-state-store';

const thread = (threadId: string) => ({ threadId, subject: '', participants: [], messageIds: [] });

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
});
