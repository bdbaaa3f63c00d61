import { beforeEach, describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  fakePort,
  gmailSender,
  recordingSink,
  sidebarSender,
  TEST_ID,
  TEST_ORIGIN,
} from '../../test/unit/fake-platform';
import { opened, thread, threadStates } from '../../test/unit/worker-open';
import { personRow } from '../db/record-rows';
import { recordRowKey, ThreadlineDb } from '../db/threadline-db';
import { createLogger } from '../shared/logger';
import { SIDEBAR_PORT } from '../shared/sidebar-port';
import { main } from './main';

const summary = { threadId: 't-1', subject: 'Hello', participants: thread.participants, messageCount: 1 };

function setup() {
  const fake = createFakePlatform();
  const sink = recordingSink();
  const db = new ThreadlineDb(`test-${Math.random()}`);
  main(fake.platform, createLogger('worker', sink), { db, policyGraceMs: 5 });
  const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
  fake.connect(port);
  return { ...fake, sink, port };
}

describe('worker message handling', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });

  it('answers the "Search the CRM" shortcut: the tab focuses its sidebar, the sidebar its search', async () => {
    await env.send(opened, gmailSender(7));
    env.pressCommand('focus-search', 7);
    env.pressCommand('something-else', 7);
    await expect.poll(() => env.tabMessages).toEqual([{ tabId: 7, message: { type: 'focusSidebar' } }]);
    expect(env.port.sent.filter((m) => (m as { type: string }).type === 'focusSearch')).toHaveLength(1);
  });

  it('records the opened thread per tab and pushes it to that tab’s sidebar', async () => {
    expect(await env.send(opened, gmailSender(7))).toEqual({ ok: true });
    await expect.poll(() => env.session.get('tab:7')).toMatchObject({ account: 'me@corp.test', thread });
    // ONE message paints the open: the thread's summary (no message lists), its cards and the status.
    expect(threadStates(env.port)).toEqual([
      {
        type: 'view',
        state: expect.objectContaining({ thread: summary }),
        cards: [expect.objectContaining({ address: 'alice@acme.test' })],
        status: expect.objectContaining({ health: 'notConnected' }),
        n: expect.any(Number), // the connection's count (sidebar-hub.ts)
      },
    ]);
  });

  it('tells the sidebar in the view’s status when the saved CRM has no leads (HubSpot), and only then', async () => {
    const db = new ThreadlineDb(`test-${Math.random()}`);
    const info = {
      kind: 'hubspot',
      baseUrl: 'https://api.hubapi.com',
      email: 'sam@corp.test',
      accountName: 'HubSpot · sam@corp.test · owner 41629779',
      userName: 'Sam Lee',
      connectedAt: 1,
      leads: false,
    };
    // Saved without a live key: the status is read all the same.
    await db.settings.put({ name: 'crmConnection', value: info });
    const fake = createFakePlatform();
    main(fake.platform, createLogger('worker', recordingSink()), { db, policyGraceMs: 5 });
    const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
    fake.connect(port);
    await fake.send(opened, gmailSender(7));
    await expect.poll(() => threadStates(port).length).toBeGreaterThan(0);
    expect(threadStates(port).at(-1)).toMatchObject({ status: { leads: false } });
  });

  it('refuses a tags edit for a CRM whose tags are read-only (HubSpot) before saving or queuing it', async () => {
    const db = new ThreadlineDb(`test-${Math.random()}`);
    await db.settings.put({
      name: 'crmConnection',
      value: {
        kind: 'hubspot',
        baseUrl: 'https://api.hubapi.com',
        email: 'sam@corp.test',
        accountName: 'HubSpot · sam@corp.test',
        userName: 'Sam Lee',
        connectedAt: 1,
        leads: false,
        tags: false,
      },
    });
    const bob = {
      id: 41,
      name: 'Bob Buyer',
      title: null,
      companyId: null,
      companyName: null,
      emails: [{ value: 'bob@acme.test', category: 'work' }],
      phones: [],
      address: null,
      tags: ['customer'],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
    };
    await db.people.put(personRow('me@corp.test', bob));
    const fake = createFakePlatform();
    main(fake.platform, createLogger('worker', recordingSink()), { db, policyGraceMs: 5 });
    const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
    fake.connect(port);
    await fake.send(opened, gmailSender(7));
    await expect.poll(() => threadStates(port).length).toBeGreaterThan(0);
    expect(threadStates(port).at(-1)).toMatchObject({ status: { leads: false, tags: false } });
    const edit = (patch: Record<string, unknown>) =>
      fake.send({ type: 'updatePerson', account: 'me@corp.test', personId: 41, patch }, sidebarSender(7));
    expect(await edit({ title: 'Head of Procurement', tags: ['vip'] })).toEqual({
      ok: false,
      error: expect.stringContaining('lifecycle stage'),
    });
    expect((await db.people.get(recordRowKey('me@corp.test', 41)))?.tags).toEqual(['customer']);
    expect(await db.outbox.count()).toBe(0);
    expect(await edit({ title: 'Head of Procurement' })).toEqual({ ok: true });
    expect(await db.outbox.count()).toBe(1);
    // Phones are written whole: refused over a row that does not hold them yet (issue 17).
    await db.people.put(personRow('me@corp.test', bob, { details: false }));
    expect(await edit({ phones: [{ value: '555', category: 'work' }] })).toEqual({
      ok: false,
      error: expect.stringContaining('not loaded yet'),
    });
    expect(await db.outbox.count()).toBe(1);
    // The title alone is saved, and the row stays without the fields it never had.
    expect(await edit({ title: 'Buyer' })).toEqual({ ok: true });
    const slim = await db.people.get(recordRowKey('me@corp.test', 41));
    expect(slim?.title).toBe('Buyer');
    expect(slim).not.toHaveProperty('phones');
  });

  it('refuses a message with a field its declaration does not have (strict, not stripped)', async () => {
    expect(await env.send({ ...opened, extra: 1 }, gmailSender(7))).toBeUndefined();
    expect(await env.send({ ...opened, thread: { ...thread, evil: true } }, gmailSender(7))).toBeUndefined();
    expect(env.sink.lines).toHaveLength(2);
    expect(await env.session.get('tab:7')).toBeUndefined();
  });

  it('answers a handler that throws with the error envelope, not a silence to retry', async () => {
    // The sidebar of tab 8 asks before its tab opened any thread: the handler refuses by throwing.
    const answer = await env.send(
      { type: 'searchCrm', account: 'me@corp.test', query: 'a' },
      sidebarSender(8),
    );
    expect(answer).toEqual({ threadlineError: { message: expect.any(String), retry: false } });
    expect(env.sink.lines.map((l) => l.line).join('\n')).toContain('message.failed');
  });

  it.each([
    ['an unknown type', { type: 'deleteEverything' }],
    ['a missing field', { type: 'threadOpened', account: 'me@corp.test' }],
    ['a wrong type of field', { ...opened, thread: { ...thread, participants: 'alice' } }],
    ['a non-object', 'threadOpened'],
    ['an account that is not an address', { ...opened, account: 'nobody' }],
    [
      'too many participants',
      { ...opened, thread: { ...thread, participants: Array(20_001).fill(thread.participants[0]) } },
    ],
  ])('rejects %s with a logged reason and no effect', async (_label, message) => {
    expect(await env.send(message, gmailSender(7))).toBeUndefined();
    expect(env.sink.lines).toEqual([
      {
        level: 'warn',
        line: expect.stringMatching(/message\.rejected .*"reason":"(bad shape|unknown message type)/),
      },
    ]);
    expect(await env.session.get('tab:7')).toBeUndefined();
    expect(threadStates(env.port)).toEqual([]);
  });

  it.each([
    ['another extension', { ...gmailSender(7), id: 'someone-else' }],
    ['a web page that is not Gmail', { ...gmailSender(7), url: 'https://evil.test/mail.google.com/' }],
    ['a look-alike host', { ...gmailSender(7), url: 'https://mail.google.com.evil.test/' }],
    ['a Gmail frame without a tab', { ...gmailSender(7), tab: undefined }],
    ['no sender at all', {}],
  ])('rejects a message from %s with a logged reason and no effect', async (_label, sender) => {
    expect(await env.send(opened, sender)).toBeUndefined();
    expect(env.sink.lines).toHaveLength(1);
    expect(env.sink.lines[0]?.line).toMatch(
      /message\.rejected .*"reason":"(sender is not this extension|unexpected sender origin)/,
    );
    expect(await env.session.get('tab:7')).toBeUndefined();
    expect(threadStates(env.port)).toEqual([]);
  });

  it('rejects a content-script-only message sent by an extension page', async () => {
    expect(await env.send(opened, sidebarSender(7))).toBeUndefined();
    expect(env.sink.lines[0]?.line).toContain('sidebarPage may not send threadOpened');
    expect(await env.session.get('tab:7')).toBeUndefined();
  });

  it('never logs thread content or addresses when rejecting', async () => {
    await env.send({ ...opened, account: 'x' }, gmailSender(7));
    await env.send(opened, { ...gmailSender(7), url: 'https://evil.test/alice@acme.test' });
    const logged = env.sink.lines.map((l) => l.line).join('\n');
    expect(logged).not.toContain('alice');
    expect(logged).not.toContain('Hello');
  });

  it('clears the thread on close only if it is still the open one', async () => {
    await env.send(opened, gmailSender(7));
    await env.send({ ...opened, thread: { ...thread, threadId: 't-2' } }, gmailSender(7));
    await env.send({ type: 'threadClosed', account: 'me@corp.test', threadId: 't-1' }, gmailSender(7));
    await expect.poll(() => env.session.get('tab:7')).toMatchObject({ thread: { threadId: 't-2' } });
    await env.send({ type: 'threadClosed', account: 'me@corp.test', threadId: 't-2' }, gmailSender(7));
    await expect
      .poll(() => env.session.get('tab:7'))
      .toMatchObject({ thread: null, account: 'me@corp.test' });
  });

  it('keeps tabs apart and forgets a closed tab', async () => {
    await env.send(opened, gmailSender(7));
    await env.send({ ...opened, thread: { ...thread, threadId: 'other' } }, gmailSender(8));
    expect(threadStates(env.port)).toHaveLength(1);
    await env.removeTab(7);
    await new Promise((r) => setTimeout(r, 0));
    expect(await env.session.get('tab:7')).toBeUndefined();
    await expect.poll(() => env.session.get('tab:8')).toMatchObject({ thread: { threadId: 'other' } });
  });

  it('injects InboxSDK’s page world into the asking Gmail document only', async () => {
    expect(await env.send({ type: 'inboxsdk__injectPageWorld' }, gmailSender(7))).toBe(true);
    expect(env.injected).toEqual([{ tabId: 7, documentId: 'doc-1', frameId: 0 }]);
    expect(await env.send({ type: 'inboxsdk__injectPageWorld' }, sidebarSender(7))).toBeUndefined();
    expect(env.injected).toHaveLength(1);
  });
});

