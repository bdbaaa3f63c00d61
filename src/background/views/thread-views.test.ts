import { describe, expect, it } from 'vitest';
import { addPerson } from '../../../test/unit/thread-deps';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import type { ThreadFacts } from '../../shared/protocol';
import type { StatusView, WorkerToSidebar } from '../../shared/sidebar-port';
import type { ThreadExtras } from '../../shared/thread-extras';
import type { KeyValueArea } from '../platform';
import type { CardLookups } from '../read-models/card-lookups';
import type { SidebarHub } from '../sidebar-hub';
import { createTabStateStore } from '../tab-state-store';
import { createThreadViews } from './thread-views';

const A = 'sam@corp.test';
const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Pricing',
  participants: [
    { name: 'Alice', address: 'alice@acme.test' },
    { name: 'Bob', address: 'bob@beta.test' },
  ],
  messageIds: ['<m1@x>', '<m2@x>'],
};
const status = (pendingWrites: number): StatusView => ({
  health: 'ok',
  message: null,
  sync: { running: false, initial: false, entity: null, fetched: 0, total: null, lastSyncAt: 1 },
  pendingWrites,
  failedWrites: 0,
  failedReasons: [],
  managed: false,
});

function memoryArea(): KeyValueArea {
  const data = new Map<string, unknown>();
  return {
    get: async (key) => data.get(key),
    set: async (key, value) => void data.set(key, value),
    remove: async (key) => void data.delete(key),
  } as KeyValueArea;
}

function setup(lookups: Partial<CardLookups> = {}, internal: readonly string[] = [], syncRunning = false) {
  // A card build waits at its first step (the teammates) while `hold.on`, until `hold.release()`.
  const hold = { on: false, waiting: [] as (() => void)[], release: () => hold.waiting.shift()?.() };
  const db = new ThreadlineDb(`views-${Math.random()}`);
  const sent: { tabId: number; message: WorkerToSidebar }[] = [];
  // Tabs whose sidebar page is connected; a message to any other tab is lost, as with real ports.
  const listening = new Set([7, 8]);
  const hub: SidebarHub = {
    onConnect: () => undefined,
    send: (tabId, message) => void (listening.has(tabId) ? sent.push({ tabId, message }) : undefined),
    attachLane: () => undefined,
    tabs: () => [...listening],
    forget: () => undefined,
  };
  const store = createTabStateStore(memoryArea());
  const counts = { teammates: 0, status: 0, extras: 0, searches: [] as string[][] };
  let pending = 0;
  const views = createThreadViews({
    db,
    hub,
    store,
    lookups: {
      search: async (_account, misses) => {
        counts.searches.push([...misses]);
        return false;
      },
      activities: async () => false,
      ...lookups,
    },
    teammatesOf: async () => {
      counts.teammates += 1;
      if (hold.on) await new Promise<void>((resolve) => hold.waiting.push(resolve));
      return new Set();
    },
    internalDomains: async () => internal,
    status: async () => {
      counts.status += 1;
      return status(pending);
    },
    extras: async () => {
      counts.extras += 1;
      return {} as ThreadExtras;
    },
    mayFetchActivities: () => !syncRunning,
    nowSec: () => 2_000_000_000,
    logger: createLogger('test'),
  });
  const viewsOf = (tabId: number) =>
    sent.flatMap(({ tabId: to, message }) => (to === tabId && message.type === 'view' ? [message] : []));
  const setPending = (n: number): void => {
    pending = n;
  };
  return { db, views, store, sent, counts, viewsOf, setPending, listening, hold };
}

/**
 * A refresh is queued with `setTimeout(…, 0)` (thread-views.ts coalesces a tick's requests that
 * way), and a rebuild asks for the teammates before anything else that waits. One task later, then,
 * a refresh queued before this call has begun: `counts.teammates` shows it.
 */
