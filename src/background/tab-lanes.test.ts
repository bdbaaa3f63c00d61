import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  fakePort,
  gmailSender,
  recordingSink,
  sidebarSender,
  TEST_ORIGIN,
} from '../../test/unit/fake-platform';
import { memoryArea } from '../../test/unit/memory-area';
import { ThreadlineDb } from '../db/threadline-db';
import { createLogger } from '../shared/logger';
import type { AnyRequest, ThreadFacts } from '../shared/protocol';
import { SIDEBAR_PORT } from '../shared/sidebar-port';
import type { SenderContext } from './classify-sender';
import { main } from './main';
import { createTabLanes } from './tab-lanes';

const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Hello',
  participants: [{ name: 'Alice', address: 'alice@acme.test' }],
  messageIds: ['<m1@acme.test>'],
};
const ME = 'me@corp.test';
const content = (tabId: number, documentId = 'doc-1'): SenderContext => ({
  kind: 'gmailContentScript',
  tabId,
  frameId: 0,
  documentId,
});
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});
/** A real MessageChannel: the worker gets port2, the test plays the sidebar (or its page) on port1. */
function channel(): MessageChannel {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}
/** A lane's two channels: the sidebar's (answers) and the page's (requests); the worker gets each port2. */
function lanePair() {
  const sidebar = channel();
  const page = channel();
  return { sidebar, page, ports: { sidebar: sidebar.port2, page: page.port2 } };
}
const views = (sent: unknown[]) => sent.filter((m) => (m as { type: string }).type === 'view');
/** Resolves when `port`'s other end has been closed (Node fires `close` on both ends of a channel). */
const closed = (port: MessagePort) =>
  new Promise<void>((resolve) => port.addEventListener('close', () => resolve(), { once: true }));