describe('sidebar ports', () => {
  it('answers subscribe from durable state, so a restarted worker knows the open thread', async () => {
    const env = setup();
    await env.send(opened, gmailSender(7));
    env.port.close();
    env.restartWorker();
    main(env.platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`test-${Math.random()}`),
    });
    const fresh = fakePort(SIDEBAR_PORT, sidebarSender(7));
    env.connect(fresh);
    fresh.deliver({ type: 'subscribe' });
    await expect
      .poll(() => threadStates(fresh))
      .toEqual([
        expect.objectContaining({ type: 'view', state: expect.objectContaining({ thread: summary }) }),
      ]);
  });

  it('sends a newer seq for each change', async () => {
    const env = setup();
    await env.send(opened, gmailSender(7));
    await env.send({ type: 'threadClosed', account: 'me@corp.test', threadId: 't-1' }, gmailSender(7));
    const seqs = threadStates(env.port).map((m) => (m as { state: { seq: number } }).state.seq);
    expect(seqs).toHaveLength(2);
    expect(seqs[1]).toBeGreaterThan(seqs[0] ?? Number.POSITIVE_INFINITY);
  });

  it.each([
    [
      'a page that is not the sidebar',
      { id: TEST_ID, url: `${TEST_ORIGIN}src/options/index.html`, tab: { id: 7 } },
    ],
    [
      'another extension',
      { id: 'other', url: 'chrome-extension://other/src/sidebar/index.html', tab: { id: 7 } },
    ],
    ['a content script', { id: TEST_ID, url: 'https://mail.google.com/mail/u/0/', tab: { id: 7 } }],
    ['a sidebar outside a tab', { id: TEST_ID, url: `${TEST_ORIGIN}src/sidebar/index.html` }],
  ])('refuses a port from %s', async (_label, sender) => {
    const env = setup();
    const port = fakePort(SIDEBAR_PORT, sender);
    env.connect(port);
    expect(port.disconnected).toBe(true);
    expect(env.sink.lines[0]?.line).toContain('port.rejected');
    await env.send(opened, gmailSender(7));
    expect(port.sent).toEqual([]);
  });

  it('ignores a malformed port message', async () => {
    const env = setup();
    env.port.deliver({ type: 'subscribe', extra: 1, nested: { evil: true } });
    env.port.deliver({ type: 'dump' });
    await new Promise((r) => setTimeout(r, 0));
    // Unknown fields are refused, not stripped: neither message subscribes.
    expect(env.sink.lines.map((l) => l.line)).toEqual([
      expect.stringContaining('port.message.rejected'),
      expect.stringContaining('port.message.rejected'),
    ]);
    expect(env.port.sent).toEqual([]);
  });
});