const queuedRefreshBegun = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('thread views', () => {
  it('paints an open with ONE view: the summary without message lists, the cards and the status', async () => {
    const asked: number[][] = [];
    const env = setup({
      activities: async (_account, ids) => {
        asked.push([...ids]);
        return false;
      },
    });
    await addPerson(env.db, 1, 'alice@acme.test', A);
    const outside = await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    expect(outside.map((p) => p.address)).toEqual(['alice@acme.test', 'bob@beta.test']);
    const [view, ...more] = env.viewsOf(7);
    expect(more).toEqual([]);
    expect(view).toMatchObject({
      type: 'view',
      state: { account: A, thread: { threadId: 't-1', subject: 'Pricing', messageCount: 2 } },
      cards: [{ address: 'alice@acme.test', state: 'person' }, { address: 'bob@beta.test' }],
      status: { pendingWrites: 0 },
    });
    expect(JSON.stringify(view)).not.toContain('<m1@x>');
    // The cards were built once, and the one unknown address was searched once.
    expect(env.counts.teammates).toBe(1);
    await expect.poll(() => env.counts.searches).toEqual([['bob@beta.test']]);
    // The look-ups' last step: the search found nobody, so Alice's activities were asked for, and
    // their answer (nothing fetched) asks for no refresh.
    await expect.poll(() => asked).toEqual([[1]]);
    await queuedRefreshBegun();
    expect(env.counts.teammates).toBe(1);
    expect(env.viewsOf(7)).toHaveLength(1);
  });

  it('while a sync runs, fetches only for cards that cannot show a phone, address or tags', async () => {
    const asked: number[][] = [];
    const activities = async (_account: string, ids: readonly number[]) => {
      asked.push([...ids]);
      return false;
    };
    const env = setup({ activities }, [], true);
    await addPerson(env.db, 1, 'alice@acme.test', A); // activities never fetched, details known
    await addPerson(env.db, 2, 'bob@beta.test', A, { details: false }); // stored by sync, never shown
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    expect(env.viewsOf(7)[0]).toMatchObject({
      cards: [{ detailsKnown: true }, { detailsKnown: false }],
    });
    await expect.poll(() => asked).toEqual([[2]]);
  });

  it('gives people at the admin’s internal domains no card and no CRM look-up', async () => {
    const env = setup({}, ['beta.test']);
    const outside = await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    expect(outside.map((p) => p.address)).toEqual(['alice@acme.test']);
    expect(env.viewsOf(7)[0]).toMatchObject({ cards: [{ address: 'alice@acme.test' }] });
    await expect.poll(() => env.counts.searches).toEqual([['alice@acme.test']]);
  });

  it('re-opening a thread reuses its cards while nothing changed, and builds them again after a change', async () => {
    const env = setup();
    const other: ThreadFacts = { ...thread, threadId: 't-2' };
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    await env.views.opened(7, A, other, env.store.open(7, A, other));
    const built = env.counts.teammates;
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    expect(env.counts.teammates).toBe(built);
    expect(env.viewsOf(7).at(-1)).toMatchObject({ cards: [{ address: 'alice@acme.test' }, {}] });
    env.views.accountChanged(A, 'none');
    await expect.poll(() => env.counts.teammates).toBe(built + 1);
    await env.views.opened(7, A, other, env.store.open(7, A, other));
    expect(env.counts.teammates).toBe(built + 2);
  });

  it('refreshes a tab once for many changes in one tick (an outbox drain), not once per change', async () => {
    const env = setup();
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    // The open's look-up is over (nobody is known: the search of both addresses is its only step).
    await expect.poll(() => env.counts.searches).toHaveLength(1);
    const before = env.counts.teammates;
    for (let i = 0; i < 50; i += 1) env.views.accountChanged(A, 'none');
    await expect.poll(() => env.viewsOf(7).length).toBe(2);
    // Something observable after the burst: a status change's view. No rebuild came between.
    env.views.statusChanged(A);
    await expect.poll(() => env.viewsOf(7).length).toBe(3);
    expect(env.counts.teammates - before).toBe(1);
  });

  it('re-sends built cards with a new status instead of building them again', async () => {
    const env = setup();
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    // The open's look-up is over (nobody is known: the search of both addresses is its only step).
    await expect.poll(() => env.counts.searches).toHaveLength(1);
    const built = env.counts.teammates;
    env.setPending(3);
    env.views.statusChanged(A);
    await expect.poll(() => env.viewsOf(7).length).toBe(2);
    expect(env.counts.teammates).toBe(built);
    const last = env.viewsOf(7).at(-1);
    expect(last).toMatchObject({ status: { pendingWrites: 3 }, cards: [{ address: 'alice@acme.test' }, {}] });
  });

  it('reads the status once per change for every tab of the account', async () => {
    const env = setup();
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    await env.views.opened(8, A, thread, env.store.open(8, A, thread));
    // Both opens' look-ups are over (a search each, their only step: nobody is known).
    await expect.poll(() => env.counts.searches).toHaveLength(2);
    const reads = env.counts.status;
    env.views.statusChanged(A);
    await expect.poll(() => env.viewsOf(8).length).toBe(2);
    await expect.poll(() => env.viewsOf(7).length).toBe(2);
    expect(env.counts.status - reads).toBe(1);
    expect(env.viewsOf(7)).toHaveLength(2);
    expect(env.viewsOf(8)).toHaveLength(2);
  });

  it('sends the extras once after a burst of views, off the paint path', async () => {
    const env = setup();
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    for (let i = 0; i < 5; i += 1) env.views.accountChanged(A, 'none');
    await expect.poll(() => env.counts.extras).toBeGreaterThanOrEqual(1);
    // Something observable after the burst: a status-only view, which asks for no extras.
    const views = env.viewsOf(7).length;
    env.views.statusChanged(A);
    await expect.poll(() => env.viewsOf(7).length).toBeGreaterThan(views);
    expect(env.counts.extras).toBeGreaterThanOrEqual(1);
    expect(env.counts.extras).toBeLessThanOrEqual(2);
  });

  it('a restarted worker rebuilds the view when the sidebar subscribes again', async () => {
    const env = setup();
    await env.store.open(7, A, thread);
    await env.views.subscribed(7);
    await expect.poll(() => env.viewsOf(7).length).toBe(1);
    expect(env.viewsOf(7)).toEqual([
      expect.objectContaining({
        state: expect.objectContaining({ thread: expect.objectContaining({ threadId: 't-1' }) }),
      }),
    ]);
  });

  it('cards that changed while no sidebar listened are rebuilt when the sidebar subscribes', async () => {
    const env = setup();
    env.listening.delete(7); // the thread opened before the sidebar page loaded
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    // The open's look-up is over (nobody is known: the search of both addresses is its only step).
    await expect.poll(() => env.counts.searches).toHaveLength(1);
    const builtAtOpen = env.counts.teammates;
    // The first sync stores Bob (and a deal) and ends: no tab listens, so nothing is refreshed.
    await addPerson(env.db, 2, 'bob@beta.test', A);
    env.views.accountChanged(A, 'all');
    // The change looked for the account's listening tabs and found none, and queued no refresh.
    expect(await env.views.tabsOf(A)).toEqual([]);
    await queuedRefreshBegun();
    expect(env.counts.teammates).toBe(builtAtOpen);
    env.listening.add(7);
    await env.views.subscribed(7);
    await expect.poll(() => env.viewsOf(7).length).toBe(2);
    expect(env.viewsOf(7)[0]).toMatchObject({ cards: [{ state: 'checking' }, { state: 'checking' }] });
    expect(env.viewsOf(7)[1]).toMatchObject({ cards: [{ state: 'checking' }, { state: 'person' }] });
    // A sidebar that subscribes again with nothing changed gets the same cards, not a rebuild.
    const built = env.counts.teammates;
    await env.views.subscribed(7);
    await expect.poll(() => env.viewsOf(7).length).toBe(3);
    await queuedRefreshBegun();
    expect(env.counts.teammates).toBe(built);
    expect(env.viewsOf(7)).toHaveLength(3);
  });

  it('when the search of unknown addresses finds nobody, the known people’s activities are still fetched', async () => {
    const asked: string[][] = [];
    const env = setup({
      activities: async (_account, personIds) => {
        asked.push([...personIds].map(String));
        return false;
      },
    });
    await addPerson(env.db, 1, 'alice@acme.test', A);
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    await expect.poll(() => env.counts.searches).toEqual([['bob@beta.test']]);
    await expect.poll(() => asked).toEqual([['1']]);
  });

  it('keeps no view of an older state: an open whose cards came last does not replace the next open’s', async () => {
    const env = setup();
    env.hold.on = true;
    const first = env.views.opened(7, A, thread, env.store.open(7, A, thread));
    await expect.poll(() => env.hold.waiting.length).toBe(1);
    env.hold.on = false;
    const next = { ...thread, threadId: 't-2' };
    await env.views.opened(7, A, next, env.store.open(7, A, next));
    env.hold.release();
    await first;
    expect(env.viewsOf(7).map((v) => v.state.thread?.threadId)).toEqual(['t-2']);
    await env.views.subscribed(7);
    expect(env.viewsOf(7).at(-1)?.state.thread?.threadId).toBe('t-2');
  });

  it('keeps no view of an older state: a rebuild that read the thread before its close sends nothing', async () => {
    const env = setup();
    await env.views.opened(7, A, thread, env.store.open(7, A, thread));
    env.hold.on = true;
    env.views.accountChanged(A, 'none');
    await expect.poll(() => env.hold.waiting.length).toBe(1);
    env.hold.on = false;
    const closed = await env.store.close(7, A, 't-1');
    if (!closed) throw new Error('not closed');
    await env.views.show(7, closed);
    const afterClose = env.viewsOf(7).length;
    // Another change while the held rebuild runs: its rebuild follows the held one, and ends the test.
    env.views.accountChanged(A, 'none');
    env.hold.release();
    await expect
      .poll(() =>
        env
          .viewsOf(7)
          .slice(afterClose)
          .some((v) => v.state.seq === closed.seq),
      )
      .toBe(true);
    expect(
      env
        .viewsOf(7)
        .slice(afterClose - 1)
        .map((v) => v.state.thread),
    ).toEqual([null, null]);
    await env.views.subscribed(7);
    expect(env.viewsOf(7).at(-1)?.state.thread).toBeNull();
  });
});
