// @vitest-environment happy-dom
/**
 * The InboxSDK adapter and the content script on a scripted fake of @inboxsdk/core that plays
 * Gmail's real order of events (test/gmail-double/fake-inboxsdk.ts; issue 15).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFakeGmail,
  type FakeGmail,
  type FakeThreadSpec,
} from '../../../test/gmail-double/fake-inboxsdk';
import type { ThreadFacts } from '../../shared/protocol';
import type { ContentPlatform } from '../platform';
import { startContentScript } from '../start-content-script';
import { createGmailHost } from './inboxsdk-host';

const sdk = vi.hoisted(() => ({ gmail: null as FakeGmail | null }));
vi.mock('@inboxsdk/core', () => ({
  load: (
    version: number,
    appId: string,
    opts?: { eventTracking?: boolean; globalErrorLogging?: boolean },
  ) => {
    if (!sdk.gmail) throw new Error('no fake Gmail for this test');
    return sdk.gmail.load(version, appId, opts);
  },
}));

const ACCOUNT = 'sam.seller@threadline-demo.test';
const alice = { name: 'Alice Doe', emailAddress: 'alice.doe@acme.test' };
const bob = { name: 'Bob Buyer', emailAddress: 'bob@acme.test' };
const carol = { name: 'Carol Chen', emailAddress: 'carol.chen@globex.test' };
const sam = { name: 'Sam Seller', emailAddress: ACCOUNT };

const pricing: FakeThreadSpec = {
  threadId: '18c0a1b2c3d4e5f6',
  subject: 'Pricing for the Q3 rollout',
  messages: [
    { messageId: '<m1@acme.test>', from: alice, to: [sam, bob], body: 'Could you send pricing?' },
    { messageId: '<m2@demo.test>', from: sam, to: [alice], body: 'Attached.' },
  ],
};
const intro: FakeThreadSpec = {
  threadId: '18c0ffee00000002',
  subject: 'Intro: Carol from Globex',
  messages: [{ messageId: '<m3@globex.test>', from: carol, to: [sam] }],
};

type Message = { type: string } & Record<string, unknown>;

/** The worker as the content script sees it: answers by message type, records what it was sent. */
function fakeWorker(
  options: { contentLevel?: 'none' | 'metadata' | 'full'; hostStatus?: Promise<unknown> } = {},
) {
  const sent: Message[] = [];
  let workerRequest: ((message: unknown) => Promise<unknown> | undefined) | null = null;
  const platform: ContentPlatform = {
    sendMessage: async (raw) => {
      const message = raw as Message;
      sent.push(message);
      switch (message.type) {
        case 'hostStatus':
          return (
            options.hostStatus ?? {
              enabled: true,
              contentLevel: options.contentLevel ?? 'metadata',
              lane: null,
            }
          );
        case 'composeDefaults':
          return { allowed: true, logToCrm: true };
        case 'composeSent':
          return { logged: 1 };
        case 'rowBadges': {
          const rows = message.rows as { threadId: string; addresses: string[] }[];
          return {
            badges: rows.map((r) => ({
              threadId: r.threadId,
              contact: r.addresses.includes(alice.emailAddress),
              dealStage: null,
            })),
          };
        }
        default:
          return { ok: true };
      }
    },
    getURL: (path) => `chrome-extension://abc/${path}`,
    onWorkerRequest: (listener) => {
      workerRequest = listener;
    },
  };
  return {
    platform,
    sent,
    of: (type: string) => sent.filter((m) => m.type === type),
    ask: (message: unknown) => {
      if (!workerRequest) throw new Error('the content script listens to no worker requests');
      return workerRequest(message);
    },
  };
}

const setPageUrl = (url: string): void => {
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
};

function start(worker = fakeWorker(), url = 'https://mail.google.com/mail/u/0/#inbox') {
  const gmail = createFakeGmail(ACCOUNT);
  sdk.gmail = gmail;
  setPageUrl(url);
  let mounted = 0;
  const done = startContentScript(worker.platform, createGmailHost, {
    mountDelays: { first: 5, max: 20 },
    onSidebarMounted: () => {
      mounted += 1;
    },
  });
  return { gmail, worker, done, mountedCount: () => mounted };
}

/** The adapter alone (no content script) on Gmail's inbox, with the fake InboxSDK behind it. */
async function inboxHost() {
  const gmail = createFakeGmail(ACCOUNT);
  sdk.gmail = gmail;
  setPageUrl('https://mail.google.com/mail/u/0/#inbox');
  const host = await createGmailHost();
  if (!host) throw new Error('no host on a mail page');
  return { gmail, host };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  sdk.gmail = null;
});

