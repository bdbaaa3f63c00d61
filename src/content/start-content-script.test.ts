// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { ThreadFacts } from '../shared/protocol';
import type { GmailHost, SidebarMount, ThreadRow } from './gmail-host/gmail-host';
import type { ContentPlatform } from './platform';
import { CLOSE_GRACE_MS, sendToWorker, startContentScript } from './start-content-script';

const thread: ThreadFacts = { threadId: 't', subject: 's', participants: [], messageIds: [] };
const pageUrl = 'https://mail.google.com/mail/u/0/#inbox';
/** An event as the browser makes it (a script's own events have `isTrusted` false). */
const browserMade = <E extends Event>(event: E): E =>
  Object.defineProperty(event, 'isTrusted', { value: true });

function fakeHost() {
  const opened = new Set<(t: ThreadFacts) => void>();
  const closed = new Set<(id: string) => void>();
  const rows = new Set<(row: ThreadRow) => void>();
  const mounts: SidebarMount[] = [];
  const badged: [string, boolean][] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const noteBadge = (threadId: string, contact: boolean) => {
    badged.push([threadId, contact]);
    for (const w of waiting) if (badged.length >= w.count) w.resolve();
  };
  const host: GmailHost = {
    account: 'me@corp.test',
    onThreadOpened: (l) => void opened.add(l),
    onThreadClosed: (l) => void closed.add(l),
    onThreadRow: (l) => void rows.add(l),
    onCompose: () => undefined,
    mountSidebar: async (m) => {
      mounts.push(m);
      return true;
    },
    readBodies: async () => [],
  };
  return {
    host,
    mounts,
    open: (t: ThreadFacts) => {
      for (const l of opened) l(t);
    },
    close: (id: string) => {
      for (const l of closed) l(id);
    },
    /** Gmail renders an inbox row whose sender is `address`; its badges are noted under `label`. */
    row: (threadId: string, address: string, label = threadId) => {
      for (const l of rows)
        l({
          threadId,
          contacts: [{ name: '', address }],
          showBadges: ({ contact }) => noteBadge(label, contact),
        });
    },
    badged,
    /** Resolves once `count` rows in all have been badged. */
    whenBadged: (count: number) =>
      new Promise<void>((resolve) => {
        if (badged.length >= count) resolve();
        else waiting.push({ count, resolve });
      }),
  };
}

const LANE = '0123456789abcdef0123456789abcdef';
const worker = (enabled: boolean) => (m: unknown) =>
  (m as { type: string }).type === 'hostStatus'
    ? { enabled, contentLevel: 'metadata', lane: enabled ? LANE : null }
    : { ok: true };

function fakeContentPlatform(answer: (m: unknown) => unknown = worker(true)) {
  const sent: unknown[] = [];
  let onRequest: Parameters<ContentPlatform['onWorkerRequest']>[0] = () => undefined;
  const platform: ContentPlatform = {
    sendMessage: async (m) => {
      sent.push(m);
      return answer(m);
    },
    getURL: (path) => `chrome-extension://abc/${path}`,
    onWorkerRequest: (listener) => {
      onRequest = listener;
    },
  };
  /** The worker asks the page something, as chrome.tabs.sendMessage would. */
  const askPage = (message: unknown) => onRequest(message);
  return { platform, sent, askPage };
}

