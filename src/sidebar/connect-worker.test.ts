import { describe, expect, it } from 'vitest';
import type { SidebarView } from '../shared/sidebar-port';
import type { ThreadExtras } from '../shared/thread-extras';
import {
  connectWorker,
  MAX_SILENT_RECONNECTS,
  newSendOrder,
  RECONNECT_NOTICE_MS,
  receiveFromWorker,
  type SidebarPort,
} from './connect-worker';
import { createSidebarStore } from './store';

function fakeWorker() {
  const ports: { sent: unknown[]; message(m: unknown): void; drop(): void }[] = [];
  const connect = (): SidebarPort => {
    const onMessage = new Set<(m: unknown) => void>();
    const onDisconnect = new Set<() => void>();
    const entry = {
      sent: [] as unknown[],
      message: (m: unknown) => {
        for (const l of onMessage) l(m);
      },
      drop: () => {
        for (const l of onDisconnect) l();
      },
    };
    ports.push(entry);
    return {
      postMessage: (m) => void entry.sent.push(m),
      onMessage: { addListener: (l) => void onMessage.add(l) },
      onDisconnect: { addListener: (l) => void onDisconnect.add(l) },
    };
  };
  return { ports, connect };
}

const view = (seq: number, threadId: string | null): SidebarView => ({
  type: 'view',
  state: {
    seq,
    account: 'me@x.test',
    thread: threadId ? { threadId, subject: 's', participants: [], messageCount: 0 } : null,
  },
  cards: null,
  status: null,
});

const EXTRAS: ThreadExtras = {
  links: [],
  loggedMessages: 2,
  messageCount: 2,
  tasks: [],
  pipelines: [],
  crmDateOrder: 'monthFirst',
  consent: { emailLogging: true, version: 1 },
  settings: {
    emailContentLevel: 'metadata',
    autoLog: false,
    autoLogChangeable: true,
    prohibitedDataMode: 'block',
    disclosureUrl: null,
  },
};

