import { afterEach, describe, expect, it } from 'vitest';
import type { LaneOpen } from '../shared/tab-lane';
import { createSidebarLane } from './tab-lane';

const KEY = 'a'.repeat(32);
const CONN = '1'.repeat(16);
const parent = { name: 'gmail' };
const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

function setup(postToWorker?: (data: LaneOpen, ports: [MessagePort, MessagePort]) => Promise<void>) {
  let listener: ((event: MessageEvent) => void) | null = null;
  const opened: { data: LaneOpen; sidebar: MessagePort; page: MessagePort }[] = [];
  const fromWorker: unknown[] = [];
  let asked = 0;
  const lane = createSidebarLane({
    listen: (l) => {
      listener = l;
    },
    parent,
    askForPort: () => {
      asked += 1;
    },
    postToWorker:
      postToWorker ??
      (async (data, [sidebar, page]) => {
        ports.push(sidebar, page);
        opened.push({ data, sidebar, page });
      }),
    onWorkerMessage: (m) => void fromWorker.push(m),
  });
  /** The page offers a port; answers the content script's end. */
  const offer = (over: { origin?: string; source?: unknown; key?: string; ports?: number } = {}) => {
    const channel = new MessageChannel();
    ports.push(channel.port1, channel.port2);
    const transferred = over.ports === 2 ? [channel.port2, new MessageChannel().port1] : [channel.port2];
    listener?.({
      origin: over.origin ?? 'https://mail.google.com',
      source: 'source' in over ? over.source : parent,
      data: { type: 'threadlineLaneOffer', key: over.key ?? KEY },
      ports: transferred,
    } as unknown as MessageEvent);
    return channel.port1;
  };
  /** What reaches the worker on the page's port of the newest lane (the content script's messages). */
  const atWorker = (): unknown[] => {
    const got: unknown[] = [];
    const last = opened.at(-1);
    if (last) last.page.onmessage = (event) => void got.push(event.data);
    return got;
  };
  return { lane, offer, opened, fromWorker, atWorker, asked: () => asked };
}

/** A thread open the content script posts on `page` reaches the worker on the newest lane's page port. */
async function reachesWorker(env: ReturnType<typeof setup>, page: MessagePort, seq: number): Promise<void> {
  const got = env.atWorker();
  page.postMessage({ type: 'threadOpened', seq });
  await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq }]);
}

/** Resolves when `port`'s other end has been closed (Node fires `close` on both ends of a channel). */
const closed = (port: MessagePort) =>
  new Promise<void>((resolve) => port.addEventListener('close', () => resolve(), { once: true }));

