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
  const lane = offerTabLane(frame, KEY, ORIGIN, (l) => {
    listener = l;
  });
  const post = (data: unknown, from: { origin?: string; source?: unknown; isTrusted?: boolean } = {}) =>
    listener?.({
      data,
      origin: from.origin ?? ORIGIN,
      source: 'source' in from ? from.source : frameWindow,
      isTrusted: from.isTrusted ?? true,
    } as unknown as MessageEvent);
  return { frame, offers, lane, post };
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
    env.lane.post({ type: 'threadOpened', seq: 1 });
    await expect.poll(() => got).toEqual([{ type: 'threadOpened', seq: 1 }]);
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
});
