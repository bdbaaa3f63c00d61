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

function setup(postToWorker?: (data: LaneOpen, port: MessagePort) => Promise<void>) {
  let listener: ((event: MessageEvent) => void) | null = null;
  const opened: { data: LaneOpen; port: MessagePort }[] = [];
  const fromWorker: unknown[] = [];
  /** What reached the sidebar's end of an offered port (seen in the same dispatch as the lane's handler). */
  const atSidebar: unknown[] = [];
  const lane = createSidebarLane({
    listen: (l) => {
      listener = l;
    },
    parent,
    postToWorker:
      postToWorker ??
      (async (data, port) => {
        ports.push(port);
        opened.push({ data, port });
      }),
    onWorkerMessage: (m) => void fromWorker.push(m),
  });
  /** The page offers a port; answers the content script's end. */
  const offer = (over: { origin?: string; source?: unknown; key?: string; ports?: number } = {}) => {
    const channel = new MessageChannel();
    ports.push(channel.port1, channel.port2);
    channel.port2.addEventListener('message', (event) => void atSidebar.push(event.data));
    const transferred = over.ports === 2 ? [channel.port2, new MessageChannel().port1] : [channel.port2];
    listener?.({
      origin: over.origin ?? 'https://mail.google.com',
      source: 'source' in over ? over.source : parent,
      data: { type: 'threadlineLaneOffer', key: over.key ?? KEY },
      ports: transferred,
    } as unknown as MessageEvent);
    return channel.port1;
  };
  /** What reached the worker's end of the newest lane. */
  const atWorker = (): unknown[] => {
    const got: unknown[] = [];
    const last = opened.at(-1);
    if (last) last.port.onmessage = (event) => void got.push(event.data);
    return got;
  };
  /** The sidebar's lane has handled `message` from the page (passed it on, or had nowhere to). */
  const reachedSidebar = (message: unknown) => expect.poll(() => atSidebar).toContainEqual(message);
  return { lane, offer, opened, fromWorker, atWorker, reachedSidebar };
}

/** Resolves when `port`'s other end has been closed (Node fires `close` on both ends of a channel). */
const closed = (port: MessagePort) =>
  new Promise<void>((resolve) => port.addEventListener('close', () => resolve(), { once: true }));

describe('sidebar tab lane', () => {
  it('passes the page’s messages to the worker once the keys match, and the worker’s back to the sidebar', async () => {
    const env = setup();
    const page = env.offer(); // offered before the worker's key came: held
    env.lane.setKey(KEY, CONN);
    expect(env.opened.map((o) => o.data)).toEqual([
      { type: 'threadlineLaneOpen', key: KEY, connection: CONN },
    ]);
    const got = env.atWorker();
    page.postMessage({ type: 'threadOpened', seq: 1 });
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 1 }]);
    env.opened[0]?.port.postMessage({ type: 'benchPong', seq: 4 });
    await expect.poll(() => env.fromWorker).toEqual([{ type: 'benchPong', seq: 4 }]);
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
      const got = env.atWorker();
      const page = env.offer(); // the tab's own offer: its lane is taken
      const forged = env.offer(bad);
      forged.postMessage({ type: 'threadOpened', seq: 1 });
      page.postMessage({ type: 'threadOpened', seq: 2 });
      // Had the forged offer been taken, it would have replaced the page's port (closing it): only
      // its message would pass. The page's message passing, alone, shows it was refused.
      await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 2 }]);
    }
  });

  it('stops passing messages when the worker stops, and opens a new lane with the next key', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    const page = env.offer();
    const before = env.atWorker();
    const [first] = env.opened;
    if (!first) throw new Error('no lane opened');
    const laneClosed = closed(first.port);
    env.lane.workerGone();
    page.postMessage({ type: 'threadOpened', seq: 1 });
    // The sidebar had the message with no lane to pass it on, and the old lane is closed.
    await env.reachedSidebar({ type: 'threadOpened', seq: 1 });
    await laneClosed;
    expect(before).toEqual([]);
    env.lane.setKey(KEY, CONN); // the restarted worker's subscribe answer
    const after = env.atWorker();
    page.postMessage({ type: 'threadOpened', seq: 2 });
    await expect.poll(() => after).toEqual([{ type: 'threadOpened', seq: 2 }]);
    expect(env.opened).toHaveLength(2);
  });

  it('drops the page’s port when the tab’s key changes (a new Gmail document offers again)', async () => {
    const env = setup();
    env.lane.setKey(KEY, CONN);
    const old = env.offer();
    const oldClosed = closed(old);
    env.lane.setKey('c'.repeat(32), CONN);
    const got = env.atWorker();
    old.postMessage({ type: 'threadOpened', seq: 1 });
    // The old document's port was closed: nothing posted on it passes.
    await oldClosed;
    expect(got).toEqual([]);
    const fresh = env.offer({ key: 'c'.repeat(32) });
    fresh.postMessage({ type: 'threadOpened', seq: 1 });
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 1 }]);
  });

  it('keeps the lane it took when a page script offers another port (wrong key, or before the key)', async () => {
    const env = setup();
    const forgedEarly = env.offer({ key: 'd'.repeat(32) }); // held with the real one until the key comes
    const refused = [closed(forgedEarly)];
    const page = env.offer();
    env.lane.setKey(KEY, CONN);
    const got = env.atWorker();
    const forgedLate = env.offer({ key: 'e'.repeat(32) });
    refused.push(closed(forgedLate));
    page.postMessage({ type: 'threadOpened', seq: 1 });
    forgedEarly.postMessage({ type: 'threadOpened', seq: 2 });
    forgedLate.postMessage({ type: 'threadOpened', seq: 3 });
    // Both forged ports were refused (closed: nothing on them passes), and the page's still passes.
    await Promise.all(refused);
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 1 }]);
  });

  it('opens the lane again with the next key when the worker could not be reached directly', async () => {
    let reachable = false;
    const env = setup(async (data, port) => {
      if (!reachable) throw new Error('no active worker');
      ports.push(port);
      env.opened.push({ data, port });
    });
    env.lane.setKey(KEY, CONN);
    const page = env.offer();
    page.postMessage({ type: 'threadOpened', seq: 1 });
    // The sidebar had the message, with no lane to the worker open.
    await env.reachedSidebar({ type: 'threadOpened', seq: 1 });
    expect(env.opened).toEqual([]);
    reachable = true;
    env.lane.setKey(KEY, CONN);
    const got = env.atWorker();
    page.postMessage({ type: 'threadOpened', seq: 2 });
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 2 }]);
  });
});