describe('content script', () => {
  it('mounts one extension-page iframe and reports opened and closed threads with the account', async () => {
    const gmail = fakeHost();
    const { platform, sent } = fakeContentPlatform();
    await startContentScript(platform, async () => gmail.host, { pageUrl });
    expect(gmail.mounts).toHaveLength(1);
    const frame = gmail.mounts[0]?.element as HTMLIFrameElement;
    expect(frame.tagName).toBe('IFRAME');
    // Gmail's theme rides in the fragment (no data, no reload when it changes).
    expect(frame.src).toBe('chrome-extension://abc/src/sidebar/index.html#theme=light');
    gmail.open(thread);
    gmail.close('t');
    await vi.waitFor(() =>
      expect(sent).toEqual([
        { type: 'hostStatus', account: 'me@corp.test' },
        { type: 'threadOpened', account: 'me@corp.test', thread, seq: 1 },
        { type: 'threadClosed', account: 'me@corp.test', threadId: 't', seq: 2 },
      ]),
    );
  });

  /** The content script started on a host, with a second thread `next`; its timers in the test's hands. */
  async function withHeldTimers(
    run: (started: {
      gmail: ReturnType<typeof fakeHost>;
      sent: unknown[];
      next: ThreadFacts;
    }) => Promise<void>,
  ): Promise<void> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const gmail = fakeHost();
      const { platform, sent } = fakeContentPlatform();
      await startContentScript(platform, async () => gmail.host, { pageUrl });
      await run({ gmail, sent, next: { ...thread, threadId: 'u' } });
    } finally {
      vi.useRealTimers();
    }
  }

  it('reports a closed thread after CLOSE_GRACE_MS, and not at all when another thread opens meanwhile', () =>
    withHeldTimers(async ({ gmail, sent, next }) => {
      gmail.open(thread);
      // From one thread to the next: Gmail closes the first before the second's facts are read.
      gmail.close('t');
      await vi.advanceTimersByTimeAsync(CLOSE_GRACE_MS - 1);
      gmail.open(next);
      await vi.advanceTimersByTimeAsync(CLOSE_GRACE_MS * 2);
      expect(sent.slice(1)).toEqual([
        { type: 'threadOpened', account: 'me@corp.test', thread, seq: 1 },
        { type: 'threadOpened', account: 'me@corp.test', thread: next, seq: 2 },
      ]);
      // Back to the inbox: the close goes once the grace is over, numbered after the open before it.
      gmail.close('u');
      await vi.advanceTimersByTimeAsync(CLOSE_GRACE_MS - 1);
      expect(sent).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      expect(sent.slice(3)).toEqual([
        { type: 'threadClosed', account: 'me@corp.test', threadId: 'u', seq: 3 },
      ]);
    }));

  it('sends no close for a thread Gmail closed after opening the next, and closes at once when the page goes', () =>
    withHeldTimers(async ({ gmail, sent, next }) => {
      gmail.open(thread);
      // The other order: the next thread opens before the first one's close.
      gmail.open(next);
      gmail.close('t');
      await vi.advanceTimersByTimeAsync(CLOSE_GRACE_MS * 2);
      expect(sent.slice(1).map((m) => (m as { type: string }).type)).toEqual([
        'threadOpened',
        'threadOpened',
      ]);
      // Back to the inbox, then the page goes (a reload) before the grace is over: the close goes now.
      gmail.close('u');
      window.dispatchEvent(new Event('pagehide'));
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.slice(3)).toEqual([
        { type: 'threadClosed', account: 'me@corp.test', threadId: 'u', seq: 3 },
      ]);
      // Sent once: its timer is gone.
      await vi.advanceTimersByTimeAsync(CLOSE_GRACE_MS * 2);
      expect(sent).toHaveLength(4);
      // A page that goes with a thread still shown closes it too; kept for a return (the back/forward
      // cache), it asks hostStatus again (closing what pages in between left open) and reports the
      // thread open again when it comes back. The ask goes at once, the opens and closes a microtask
      // later: the worker takes them in either order.
      gmail.open(next);
      const pageEvent = (type: 'pagehide' | 'pageshow', persisted: boolean) =>
        window.dispatchEvent(Object.assign(new Event(type), { persisted }));
      pageEvent('pagehide', true);
      pageEvent('pageshow', true);
      pageEvent('pagehide', false);
      pageEvent('pageshow', false); // a page shown anew asks nothing again
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.slice(4)).toEqual([
        { type: 'hostStatus', account: 'me@corp.test', again: true },
        { type: 'threadOpened', account: 'me@corp.test', thread: next, seq: 4 },
        { type: 'threadClosed', account: 'me@corp.test', threadId: 'u', seq: 5 },
        { type: 'threadOpened', account: 'me@corp.test', thread: next, seq: 6 },
        { type: 'threadClosed', account: 'me@corp.test', threadId: 'u', seq: 7 },
      ]);
    }));

  it('says nothing to the worker from a page Chrome prerenders until the page is shown', async () => {
    const gmail = fakeHost();
    const { platform, sent } = fakeContentPlatform();
    let hosted = 0;
    Object.defineProperty(document, 'prerendering', { value: true, configurable: true });
    try {
      const started = startContentScript(
        platform,
        async () => {
          hosted += 1;
          return gmail.host;
        },
        { pageUrl },
      );
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(hosted).toBe(0);
      expect(sent).toEqual([]);
      Object.defineProperty(document, 'prerendering', { value: false, configurable: true });
      document.dispatchEvent(new Event('prerenderingchange'));
      await started;
      expect(hosted).toBe(1);
      expect(sent[0]).toEqual({ type: 'hostStatus', account: 'me@corp.test' });
    } finally {
      Reflect.deleteProperty(document, 'prerendering');
    }
  });

  it('offers each sidebar document the tab lane with its key, and sends thread opens on it too', async () => {
    const gmail = fakeHost();
    const { platform, sent } = fakeContentPlatform();
    await startContentScript(platform, async () => gmail.host, { pageUrl });
    const frame = gmail.mounts[0]?.element as HTMLIFrameElement;
    const offers: { message: unknown; origin: string; port: MessagePort | undefined }[] = [];
    Object.defineProperty(frame, 'contentWindow', {
      value: {
        postMessage: (message: unknown, origin: string, transfer: MessagePort[]) =>
          offers.push({ message, origin, port: transfer[0] }),
      },
    });
    gmail.open(thread); // before the frame loaded: by message only
    const opened = { type: 'threadOpened', account: 'me@corp.test', thread, seq: 1 };
    // Sent by message: the lane was asked to post it first, before the frame loaded.
    await vi.waitFor(() => expect(sent).toContainEqual(opened));
    frame.dispatchEvent(browserMade(new Event('load')));
    expect(offers.map(({ message, origin }) => ({ message, origin }))).toEqual([
      { message: { type: 'threadlineLaneOffer', key: LANE }, origin: 'chrome-extension://abc' },
    ]);
    const onLane: unknown[] = [];
    const sidebarEnd = offers[0]?.port;
    if (sidebarEnd) sidebarEnd.onmessage = (event) => void onLane.push(event.data);
    gmail.close('t');
    const closed = { type: 'threadClosed', account: 'me@corp.test', threadId: 't', seq: 2 };
    // A port delivers in order: had the open gone on the lane, it would arrive before the close.
    await vi.waitFor(() => expect(onLane).toEqual([closed]));
    await vi.waitFor(() => expect(sent.slice(1)).toEqual([opened, closed]));
    // The sidebar frame loads another document: a new port, and the old one is closed.
    frame.dispatchEvent(browserMade(new Event('load')));
    expect(offers).toHaveLength(2);
    sidebarEnd?.close();
  });

  it('asks hostStatus again while the worker cannot answer (a long database upgrade), and acts once it does', async () => {
    const gmail = fakeHost();
    let asks = 0;
    // The worker's answer is unreachable for the first four deliveries: more than one ask's worth
    // (the worker client itself tries three times), so only asking again reaches it.
    const { platform, sent } = fakeContentPlatform((m) => {
      if ((m as { type: string }).type === 'hostStatus') {
        asks += 1;
        if (asks <= 4) throw new Error('Could not establish connection. Receiving end does not exist.');
      }
      return worker(true)(m);
    });
    await startContentScript(platform, async () => gmail.host, { pageUrl, hostStatusRetryMs: [1, 1, 1] });
    expect(asks).toBe(5);
    expect(gmail.mounts).toHaveLength(1);
    gmail.open(thread);
    await vi.waitFor(() =>
      expect(sent.filter((m) => (m as { type: string }).type === 'threadOpened')).toEqual([
        { type: 'threadOpened', account: 'me@corp.test', thread, seq: 1 },
      ]),
    );
  });

  it('stays inert when the worker never answers, once the retries are spent', async () => {
    const gmail = fakeHost();
    const { platform, sent } = fakeContentPlatform(() => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    });
    gmail.open(thread);
    await startContentScript(platform, async () => gmail.host, { pageUrl, hostStatusRetryMs: [1, 1] });
    expect(gmail.mounts).toHaveLength(0);
    expect(sent.every((m) => (m as { type: string }).type === 'hostStatus')).toBe(true);
  });

  it('stays inert for an account the admin policy does not allow', async () => {
    const gmail = fakeHost();
    const { platform, sent, askPage } = fakeContentPlatform(worker(false));
    await startContentScript(platform, async () => gmail.host, { pageUrl });
    gmail.open(thread);
    // Something observable after it, queued behind the open on the same gate (the worker's answer):
    // the answer to a request from the worker. By then the open has been dropped, or sent.
    expect(await askPage({ type: 'readBodies', threadId: 't', messageIds: ['<m1@x>'] })).toEqual({
      bodies: [],
    });
    expect(gmail.mounts).toEqual([]);
    expect(sent).toEqual([{ type: 'hostStatus', account: 'me@corp.test' }]);
  });

  it('retries while the worker restarts and rejects a malformed answer', async () => {
    let calls = 0;
    const flaky = fakeContentPlatform(() => {
      calls += 1;
      if (calls === 1) throw new Error('Could not establish connection. Receiving end does not exist.');
      return { ok: true };
    });
    expect(
      await sendToWorker(flaky.platform, { type: 'threadClosed', account: 'me@x.test', threadId: 't' }),
    ).toBe(true);
    expect(flaky.sent).toHaveLength(2);
    const wrong = fakeContentPlatform(() => ({ ok: 'yes' }));
    expect(
      await sendToWorker(wrong.platform, { type: 'threadClosed', account: 'me@x.test', threadId: 't' }),
    ).toBe(false);
  });

  /**
   * A worker whose hostStatus answer waits for `answer(enabled)`. Its account gate answers rowBadges
   * at once: every row badged if the account is `allowed`, refused if not. The first `unreachable`
   * rowBadges deliveries fail as Chrome fails them while the worker starts (the worker client tries
   * each request three times: `unreachable: 3` leaves a request unanswered). `badges: 'held'` keeps
   * each rowBadges answer until `releaseBadges()`; `badges: 'never'` never answers one.
   */
  function heldWorker({
    allowed = true,
    unreachable = 0,
    badges = 'atOnce',
  }: {
    allowed?: boolean;
    unreachable?: number;
    badges?: 'atOnce' | 'held' | 'never';
  } = {}) {
    let answer: (enabled: boolean) => void = () => undefined;
    let releaseBadges: () => void = () => undefined;
    const badgesHeld = new Promise<void>((resolve) => {
      releaseBadges = resolve;
    });
    const answered = new Promise<boolean>((resolve) => {
      answer = resolve;
    });
    let noteAsked: () => void = () => undefined;
    /** The content script asked for its status: its Gmail listeners are in place by the time this resolves. */
    const statusAsked = new Promise<void>((resolve) => {
      noteAsked = resolve;
    });
    let failures = unreachable;
    const fake = fakeContentPlatform(async (m) => {
      const message = m as { type: string; rows?: { threadId: string }[] };
      if (message.type === 'hostStatus') {
        noteAsked();
        return worker(await answered)(m);
      }
      if (message.type === 'rowBadges') {
        if (failures > 0) {
          failures -= 1;
          throw new Error('Could not establish connection. Receiving end does not exist.');
        }
        if (badges === 'never') return new Promise(() => undefined);
        if (badges === 'held') await badgesHeld;
        if (!allowed) return undefined;
        return {
          badges: (message.rows ?? []).map((r) => ({ threadId: r.threadId, contact: true, dealStage: null })),
        };
      }
      return { ok: true };
    });
    const badgeRequests = () =>
      fake.sent
        .filter((m) => (m as { type: string }).type === 'rowBadges')
        .map((m) => (m as { rows: { threadId: string }[] }).rows.map((r) => r.threadId));
    return { ...fake, answer, releaseBadges, badgeRequests, statusAsked };
  }

  it('sends the rows Gmail hands over at once, beside hostStatus, in one request, and badges them before that answer', async () => {
    const gmail = fakeHost();
    const { platform, sent, answer, badgeRequests, statusAsked } = heldWorker();
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await statusAsked;
    gmail.row('r1', 'a@acme.test');
    gmail.row('r2', 'b@acme.test');
    // The batch leaves at the end of the task that handed the rows over, not in a timer task after.
    await Promise.resolve();
    expect(badgeRequests()).toEqual([['r1', 'r2']]);
    // One round trip: the badges land while hostStatus is still unanswered.
    await gmail.whenBadged(2);
    expect(sent).toEqual([
      { type: 'hostStatus', account: 'me@corp.test' },
      {
        type: 'rowBadges',
        account: 'me@corp.test',
        rows: [
          { threadId: 'r1', addresses: ['a@acme.test'] },
          { threadId: 'r2', addresses: ['b@acme.test'] },
        ],
      },
    ]);
    expect(gmail.badged).toEqual([
      ['r1', true],
      ['r2', true],
    ]);
    answer(true);
    await started;
    // Rows rendered later: those of one task in one request.
    const later = gmail.whenBadged(4);
    gmail.row('r3', 'c@acme.test');
    gmail.row('r4', 'd@acme.test');
    await later;
    expect(badgeRequests()).toEqual([
      ['r1', 'r2'],
      ['r3', 'r4'],
    ]);
  });

  it("sets the sidebar up once the rows sent before the worker's status answer have their badges", async () => {
    const gmail = fakeHost();
    const { platform, sent, answer, releaseBadges, badgeRequests, statusAsked } = heldWorker({
      badges: 'held',
    });
    let mountedAt = -1;
    const started = startContentScript(platform, async () => gmail.host, {
      pageUrl,
      // No cap within the test's time: the sidebar can only go up through the badges' answer.
      sidebarAfterBadgesMaxMs: 3_600_000,
      onSidebarMounted: () => {
        mountedAt = gmail.badged.length;
      },
    });
    await statusAsked; // the listeners are in place
    gmail.row('r1', 'a@acme.test');
    gmail.row('r2', 'b@acme.test');
    await vi.waitFor(() => expect(badgeRequests()).toEqual([['r1', 'r2']]));
    answer(true);
    // hostStatus is answered, the badges are not: the page's thread is left to them. A thread open
    // goes out only once the answer was taken, so when it is seen (in a later task), a mount that
    // did not wait for the badges would have happened.
    gmail.open(thread);
    await vi.waitFor(() => expect(sent).toContainEqual(expect.objectContaining({ type: 'threadOpened' })));
    expect(gmail.mounts).toEqual([]);
    releaseBadges();
    await started;
    // Mounted once both badges landed, and without waiting out any cap.
    await vi.waitFor(() => expect(mountedAt).toBe(2));
    expect(gmail.mounts).toHaveLength(1);
  });

  it('a badges answer that does not come holds the sidebar back only for a while', async () => {
    const gmail = fakeHost();
    // The worker answers hostStatus, never the rows.
    const { platform, answer, badgeRequests, statusAsked } = heldWorker({ badges: 'never' });
    const started = startContentScript(platform, async () => gmail.host, {
      pageUrl,
      sidebarAfterBadgesMaxMs: 30,
    });
    await statusAsked;
    gmail.row('r1', 'a@acme.test');
    await Promise.resolve();
    expect(badgeRequests()).toEqual([['r1']]); // sent before the status answer, and never answered
    answer(true);
    await started;
    expect(gmail.mounts).toHaveLength(1);
    expect(gmail.badged).toEqual([]);
  });

  it('with no rows sent, the sidebar is set up at once on the status answer', async () => {
    const gmail = fakeHost();
    const { platform } = fakeContentPlatform();
    // A wait of an hour would time the test out: nothing is waited for.
    await startContentScript(platform, async () => gmail.host, {
      pageUrl,
      sidebarAfterBadgesMaxMs: 3_600_000,
    });
    expect(gmail.mounts).toHaveLength(1);
  });

  it('badges every copy of a row Gmail rendered again while it waited', async () => {
    const gmail = fakeHost();
    const { platform, answer, statusAsked } = heldWorker();
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await statusAsked;
    gmail.row('r1', 'a@acme.test', 'first drawing');
    gmail.row('r1', 'a@acme.test', 'second drawing'); // the same thread's row, drawn again
    await gmail.whenBadged(2);
    expect(gmail.badged).toEqual([
      ['first drawing', true],
      ['second drawing', true],
    ]);
    answer(true);
    await started;
  });

  it('an account the admin policy does not allow: the worker refuses its rows, nothing is badged, and no row is sent after its answer', async () => {
    const gmail = fakeHost();
    const { platform, sent, answer, badgeRequests, statusAsked } = heldWorker({ allowed: false });
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await statusAsked;
    gmail.row('r1', 'a@acme.test'); // sent: the worker's account gate refuses it
    await vi.waitFor(() => expect(badgeRequests()).toEqual([['r1']]));
    answer(false);
    // The content script has finished with the answer (it stays inert) once `started` settles.
    await started;
    gmail.row('r2', 'b@acme.test');
    await new Promise((r) => setTimeout(r, 0)); // one task: where a later row's batch would go
    expect(sent.map((m) => (m as { type: string }).type)).toEqual(['hostStatus', 'rowBadges']);
    expect(gmail.badged).toEqual([]);
  });

  it('asks again for the rows the worker did not answer while starting, once it says the account is allowed', async () => {
    const gmail = fakeHost();
    const { platform, answer, badgeRequests, statusAsked } = heldWorker({ unreachable: 3 });
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await statusAsked;
    gmail.row('r1', 'a@acme.test');
    gmail.row('r2', 'b@acme.test');
    const tries = [
      ['r1', 'r2'],
      ['r1', 'r2'],
      ['r1', 'r2'],
    ];
    await vi.waitFor(() => expect(badgeRequests()).toEqual(tries));
    const badged = gmail.whenBadged(2);
    answer(true);
    await started;
    await badged;
    expect(badgeRequests()).toEqual([...tries, ['r1', 'r2']]);
    expect(gmail.badged).toEqual([
      ['r1', true],
      ['r2', true],
    ]);
  });

  it('does not ask again for unanswered rows when the account is not allowed', async () => {
    const gmail = fakeHost();
    const { platform, answer, badgeRequests, statusAsked } = heldWorker({ unreachable: 3 });
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await statusAsked;
    gmail.row('r1', 'a@acme.test');
    await vi.waitFor(() => expect(badgeRequests()).toEqual([['r1'], ['r1'], ['r1']]));
    answer(false);
    await started;
    await new Promise((r) => setTimeout(r, 0)); // one task: where a batch asked again would go
    expect(badgeRequests()).toEqual([['r1'], ['r1'], ['r1']]);
    expect(gmail.badged).toEqual([]);
  });
  it('a batch whose answer comes after the worker said the account is not allowed is not badged', async () => {
    const gmail = fakeHost();
    // The rows are answered after hostStatus, the account allowed when they were asked: the policy
    // changed between the two.
    const { platform, sent, answer: answerStatus, releaseBadges } = heldWorker({ badges: 'held' });
    const sentTypes = () => sent.map((m) => (m as { type: string }).type);
    const started = startContentScript(platform, async () => gmail.host, { pageUrl });
    await vi.waitFor(() => expect(sentTypes()).toContain('hostStatus'));
    gmail.row('r1', 'a@acme.test');
    await vi.waitFor(() => expect(sentTypes()).toContain('rowBadges'));
    answerStatus(false);
    await started;
    releaseBadges();
    await new Promise((r) => setTimeout(r, 0));
    expect(gmail.badged).toEqual([]);
  });
});