describe('a starting worker', () => {
  it('leaves its housekeeping (the alarms’ check, the outbox copies’ prune) until it has been up a while', async () => {
    const fake = createFakePlatform();
    // A database opened before: this start is not its creation, so the copies are pruned.
    const name = `test-${Math.random()}`;
    const earlier = new ThreadlineDb(name);
    await earlier.open();
    earlier.close();
    const asked: string[] = [];
    const { alarms, local } = fake.platform;
    const getAlarm = alarms.get;
    alarms.get = (alarm) => {
      asked.push(`alarm ${alarm}`);
      return getAlarm(alarm);
    };
    const getAll = local.getAll;
    local.getAll = () => {
      asked.push('all of storage.local');
      return getAll();
    };
    // The worker has "been up a while" when the test says so.
    let upAWhile = () => {};
    const up = new Promise<void>((resolve) => {
      upAWhile = resolve;
    });
    const db = new ThreadlineDb(name);
    main(fake.platform, createLogger('worker', recordingSink()), {
      db,
      policyGraceMs: 5,
      afterStart: (task) => up.then(task),
    });
    const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
    fake.connect(port);
    expect(await fake.send(opened, gmailSender(7))).toEqual({ ok: true });
    await expect.poll(() => threadStates(port).length).toBeGreaterThan(0);
    // The open's check has noted the database (the step before a prune), and the worker has served
    // another request since: nothing of the housekeeping has run.
    await expect.poll(() => fake.platform.local.get('databaseCreatedAt')).toEqual(expect.any(Number));
    expect(
      await fake.send({ type: 'threadClosed', account: 'me@corp.test', threadId: 't-1' }, gmailSender(7)),
    ).toEqual({ ok: true });
    expect(asked).toEqual([]);
    upAWhile();
    await expect
      .poll(() => [...asked].sort())
      .toEqual(['alarm threadline-retention', 'alarm threadline-sync', 'all of storage.local']);
  });
});