describe('tab lanes: keys', () => {
  const lanes = (session = memoryArea()) =>
    createTabLanes({ session, logger: createLogger('worker', () => {}) });

  it('issues one random key per Gmail document, kept across a worker restart, and none to others', async () => {
    const session = memoryArea();
    const first = createTabLanes({ session, logger: createLogger('worker', () => {}) });
    const key = await first.issue(content(7));
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await first.issue(content(7))).toBe(key);
    expect(await first.issue(content(8))).not.toBe(key);
    // The worker restarts: the key the content script holds is still known, and given to the sidebar.
    const again = lanes(session);
    expect(await again.keyOf(7)).toBe(key);
    // A reloaded Gmail page is a new document: a new key, the old one is void.
    const reloaded = await again.issue(content(7, 'doc-2'));
    expect(reloaded).not.toBe(key);
    expect(await again.keyOf(7)).toBe(reloaded);
    expect(await again.issue({ ...content(7), kind: 'sidebarPage' })).toBeNull();
    again.forget(7);
    await expect.poll(() => again.keyOf(7)).toBeNull();
  });

  it('runs the first copy of a lane message and answers the second without running it', () => {
    const l = lanes();
    const open = (seq?: number): AnyRequest => ({ type: 'threadOpened', account: ME, thread, seq });
    expect(l.firstCopy(open(1), content(7))).toBe(true);
    expect(l.firstCopy(open(1), content(7))).toBe(false);
    expect(l.firstCopy({ type: 'threadClosed', account: ME, threadId: 't-1', seq: 1 }, content(7))).toBe(
      false,
    );
    expect(l.firstCopy(open(2), content(7))).toBe(true);
    // Another document, the benchmark's pings, a message without a count: their own.
    expect(l.firstCopy(open(1), content(7, 'doc-2'))).toBe(true);
    expect(l.firstCopy({ type: 'benchPing', seq: 1 }, content(7))).toBe(true);
    expect(l.firstCopy(open(), content(7))).toBe(true);
    expect(l.firstCopy(open(), content(7))).toBe(true);
  });

  it('knows a copy that already ran by its seq alone, before it is parsed, and records nothing', () => {
    const l = lanes();
    const open = (seq: unknown) => ({ type: 'threadOpened', account: ME, thread, seq });
    expect(l.ranBefore(open(3), content(7))).toBe(false);
    // Asking records nothing: the copy that comes first still runs.
    expect(l.firstCopy(open(3) as AnyRequest, content(7))).toBe(true);
    expect(l.ranBefore(open(3), content(7))).toBe(true);
    expect(l.ranBefore(open(2), content(7))).toBe(true);
    expect(l.ranBefore({ type: 'threadClosed', seq: 3 }, content(7))).toBe(true);
    // A later open, another document, the pings, no count, not a lane message.
    expect(l.ranBefore(open(4), content(7))).toBe(false);
    expect(l.ranBefore(open(3), content(7, 'doc-2'))).toBe(false);
    expect(l.ranBefore({ type: 'benchPing', seq: 1 }, content(7))).toBe(false);
    expect(l.ranBefore(open(undefined), content(7))).toBe(false);
    expect(l.ranBefore(open('3'), content(7))).toBe(false);
    expect(l.ranBefore({ type: 'rowBadges', seq: 1 }, content(7))).toBe(false);
    expect(l.ranBefore(null, content(7))).toBe(false);
    expect(l.firstCopy(open(4) as AnyRequest, content(7))).toBe(true);
  });

  it('refuses a lane without a key it issued, and closes both its ports', async () => {
    const l = lanes();
    await l.issue(content(7));
    const dispatched: unknown[] = [];
    const dispatch = (m: unknown) => void dispatched.push(m);
    const refused: Promise<void>[] = [];
    for (const data of [
      { type: 'threadlineLaneOpen', key: 'f'.repeat(32) },
      { type: 'threadlineLaneOpen' },
      { type: 'threadlineLaneOpen', key: await l.keyOf(7), extra: 1 },
    ]) {
      const { sidebar, page, ports } = lanePair();
      refused.push(closed(sidebar.port1), closed(page.port1));
      expect(await l.open(data, ports, dispatch)).toBeNull();
      page.port1.postMessage({ type: 'threadOpened', account: ME, thread, seq: 1 });
    }
    // Each refused port was closed: nothing posted on it can reach the worker.
    await Promise.all(refused);
    expect(dispatched).toEqual([]);
  });

  it('reads only the page’s port of a lane it took, and closes both ports with the lane', async () => {
    const l = lanes();
    const key = await l.issue(content(7));
    const dispatched: unknown[] = [];
    const { sidebar, page, ports } = lanePair();
    const dispatch = (m: unknown) => void dispatched.push(m);
    const opened = await l.open(
      { type: 'threadlineLaneOpen', key, connection: '1'.repeat(16) },
      ports,
      dispatch,
    );
    expect(opened).toMatchObject({ tabId: 7, connection: '1'.repeat(16) });
    sidebar.port1.postMessage({ type: 'threadOpened', account: ME, thread, seq: 1 });
    page.port1.postMessage({ type: 'threadOpened', account: ME, thread, seq: 2 });
    await expect.poll(() => dispatched).toEqual([{ type: 'threadOpened', account: ME, thread, seq: 2 }]);
    // The answers go on the sidebar's port.
    const answers: unknown[] = [];
    sidebar.port1.onmessage = (event) => void answers.push(event.data);
    opened?.lane.postMessage({ type: 'benchPong', seq: 3 });
    await expect.poll(() => answers).toEqual([{ type: 'benchPong', seq: 3 }]);
    // Nothing listens on the worker's end of the sidebar's port: what comes on it is never read.
    expect(ports.sidebar.onmessage).toBeNull();
    expect(dispatched).toHaveLength(1);
    const both = Promise.all([closed(sidebar.port1), closed(page.port1)]);
    opened?.lane.close();
    await both;
  });
});

function setup() {
  const fake = createFakePlatform();
  const sink = recordingSink();
  main(fake.platform, createLogger('worker', sink), {
    db: new ThreadlineDb(`lanes-${Math.random()}`),
    policyGraceMs: 5,
  });
  const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
  fake.connect(port);
  return { ...fake, sink, port };
}

