// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { offerTabLane } from './tab-lane';

const KEY = 'a'.repeat(32);
/** An event as the browser makes it (a script's own events have `isTrusted` false). */
const browserMade = <E extends Event>(event: E): E =>
  Object.defineProperty(event, 'isTrusted', { value: true });
const ORIGIN = 'chrome-extension://abc';

function setup() {
  const frame = document.createElement('iframe');
  const offers: { message: unknown; origin: string; port: MessagePort | undefined }[] = [];
  const frameWindow = {
    postMessage: (message: unknown, origin: string, transfer: MessagePort[]) =>
      offers.push({ message, origin, port: transfer[0] }),
  };
  Object.defineProperty(frame, 'contentWindow', { value: frameWindow });
  let listener: ((event: MessageEvent) => void) | null = null;
  const byMessage: Sent[] = [];
  const lane = offerTabLane<Sent>(
    frame,
    KEY,
    ORIGIN,
    (message) => void byMessage.push(message),
    (l) => {
      listener = l;
    },
  );
  const post = (data: unknown, from: { origin?: string; source?: unknown; isTrusted?: boolean } = {}) =>
    listener?.({
      data,
      origin: from.origin ?? ORIGIN,
      source: 'source' in from ? from.source : frameWindow,
      isTrusted: from.isTrusted ?? true,
    } as unknown as MessageEvent);
  return { frame, offers, lane, post, byMessage };
}

type Sent = { type: 'threadOpened' | 'threadClosed' | 'benchPing'; seq: number };
const open = (seq: number): Sent => ({ type: 'threadOpened', seq });
const close = (seq: number): Sent => ({ type: 'threadClosed', seq });
const ping = (seq: number): Sent => ({ type: 'benchPing', seq });

/** What arrives at the far end of `port` (the worker's end of the page's port). */
function farEnd(port: MessagePort | undefined) {
  const got: unknown[] = [];
  if (port) port.onmessage = (event) => void got.push(event.data);
  return {
    got,
    /** The worker's notice, and a turn for the content script to read it. */
    async say(type: string, extra: Record<string, unknown> = {}) {
      port?.postMessage({ type, ...extra });
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

describe('content tab lane', () => {
  it('offers a port to each document the sidebar frame loads, and to the sidebar that asks for one', async () => {
    const env = setup();
    expect(env.offers).toEqual([]);
    env.frame.dispatchEvent(browserMade(new Event('load')));
    expect(env.offers.map(({ message, origin }) => ({ message, origin }))).toEqual([
      { message: { type: 'threadlineLaneOffer', key: KEY }, origin: ORIGIN },
    ]);
    const first = env.offers[0]?.port;
    const firstClosed = new Promise<void>((resolve) =>
      first?.addEventListener('close', () => resolve(), { once: true }),
    );
    // The sidebar's port went with a worker that stopped: it asks, and gets a new port.
    env.post({ type: 'threadlineLaneWanted' });
    expect(env.offers).toHaveLength(2);
    expect(env.offers[1]?.message).toEqual({ type: 'threadlineLaneOffer', key: KEY });
    // Only the newest port carries what the content script sends; the old one is closed.
    await firstClosed;
    const got: unknown[] = [];
    const second = env.offers[1]?.port;
    if (second) second.onmessage = (event) => void got.push(event.data);
    env.lane.send(open(1));
    await expect.poll(() => got).toEqual([open(1)]);
    // Not taken by the worker yet: by message too.
    expect(env.byMessage).toEqual([open(1)]);
    second?.close();
  });

  it('takes the request only from its own sidebar frame, with the extension’s origin and shape', () => {
    const env = setup();
    // A page script can dispatch what looks like the sidebar's request, or the frame's load: neither
    // is the browser's, so neither makes an offer (the sidebar would open its lane again for it).
    env.post({ type: 'threadlineLaneWanted' }, { isTrusted: false });
    env.frame.dispatchEvent(new Event('load'));
    env.post({ type: 'threadlineLaneWanted' }, { origin: 'https://mail.google.com' }); // a page script
    env.post({ type: 'threadlineLaneWanted' }, { source: window }); // another window
    env.post({ type: 'threadlineLaneWanted', key: KEY }); // not the request's shape
    env.post({ type: 'threadlineLaneOffer' });
    expect(env.offers).toEqual([]);
  });

  it('sends by message until the worker takes the port, then on the lane alone', async () => {
    const env = setup();
    env.lane.send(open(1)); // no port offered yet
    expect(env.byMessage).toEqual([open(1)]);
    env.frame.dispatchEvent(browserMade(new Event('load')));
    const worker = farEnd(env.offers[0]?.port);
    env.lane.send(close(2));
    expect(env.byMessage).toEqual([open(1), close(2)]);
    // Anything else on the port, or a notice of another shape, changes nothing.
    await worker.say('threadlineLaneTaken', { extra: true });
    await worker.say('threadlineLaneOpen');
    env.lane.send(open(3));
    expect(env.byMessage).toEqual([open(1), close(2), open(3)]);
    await worker.say('threadlineLaneTaken');
    env.lane.send(open(4));
    env.lane.send(ping(1));
    expect(env.byMessage).toEqual([open(1), close(2), open(3)]);
    await expect.poll(() => worker.got).toEqual([close(2), open(3), open(4), ping(1)]);
  });

  it('sends by message again when the worker closes the port, the last of each kind first', async () => {
    const env = setup();
    env.frame.dispatchEvent(browserMade(new Event('load')));
    const worker = farEnd(env.offers[0]?.port);
    await worker.say('threadlineLaneTaken');
    for (const m of [open(1), ping(1), close(2), ping(2), open(3)]) env.lane.send(m);
    expect(env.byMessage).toEqual([]);
    // The worker closed it (its sidebar left, say): what went on it alone may not have been read.
    await worker.say('threadlineLaneClosed');
    expect(env.byMessage).toEqual([open(3), ping(2)]);
    env.lane.send(close(4));
    expect(env.byMessage).toEqual([open(3), ping(2), close(4)]);
    // Taken again (the same port is never taken twice by a worker, but the notice decides).
    await worker.say('threadlineLaneTaken');
    env.lane.send(open(5));
    expect(env.byMessage).toEqual([open(3), ping(2), close(4)]);
  });

  it('sends again by message what went on a port alone when it offers another', async () => {
    const env = setup();
    env.frame.dispatchEvent(browserMade(new Event('load')));
    const first = farEnd(env.offers[0]?.port);
    await first.say('threadlineLaneTaken');
    env.lane.send(open(1));
    env.lane.send(close(2));
    expect(env.byMessage).toEqual([]);
    // The worker that took it stopped (the sidebar asks for a new port): the close may be lost.
    env.post({ type: 'threadlineLaneWanted' });
    expect(env.byMessage).toEqual([close(2)]);
    // Sent once: the new port is not taken yet, so what follows goes both ways anyway.
    env.lane.send(open(3));
    env.frame.dispatchEvent(browserMade(new Event('load')));
    expect(env.byMessage).toEqual([close(2), open(3)]);
    const third = farEnd(env.offers[2]?.port);
    env.lane.send(open(4));
    await expect.poll(() => third.got).toEqual([open(4)]);
    expect(env.byMessage).toEqual([close(2), open(3), open(4)]);
  });
});