describe('connectWorker', () => {
  it('subscribes on connect and shows what the worker sends', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    connectWorker(worker.connect, store, (run) => run());
    expect(worker.ports[0]?.sent).toEqual([{ type: 'subscribe' }]);
    expect(store.getState().connection).toBe('connecting');
    worker.ports[0]?.message(view(5, 'a'));
    expect(store.getState()).toMatchObject({ connection: 'connected', thread: { seq: 5 } });
  });

  it('drops an older state that arrives after a newer one', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    connectWorker(worker.connect, store, (run) => run());
    worker.ports[0]?.message(view(9, 'new'));
    worker.ports[0]?.message(view(3, 'old'));
    expect(store.getState().thread?.thread?.threadId).toBe('new');
  });

  it('drops what a later message of the same connection overtook on the lane, and counts anew after a reconnect', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    const order = newSendOrder();
    const keys: string[] = [];
    const lane = { setKey: (key: string) => void keys.push(key), workerGone: () => undefined };
    connectWorker(worker.connect, store, (run) => run(), lane, order);
    // The lane delivered n=2 (same seq, cards known) before the port delivered n=1 (cards null).
    receiveFromWorker(store, { ...view(4, 'a'), cards: [], n: 2 }, order);
    worker.ports[0]?.message({ ...view(4, 'a'), n: 1 });
    expect(store.getState().cards).toMatchObject({ contacts: [] });
    worker.ports[0]?.message({ type: 'laneKey', key: 'a'.repeat(32), connection: '1'.repeat(16), n: 3 });
    expect(keys).toEqual(['a'.repeat(32)]);
    // Another kind is not superseded by a later view: extras with a lower count still land.
    receiveFromWorker(store, { ...view(5, 'a'), cards: [], n: 6 }, order);
    receiveFromWorker(store, { type: 'extras', seq: 5, threadId: 'a', extras: EXTRAS, n: 5 }, order);
    expect(store.getState().extras?.extras.loggedMessages).toBe(2);
    worker.ports[0]?.drop(); // the worker restarted: a new connection counts from 1
    worker.ports[1]?.message({ ...view(5, 'b'), n: 1 });
    expect(store.getState().thread?.thread?.threadId).toBe('b');
  });

  it('ignores malformed messages', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    connectWorker(worker.connect, store, (run) => run());
    worker.ports[0]?.message({ type: 'view', state: { seq: -1 } });
    worker.ports[0]?.message('<script>');
    expect(store.getState().thread).toBeNull();
  });

  /**
   * A scheduler that holds what it is given: `run(ms)` runs (and forgets) all those scheduled with
   * that delay, `runFirst(ms)` only the earliest of them.
   */
  function heldSchedule() {
    const held: { run: () => void; ms: number }[] = [];
    return {
      schedule: (run: () => void, ms: number) => void held.push({ run, ms }),
      delays: () => held.map((h) => h.ms),
      run(ms: number) {
        const due = held.filter((h) => h.ms === ms);
        held.splice(0, held.length, ...held.filter((h) => h.ms !== ms));
        for (const h of due) h.run();
      },
      runFirst(ms: number) {
        const i = held.findIndex((h) => h.ms === ms);
        if (i >= 0) held.splice(i, 1)[0]?.run();
      },
    };
  }

  /** A sidebar whose worker answered once, then stopped; the reconnect has been made. */
  function afterRestart(order = newSendOrder()) {
    const worker = fakeWorker();
    const store = createSidebarStore();
    const timers = heldSchedule();
    connectWorker(worker.connect, store, timers.schedule, undefined, order);
    worker.ports[0]?.message(view(1, 'a'));
    worker.ports[0]?.drop();
    timers.run(0);
    return { worker, store, timers };
  }

  it('reconnects at once when the worker stops, and re-subscribes, without a notice when a view comes in time', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    const timers = heldSchedule();
    connectWorker(worker.connect, store, timers.schedule);
    worker.ports[0]?.message(view(1, 'a'));
    worker.ports[0]?.drop();
    // A routine restart (Chrome stops an idle worker): reconnect now, say so only if it lasts.
    expect(timers.delays().sort((a, b) => a - b)).toEqual([0, RECONNECT_NOTICE_MS]);
    expect(store.getState().connection).toBe('restarting');
    timers.run(0);
    expect(worker.ports[1]?.sent).toEqual([{ type: 'subscribe' }]);
    worker.ports[1]?.message(view(2, 'b'));
    expect(store.getState()).toMatchObject({ connection: 'connected', thread: { seq: 2 } });
    timers.run(RECONNECT_NOTICE_MS);
    expect(store.getState().connection).toBe('connected');
  });

  it('says it is reconnecting when no view has come within the notice delay', () => {
    const { worker, store, timers } = afterRestart();
    worker.ports[1]?.message({ type: 'view', state: { seq: -1 } }); // malformed
    worker.ports[1]?.message({ type: 'benchPong', seq: 1 }); // valid, but not a view
    timers.run(RECONNECT_NOTICE_MS);
    expect(store.getState().connection).toBe('reconnecting');
    worker.ports[1]?.message(view(2, 'b'));
    expect(store.getState().connection).toBe('connected');
  });

  it('a view over the tab lane ends a restart as well as one over the port', () => {
    const order = newSendOrder();
    const { store, timers } = afterRestart(order);
    receiveFromWorker(store, { ...view(2, 'a'), n: 1 }, order); // what main.tsx does with the lane's messages
    timers.run(RECONNECT_NOTICE_MS);
    expect(store.getState().connection).toBe('connected');
  });

  it('waits for the notice delay also when the new worker stops before answering', () => {
    const { worker, store, timers } = afterRestart();
    // Chrome may refuse a reconnect while the old worker shuts down: still routine for now.
    worker.ports[1]?.drop();
    expect(store.getState().connection).toBe('restarting');
    timers.run(RECONNECT_NOTICE_MS);
    expect(store.getState().connection).toBe('reconnecting');
  });

  it("lets each restart's own timer decide: an earlier one never shows the notice for a later restart", () => {
    const { worker, store, timers } = afterRestart(); // restart 1
    worker.ports[1]?.message(view(2, 'a')); // answered
    worker.ports[1]?.drop(); // restart 2, moments later
    timers.run(0);
    timers.runFirst(RECONNECT_NOTICE_MS); // restart 1's timer: restart 2 is still young
    expect(store.getState().connection).toBe('restarting');
    timers.runFirst(RECONNECT_NOTICE_MS); // restart 2's own timer: no view yet
    expect(store.getState().connection).toBe('reconnecting');
  });

  it('leaves a first connection that never answered "connecting", and says reconnecting after the delay', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    const timers = heldSchedule();
    connectWorker(worker.connect, store, timers.schedule);
    worker.ports[0]?.drop();
    timers.run(0);
    timers.run(RECONNECT_NOTICE_MS);
    expect(store.getState().connection).toBe('connecting');
    worker.ports[1]?.drop(); // once the delay is over, a stop without an answer says so at once
    expect(store.getState().connection).toBe('reconnecting');
  });

  it('backs off, then says the worker is unreachable, and can retry', () => {
    const worker = fakeWorker();
    const store = createSidebarStore();
    const delays: number[] = [];
    const pending: (() => void)[] = [];
    const connection = connectWorker(worker.connect, store, (run, ms) => {
      delays.push(ms);
      pending.push(run);
    });
    for (let i = 0; i <= MAX_SILENT_RECONNECTS; i += 1) {
      worker.ports.at(-1)?.drop();
      // The reconnect; after the last stop none is scheduled, and this runs the notice's timer.
      pending.pop()?.();
    }
    // The first stop also set the notice's timer; the rest are the reconnects' delays.
    expect(delays.shift()).toBe(RECONNECT_NOTICE_MS);
    expect(delays[0]).toBe(0);
    expect(delays.slice(1).every((d, i) => d >= (delays[i] ?? 0) && d <= 2000)).toBe(true);
    expect(store.getState().connection).toBe('unreachable');
    connection.retry();
    expect(store.getState().connection).toBe('connecting');
    worker.ports.at(-1)?.message(view(1, null));
    expect(store.getState().connection).toBe('connected');
  });
});