describe('InboxSDK adapter in Gmail’s real order of events', () => {
  it('reports a thread Gmail shows before its side panel exists (a page opened on a thread URL)', async () => {
    const { gmail, worker, done } = start();
    gmail.openThread(pricing);
    const panel = await gmail.nextPanelRequest();
    await done;
    // The side panel is still loading; the thread must reach the worker anyway.
    await vi.waitFor(() => expect(worker.of('threadOpened')).toHaveLength(1));
    expect(worker.of('threadOpened')[0]).toEqual({
      type: 'threadOpened',
      account: ACCOUNT,
      seq: 1,
      thread: {
        threadId: pricing.threadId,
        subject: pricing.subject,
        participants: [
          { name: 'Alice Doe', address: 'alice.doe@acme.test' },
          { name: 'Sam Seller', address: ACCOUNT },
          { name: 'Bob Buyer', address: 'bob@acme.test' },
        ],
        messageIds: ['<m1@acme.test>', '<m2@demo.test>'],
        messages: [
          {
            messageId: '<m1@acme.test>',
            from: { name: 'Alice Doe', address: 'alice.doe@acme.test' },
            recipients: [
              { name: 'Sam Seller', address: ACCOUNT },
              { name: 'Bob Buyer', address: 'bob@acme.test' },
            ],
            date: expect.any(Number),
          },
          {
            messageId: '<m2@demo.test>',
            from: { name: 'Sam Seller', address: ACCOUNT },
            recipients: [{ name: 'Alice Doe', address: 'alice.doe@acme.test' }],
            date: expect.any(Number),
          },
        ],
      },
    });
    // The panel appears late; the one sidebar frame goes into it.
    expect(panel.mountedIn).toBeNull();
    panel.appear();
    await vi.waitFor(() =>
      expect(panel.mountedIn?.querySelector('iframe[data-threadline="sidebar"]')).not.toBeNull(),
    );
  });

  it('hands the open thread, live rows and open compose windows to a listener that subscribes later', async () => {
    const { gmail, host } = await inboxHost();
    gmail.openThread(pricing);
    gmail.addRow(intro.threadId, [carol]);
    gmail.openCompose({ to: [alice] });
    const early: ThreadFacts[] = [];
    host.onThreadOpened((thread) => early.push(thread));
    await vi.waitFor(() => expect(early).toHaveLength(1));
    // InboxSDK will not tell a listener added now about the view: the adapter must.
    const late: ThreadFacts[] = [];
    host.onThreadOpened((thread) => late.push(thread));
    expect(late).toEqual(early);
    const rows: string[] = [];
    host.onThreadRow((row) => rows.push(row.threadId));
    const composes: (string | null)[] = [];
    host.onCompose((compose) => composes.push(compose.threadId()));
    await vi.waitFor(() => expect(rows).toEqual([intro.threadId]));
    await vi.waitFor(() => expect(composes).toEqual([null]));
  });

  it('reports no close for a view Gmail destroys after the next view was reported open, and the close of the last', async () => {
    const { gmail, host } = await inboxHost();
    const opened: string[] = [];
    const closed: string[] = [];
    host.onThreadOpened((thread) => opened.push(thread.threadId));
    host.onThreadClosed((threadId) => closed.push(threadId));
    const first = gmail.openThread(pricing);
    await vi.waitFor(() => expect(opened).toEqual([pricing.threadId]));
    // The next view's handler comes before the old view's destroy: another thread, then the same.
    const second = gmail.openThread(intro, { previous: 'kept' });
    await vi.waitFor(() => expect(opened).toEqual([pricing.threadId, intro.threadId]));
    first.destroy();
    gmail.openThread(intro, { previous: 'kept' });
    await vi.waitFor(() => expect(opened).toHaveLength(3));
    second.destroy();
    expect(closed).toEqual([]);
    // The view shown goes: that close is reported.
    gmail.closeThread();
    expect(closed).toEqual([intro.threadId]);
  });

  it('registers every Gmail handler before the worker has answered', async () => {
    const worker = fakeWorker({ hostStatus: new Promise(() => undefined) });
    const { gmail } = start(worker);
    await vi.waitFor(() => expect(gmail.handlerCounts()).toEqual({ threads: 1, rows: 1, composes: 1 }));
    expect(worker.sent).toEqual([{ type: 'hostStatus', account: ACCOUNT }]);
  });

  it('drops a thread the user left while its id was loading, and reports the next one', async () => {
    const { gmail, worker } = start();
    const first = gmail.openThread({ ...pricing, threadIdReady: false });
    (await gmail.nextPanelRequest()).appear();
    const second = gmail.openThread({ ...intro, threadIdReady: false });
    expect(first.destroyed).toBe(true);
    first.resolveThreadId();
    second.resolveThreadId();
    await vi.waitFor(() => expect(worker.of('threadOpened')).toHaveLength(1));
    expect(worker.of('threadOpened')[0]).toMatchObject({ thread: { threadId: intro.threadId } });
    // Closing the second thread is reported; the first never opened, so it never closes.
    gmail.closeThread();
    await vi.waitFor(() => expect(worker.of('threadClosed')).toHaveLength(1));
    expect(worker.of('threadClosed')[0]).toEqual({
      type: 'threadClosed',
      account: ACCOUNT,
      threadId: intro.threadId,
      seq: expect.any(Number),
    });
    expect(worker.of('threadOpened')).toHaveLength(1);
  });

  it('keeps compose logging, row badges and readBodies working while the panel fails, and retries the mount', async () => {
    const { gmail, worker, done, mountedCount } = start(fakeWorker({ contentLevel: 'full' }));
    gmail.openThread(pricing);
    // Gmail never offers the side panel at first: the wait times out, then the panel comes back empty.
    (await gmail.nextPanelRequest()).timeOut();
    await expect(done).resolves.toBeUndefined();
    const row = gmail.addRow(pricing.threadId, [alice]);
    const compose = gmail.openCompose({
      replyTo: pricing.threadId,
      to: [alice],
      subject: 'Re: Pricing',
      body: 'Here it is.',
    });
    await vi.waitFor(() => expect(row.labels).toEqual([expect.objectContaining({ title: 'CRM' })]));
    await vi.waitFor(() => expect(compose.statusBars).toHaveLength(1));
    expect(compose.statusBars[0]?.querySelector('[data-testid="compose-log-toggle"]')).not.toBeNull();
    await compose.send({ messageId: '<reply@gmail>' });
    await vi.waitFor(() => expect(worker.of('composeSent')).toHaveLength(1));
    expect(worker.of('composeSent')[0]).toMatchObject({
      threadId: pricing.threadId,
      messageId: '<reply@gmail>',
    });
    await vi.waitFor(() => expect(worker.of('threadOpened')).toHaveLength(1));
    // A message id the thread has no loaded view for costs that message, not the others.
    await expect(
      worker.ask({
        type: 'readBodies',
        threadId: pricing.threadId,
        messageIds: ['<m9@acme.test>', '<m1@acme.test>'],
      }),
    ).resolves.toEqual({ bodies: [{ messageId: '<m1@acme.test>', text: 'Could you send pricing?' }] });
    // Retried with backoff: a null panel, then a real one.
    (await gmail.nextPanelRequest()).resolveNull();
    const third = await gmail.nextPanelRequest();
    expect(mountedCount()).toBe(0);
    third.appear();
    await vi.waitFor(() => expect(mountedCount()).toBe(1));
    expect(gmail.panelRequests).toHaveLength(3);
    expect(unhandled).toEqual([]);
  });

  it('logs a sent message with what it said at Send, after Gmail took the window away', async () => {
    const { gmail, worker } = start(fakeWorker({ contentLevel: 'full' }));
    (await gmail.nextPanelRequest()).appear();
    const compose = gmail.openCompose({
      replyTo: pricing.threadId,
      to: [alice, { emailAddress: 'bob@acme.test' }],
      subject: 'Re: Pricing for the Q3 rollout',
      body: 'Attached is the proposal.',
    });
    await vi.waitFor(() => expect(compose.statusBars).toHaveLength(1));
    // `destroy` before `sent`: the window and its fields are gone when `sent` arrives.
    await compose.send({ order: 'destroyFirst', messageId: '<reply-1@gmail>' });
    await vi.waitFor(() => expect(worker.of('composeSent')).toHaveLength(1));
    expect(worker.of('composeSent')[0]).toEqual({
      type: 'composeSent',
      account: ACCOUNT,
      threadId: pricing.threadId,
      messageId: '<reply-1@gmail>',
      subject: 'Re: Pricing for the Q3 rollout',
      recipients: [
        { name: 'Alice Doe', address: 'alice.doe@acme.test' },
        { name: '', address: 'bob@acme.test' },
      ],
      body: 'Attached is the proposal.',
    });
  });

  it('matches `sent` to the reply’s thread and logs it exactly once', async () => {
    const { gmail, worker } = start();
    (await gmail.nextPanelRequest()).appear();
    const compose = gmail.openCompose({
      replyTo: pricing.threadId,
      to: [alice],
      subject: 'Re: Pricing',
      body: 'x',
    });
    await vi.waitFor(() => expect(compose.statusBars).toHaveLength(1));
    // InboxSDK #805: a `sent` before `presending`, carrying the previous message's ids.
    compose.emitSent({ threadId: intro.threadId, messageId: '<previous@gmail>' });
    compose.emit('presending', { cancel: () => undefined });
    // InboxSDK #788: a premature `sent` with another thread's id, then the real one, then a repeat.
    compose.emitSent({ threadId: intro.threadId, messageId: '<draft@gmail>' });
    compose.emitSent({ threadId: pricing.threadId, messageId: '<reply-2@gmail>' });
    compose.emitSent({ threadId: pricing.threadId, messageId: '<reply-2@gmail>' });
    compose.close();
    // Something observable after the ignored events: a new message from another window is logged.
    const fresh = gmail.openCompose({ to: [carol], subject: 'Hello', body: 'y' });
    await vi.waitFor(() => expect(fresh.statusBars).toHaveLength(1));
    await fresh.send({ threadId: 'new-thread-9', messageId: '<new-9@gmail>' });
    await vi.waitFor(() => expect(worker.of('composeSent')).toHaveLength(2));
    expect(worker.of('composeSent').map((m) => [m.threadId, m.messageId, m.body])).toEqual([
      [pricing.threadId, '<reply-2@gmail>', null],
      ['new-thread-9', '<new-9@gmail>', null],
    ]);
  });

  it('reads collapsed messages as far as InboxSDK exposes them and says how many it could not read', async () => {
    const { gmail, worker } = start();
    (await gmail.nextPanelRequest()).appear();
    const view = gmail.openThread({
      threadId: '18c0aaaa00000050',
      subject: 'Rollout plan, week by week',
      messages: [
        { messageId: '<w1@acme.test>', from: alice, to: [sam], state: 'hidden' },
        { messageId: '<w2@acme.test>', from: bob, to: [sam, carol], state: 'collapsed' },
        { messageId: '<w3@demo.test>', from: sam, to: [alice] },
      ],
    });
    await vi.waitFor(() => expect(worker.of('threadOpened')).toHaveLength(1));
    expect(worker.of('threadOpened')[0]?.thread).toMatchObject({
      participants: [
        { name: 'Bob Buyer', address: 'bob@acme.test' },
        { name: 'Sam Seller', address: ACCOUNT },
        { name: 'Alice Doe', address: 'alice.doe@acme.test' },
      ],
      messageIds: ['<w3@demo.test>'],
      unreadMessages: 2,
    });
    // The user expands Bob's message: its recipients and id are read, and the thread is sent again.
    view.messages[1]?.expand();
    await vi.waitFor(() => expect(worker.of('threadOpened')).toHaveLength(2));
    expect(worker.of('threadOpened')[1]?.thread).toMatchObject({
      participants: expect.arrayContaining([{ name: 'Carol Chen', address: 'carol.chen@globex.test' }]),
      messageIds: ['<w2@acme.test>', '<w3@demo.test>'],
      unreadMessages: 1,
    });
  });

  it('skips a Gmail pop-out window without an error', async () => {
    const { gmail, worker, done } = start(
      fakeWorker(),
      'https://mail.google.com/mail/u/0/popout?ver=1&th=18c0a1b2c3d4e5f6',
    );
    await expect(done).resolves.toBeUndefined();
    gmail.openCompose({ to: [alice], subject: 'Hello' });
    // Something observable: the fake's registries saw no handler, and the worker heard nothing.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(gmail.handlerCounts()).toEqual({ threads: 0, rows: 0, composes: 0 });
    expect(worker.sent).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('skips non-mail views (print) without loading InboxSDK', async () => {
    const { gmail, worker, done } = start(
      fakeWorker(),
      'https://mail.google.com/mail/u/0/?ik=abc&view=pt&th=1',
    );
    await expect(done).resolves.toBeUndefined();
    expect(gmail.loadCalls).toEqual([]);
    expect(worker.sent).toEqual([]);
  });

  it('returns no host when InboxSDK refuses to load', async () => {
    const gmail = createFakeGmail(ACCOUNT);
    sdk.gmail = gmail;
    // A pop-out URL the content script's own check let through still gets InboxSDK's URIError.
    setPageUrl('https://mail.google.com/mail/u/0/popout');
    await expect(createGmailHost()).resolves.toBeNull();
  });
});