/** The content script asks hostStatus, the sidebar subscribes and opens the lane with its key. */
async function openLane(env: ReturnType<typeof setup>, sidebar = env.port) {
  const status = (await env.send({ type: 'hostStatus', account: ME }, gmailSender(7))) as { lane: string };
  expect(status.lane).toMatch(/^[0-9a-f]{32}$/);
  sidebar.deliver({ type: 'subscribe' });
  await expect
    .poll(() => sidebar.sent)
    .toContainEqual(expect.objectContaining({ type: 'laneKey', key: status.lane }));
  const given = sidebar.sent.find((m) => (m as { type: string }).type === 'laneKey') as {
    connection: string;
  };
  const { sidebar: c, page, ports } = lanePair();
  const fromWorker: unknown[] = [];
  c.port1.onmessage = (event) => void fromWorker.push(event.data);
  env.openLane({ type: 'threadlineLaneOpen', key: status.lane, connection: given.connection }, ports);
  /**
   * What the worker sent on the lane until now has reached the sidebar: a marker posted on the
   * worker's end arrives after it (a port delivers in order).
   */
  const drained = async () => {
    const marker = { type: 'testMarker', id: Math.random() };
    c.port2.postMessage(marker);
    await expect.poll(() => fromWorker).toContainEqual(marker);
  };
  return {
    sidebar: c.port1,
    /** The content script's end of the lane. */
    page: page.port1,
    fromWorker,
    key: status.lane,
    connection: given.connection,
    drained,
  };
}

/** The subscribe's view has reached the sidebar (over its port, or its lane if open by then). */
const subscribeViewsArrived = (count: number, ...channels: unknown[][]) =>
  expect.poll(() => channels.reduce((sum, sent) => sum + views(sent).length, 0)).toBe(count);