describe('sidebar tab lane', () => {
  it('hands the page’s port to the worker with its own once the keys match; the worker answers on its own', async () => {
    const env = setup();
    const page = env.offer(); // offered before the worker's key came: held
    expect(env.opened).toEqual([]);
    env.lane.setKey(KEY, CONN);
    expect(env.opened.map((o) => o.data)).toEqual([
      { type: 'threadlineLaneOpen', key: KEY, connection: CONN },
    ]);
    // The content script's messages reach the worker on the port it offered, not through the sidebar.
    await reachesWorker(env, page, 1);
    env.opened[0]?.sidebar.postMessage({ type: 'benchPong', seq: 4 });
    await expect.poll(() => env.fromWorker).toEqual([{ type: 'benchPong', seq: 4 }]);
    // The page offered its port when the frame loaded: nothing more was asked of it.
    expect(env.asked()).toBe(0);
  });

  it('opens the lane as soon as the page’s offer comes after the key', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    expect(env.opened).toEqual([]);
    expect(env.asked()).toBe(0); // the frame's load brings the first offer unasked
    const page = env.offer();
    await reachesWorker(env, page, 1);
  });

  it('asks its page for a port when page scripts crowded the page’s own offer out before the key came', async () => {
    const env = setup();
    const page = env.offer();
    const crowdedOut = closed(page);
    for (let i = 0; i < 4; i += 1) env.offer({ key: 'f'.repeat(32) });
    await crowdedOut;
    env.lane.setKey(KEY, CONN);
    expect(env.opened).toEqual([]);
    expect(env.asked()).toBe(1);
    const again = env.offer();
    await reachesWorker(env, again, 1);
  });

  it('leaves the lane it replaces to the worker: what the worker sent on it before still arrives', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    env.offer();
    env.offer(); // the page offered again (a request of the sidebar's crossed its first offer)
    const [first, second] = env.opened;
    if (!first || !second) throw new Error('two lanes expected');
    first.sidebar.postMessage({ type: 'benchPong', seq: 1 });
    second.sidebar.postMessage({ type: 'benchPong', seq: 2 });
    await expect.poll(() => env.fromWorker).toHaveLength(2);
    expect(env.fromWorker).toContainEqual({ type: 'benchPong', seq: 1 });
    // The worker closes the old lane once it takes the new one.
    first.sidebar.close();
    second.sidebar.postMessage({ type: 'benchPong', seq: 3 });
    await expect.poll(() => env.fromWorker).toContainEqual({ type: 'benchPong', seq: 3 });
  });

  it('refuses an offer from another origin, another window, with another key or extra ports', async () => {
    for (const bad of [
      { origin: 'https://evil.test' },
      { source: { name: 'another frame' } },
      { key: 'b'.repeat(32) },
      { ports: 2 },
    ]) {
      const env = setup();
      env.lane.setKey(KEY, CONN);
      const forged = env.offer(bad);
      // Refused: no lane opened with it (had it been taken, a lane would be open by now).
      expect(env.opened).toEqual([]);
      const page = env.offer(); // the tab's own offer: its lane is opened
      const got = env.atWorker();
      forged.postMessage({ type: 'threadOpened', seq: 1 });
      page.postMessage({ type: 'threadOpened', seq: 2 });
      await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 2 }]);
      expect(env.opened).toHaveLength(1);
    }
  });

  it('closes the lane when the worker stops, and asks the page for a new port for the next key', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    env.offer();
    const [first] = env.opened;
    if (!first) throw new Error('no lane opened');
    const laneClosed = closed(first.sidebar);
    env.lane.workerGone();
    await laneClosed;
    // The restarted worker's subscribe answer: the port the page gave went with the old worker.
    env.lane.setKey(KEY, '2'.repeat(16));
    expect(env.asked()).toBe(1);
    expect(env.opened).toHaveLength(1);
    const page = env.offer(); // the content script answers the request
    expect(env.opened.map((o) => o.data.connection)).toEqual([CONN, '2'.repeat(16)]);
    await reachesWorker(env, page, 2);
  });

  it('refuses an offer held before the key when the key that comes is another (a new Gmail document offers again)', async () => {
    const env = setup();
    const old = env.offer(); // held: no key yet
    const oldClosed = closed(old);
    env.lane.setKey('c'.repeat(32), CONN);
    // Offered with another key than the tab's: refused and closed, no lane.
    await oldClosed;
    expect(env.opened).toEqual([]);
    const fresh = env.offer({ key: 'c'.repeat(32) });
    await reachesWorker(env, fresh, 1);
  });

  it('keeps the lane it opened when a page script offers another port (wrong key, or before the key)', async () => {
    const env = setup();
    const forgedEarly = env.offer({ key: 'd'.repeat(32) }); // held with the real one until the key comes
    const refused = [closed(forgedEarly)];
    const page = env.offer();
    env.lane.setKey(KEY, CONN);
    const got = env.atWorker();
    const forgedLate = env.offer({ key: 'e'.repeat(32) });
    refused.push(closed(forgedLate));
    page.postMessage({ type: 'threadOpened', seq: 1 });
    // Both forged ports were refused (closed: nothing on them reaches anyone), and the lane stands.
    await Promise.all(refused);
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 1 }]);
    expect(env.opened).toHaveLength(1);
  });

  it('asks its page once more when a lane never reached the worker, not again while it stays out of reach', async () => {
    let reachable = false;
    const env = setup(async (data, [sidebar, page]) => {
      if (!reachable) throw new Error('no active worker');
      ports.push(sidebar, page);
      env.opened.push({ data, sidebar, page });
    });
    env.lane.setKey(KEY, CONN);
    const unread = env.offer();
    // Nothing would ever read the page's port: it is closed (the content script's end sees it),
    // and the page is asked for another at once, in the same connection.
    await closed(unread);
    expect(env.asked()).toBe(1);
    const again = env.offer();
    await closed(again);
    expect(env.asked()).toBe(1); // once per connection
    expect(env.opened).toEqual([]);
    // The next connection asks again, and its lane opens.
    reachable = true;
    env.lane.setKey(KEY, '2'.repeat(16));
    expect(env.asked()).toBe(2);
    const page = env.offer();
    await reachesWorker(env, page, 2);
  });

  it('does not ask again for a lane of a connection that already ended', async () => {
    let fail: (() => void) | null = null;
    const env = setup(
      () =>
        new Promise<void>((_, reject) => {
          fail = () => reject(new Error('no active worker'));
        }),
    );
    env.lane.setKey(KEY, CONN);
    const page = env.offer(); // its opening is still on its way when the worker restarts
    env.lane.setKey(KEY, '2'.repeat(16));
    expect(env.asked()).toBe(1); // the new connection's request
    (fail as (() => void) | null)?.();
    // The failed opening closed the page's port, in the same step as it decided not to ask.
    await closed(page);
    expect(env.asked()).toBe(1);
  });

  it('closes every lane of a connection when the next connection comes, the replaced ones too', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    env.offer();
    env.offer(); // a second lane on the same connection (the page offered again)
    const gone = Promise.all(env.opened.map((o) => closed(o.sidebar)));
    env.lane.setKey(KEY, '2'.repeat(16));
    await gone;
  });
});