describe('tab lanes through the worker', () => {
  it('runs a thread open that came by the lane as the content script’s, and paints over the lane', async () => {
    const env = setup();
    const { page, fromWorker, drained } = await openLane(env);
    await subscribeViewsArrived(1, env.port.sent, fromWorker);
    const before = views(env.port.sent).length;
    page.postMessage({ type: 'threadOpened', account: ME, thread, seq: 1 });
    await expect
      .poll(() => views(fromWorker))
      .toContainEqual(
        expect.objectContaining({ cards: [expect.objectContaining({ address: 'alice@acme.test' })] }),
      );
    await expect.poll(() => env.session.get('tab:7')).toMatchObject({ account: ME, thread });
    // Its copy by message is answered but not run again: no second view.
    const painted = views(fromWorker).length;
    expect(await env.send({ type: 'threadOpened', account: ME, thread, seq: 1 }, gmailSender(7))).toEqual({
      ok: true,
    });
    // Answered once handled, and a view is sent before that: one would be on the lane by now.
    await drained();
    expect(views(fromWorker)).toHaveLength(painted);
    expect(env.sink.lines.filter((l) => l.line.includes('message.secondCopy'))).toHaveLength(1);
    // Known by its seq, a copy is not read again: not even a field its schema refuses is looked at,
    // and nothing runs (a first copy with such a field is refused: main.test.ts).
    expect(
      await env.send({ type: 'threadOpened', account: ME, thread, seq: 1, extra: true }, gmailSender(7)),
    ).toEqual({ ok: true });
    await drained();
    expect(views(fromWorker)).toHaveLength(painted);
    expect(env.sink.lines.filter((l) => l.line.includes('rejected'))).toEqual([]);
    // The same copy from a sender its type does not allow is refused as ever, not answered.
    expect(
      await env.send({ type: 'threadOpened', account: ME, thread, seq: 1 }, sidebarSender(7)),
    ).toBeUndefined();
    expect(env.sink.lines.map((l) => l.line).join('\n')).toContain('sidebarPage may not send threadOpened');
    // Once the lane is open, nothing goes over the sidebar port any more.
    expect(views(env.port.sent)).toHaveLength(before);
  });

  it('checks lane messages like any other: the account, the sender’s rights, the shape', async () => {
    const env = setup();
    const { page, fromWorker } = await openLane(env);
    await env.send({ type: 'threadOpened', account: ME, thread, seq: 1 }, gmailSender(7));
    await expect.poll(() => views(fromWorker).length).toBeGreaterThan(0);
    const painted = views(fromWorker).length;
    // Another account than the tab's (pinned by its first message), a sidebar-only request, junk.
    page.postMessage({ type: 'threadOpened', account: 'other@corp.test', thread, seq: 2 });
    page.postMessage({ type: 'dismissCacheLoss' });
    page.postMessage({ type: 'threadOpened', account: ME, seq: 3 });
    await expect
      .poll(() => env.sink.lines.filter((l) => l.line.includes('rejected')).length)
      .toBeGreaterThan(2);
    expect(views(fromWorker)).toHaveLength(painted);
    expect(env.sink.lines.map((l) => l.line).join('\n')).toContain('not a lane message');
  });

  it('serves each sidebar of the tab on its own: a second iframe gets every view too, and its lane does not replace the first', async () => {
    const env = setup();
    const first = await openLane(env);
    const second = fakePort(SIDEBAR_PORT, sidebarSender(7));
    env.connect(second);
    const secondLane = await openLane(env, second);
    expect(secondLane.connection).not.toBe(first.connection);
    // Each subscribe's view.
    await subscribeViewsArrived(2, env.port.sent, second.sent, first.fromWorker, secondLane.fromWorker);
    const onPorts = views(env.port.sent).length + views(second.sent).length;
    await env.send({ type: 'threadOpened', account: ME, thread, seq: 1 }, gmailSender(7));
    await expect.poll(() => views(first.fromWorker).length).toBeGreaterThan(0);
    await expect.poll(() => views(secondLane.fromWorker).length).toBeGreaterThan(0);
    expect(views(env.port.sent).length + views(second.sent).length).toBe(onPorts);
    // Every message to a sidebar carries its connection's count, in order.
    const counts = [...second.sent, ...secondLane.fromWorker].map((m) => (m as { n?: number }).n);
    expect(counts.every((n) => typeof n === 'number')).toBe(true);
    expect([...counts].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(counts.map((_, i) => i + 1));
  });

  it('takes a lane only from the sidebar page', async () => {
    const env = setup();
    const status = (await env.send({ type: 'hostStatus', account: ME }, gmailSender(7))) as { lane: string };
    env.port.deliver({ type: 'subscribe' });
    await expect.poll(() => env.port.sent).toContainEqual(expect.objectContaining({ type: 'laneKey' }));
    const given = env.port.sent.find((m) => (m as { type: string }).type === 'laneKey') as {
      connection: string;
    };
    const { sidebar, page, ports } = lanePair();
    const refused = Promise.all([closed(sidebar.port1), closed(page.port1)]);
    env.openLane(
      { type: 'threadlineLaneOpen', key: status.lane, connection: given.connection },
      ports,
      `${TEST_ORIGIN}src/options/index.html`,
    );
    page.port1.postMessage({ type: 'threadOpened', account: ME, thread, seq: 1 });
    // The worker closed the ports it refused: nothing posted on them can reach the worker.
    await refused;
    expect(await env.session.get('tab:7')).toBeUndefined();
    expect(env.sink.lines.map((l) => l.line).join('\n')).toContain('not the sidebar page');
  });

  it('replaces a sidebar’s lane with the next it opens, closing the old one’s two ports', async () => {
    const env = setup();
    const first = await openLane(env);
    await subscribeViewsArrived(1, env.port.sent, first.fromWorker);
    // The same sidebar opens again with a new port from its page (the one it had went elsewhere).
    const { sidebar, page, ports } = lanePair();
    const fromWorker: unknown[] = [];
    sidebar.port1.onmessage = (event) => void fromWorker.push(event.data);
    const oldClosed = Promise.all([closed(first.sidebar), closed(first.page)]);
    env.openLane({ type: 'threadlineLaneOpen', key: first.key, connection: first.connection }, ports);
    await oldClosed;
    page.port1.postMessage({ type: 'threadOpened', account: ME, thread, seq: 1 });
    await expect
      .poll(() => views(fromWorker))
      .toContainEqual(
        expect.objectContaining({ cards: [expect.objectContaining({ address: 'alice@acme.test' })] }),
      );
  });

  it('goes back to the sidebar port when the sidebar leaves, and a new sidebar opens its own lane', async () => {
    const env = setup();
    const { sidebar, page, fromWorker } = await openLane(env);
    await subscribeViewsArrived(1, env.port.sent, fromWorker);
    const before = views(fromWorker).length;
    // Both ends: the content script's port, handed over with the lane, goes with it too.
    const laneClosed = Promise.all([closed(sidebar), closed(page)]);
    env.port.close();
    const next = fakePort(SIDEBAR_PORT, sidebarSender(7));
    env.connect(next);
    next.deliver({ type: 'subscribe' });
    await env.send({ type: 'threadOpened', account: ME, thread, seq: 1 }, gmailSender(7));
    await expect.poll(() => views(next.sent).length).toBeGreaterThan(0);
    // The lane went with the port: nothing more can arrive on it.
    await laneClosed;
    expect(views(fromWorker)).toHaveLength(before);
  });
});
