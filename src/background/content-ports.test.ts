/**
 * The content scripts' port (shared/content-port.ts) through the whole worker (`main()` on the
 * in-memory browser): who may open one, what it carries, and that each request meets the router's
 * checks as a message from that content script would.
 */
import { describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  fakePort,
  gmailSender,
  recordingSink,
  sidebarSender,
} from '../../test/unit/fake-platform';
import { ThreadlineDb } from '../db/threadline-db';
import { CONTENT_PORT } from '../shared/content-port';
import { createLogger } from '../shared/logger';
import { main } from './main';

const ME = 'me@corp.test';

function setup() {
  const fake = createFakePlatform();
  const sink = recordingSink();
  main(fake.platform, createLogger('worker', sink), {
    db: new ThreadlineDb(`content-port-${Math.random()}`),
    policyGraceMs: 5,
  });
  return { ...fake, sink, rejected: () => sink.lines.filter((l) => l.line.includes('rejected')) };
}

/** A Gmail content script's port, connected. */
function contentPort(env: ReturnType<typeof setup>) {
  const port = fakePort(CONTENT_PORT, gmailSender(7));
  env.connect(port);
  return port;
}

const badges = (account: string) => ({
  type: 'rowBadges',
  account,
  rows: [{ threadId: 't-1', addresses: ['alice@acme.test'] }],
});

describe('the content script’s port to the worker', () => {
  it('answers a Gmail content script’s hostStatus and rowBadges by their ids, on one port', async () => {
    const env = setup();
    const port = contentPort(env);
    port.deliver({ id: 1, message: { type: 'hostStatus', account: ME } });
    port.deliver({ id: 2, message: badges(ME) });
    await expect
      .poll(() => port.sent)
      .toEqual(
        expect.arrayContaining([
          { id: 1, answer: expect.objectContaining({ enabled: true, lane: expect.any(String) }) },
          { id: 2, answer: { badges: [{ threadId: 't-1', contact: false, dealStage: null }] } },
        ]),
      );
    expect(port.sent).toHaveLength(2);
    expect(port.disconnected).toBe(false);
  });

  it('is refused to anything but a Gmail content script: the port is closed at once', async () => {
    const env = setup();
    const web = { ...gmailSender(7), url: 'https://evil.test/', origin: 'https://evil.test' };
    for (const sender of [sidebarSender(7), web, { ...gmailSender(7), id: 'another-extension' }]) {
      const port = fakePort(CONTENT_PORT, sender);
      env.connect(port);
      expect(port.disconnected).toBe(true);
    }
    expect(env.sink.lines.filter((l) => l.line.includes('port.rejected'))).toHaveLength(3);
  });

  it('carries only what may be delivered twice: a write is answered as refused, and does not run', async () => {
    const env = setup();
    const port = contentPort(env);
    port.deliver({ id: 1, message: { type: 'hostStatus', account: ME } });
    await expect.poll(() => port.sent).toHaveLength(1);
    const sent = {
      type: 'composeSent',
      account: ME,
      threadId: 't-1',
      messageId: '<m1@corp.test>',
      subject: 'Hi',
      recipients: [{ name: 'Alice', address: 'alice@acme.test' }],
      body: null,
    };
    port.deliver({ id: 2, message: sent });
    await expect.poll(() => port.sent).toContainEqual({ id: 2 });
    expect(env.rejected().map((l) => l.line)).toEqual([expect.stringContaining('not a port message')]);
    // The same write by message runs (it is the worker's to refuse on its merits, not the port's).
    expect(await env.send(sent, gmailSender(7))).not.toBeUndefined();
  });

  it('carries a lane message’s copy: the first copy of its seq runs, a second is answered unrun', async () => {
    const env = setup();
    const port = contentPort(env);
    const thread = { threadId: 't-1', subject: 'Hi', participants: [], messageIds: [] };
    port.deliver({ id: 1, message: { type: 'threadOpened', account: ME, thread, seq: 1 } });
    await expect.poll(() => port.sent).toEqual([{ id: 1, answer: { ok: true } }]);
    expect(await env.session.get('tab:7')).toMatchObject({ account: ME, thread });
    // Its other copy (by the lane, or this one delivered again on a new port) does not run again.
    port.deliver({ id: 2, message: { type: 'threadOpened', account: ME, thread, seq: 1 } });
    await expect.poll(() => port.sent).toHaveLength(2);
    expect(port.sent[1]).toEqual({ id: 2, answer: { ok: true } });
    expect(env.sink.lines.filter((l) => l.line.includes('message.secondCopy'))).toHaveLength(1);
    expect(env.rejected()).toEqual([]);
  });

  it('runs each request through the router: strict shape, and the tab’s account', async () => {
    const env = setup();
    const port = contentPort(env);
    port.deliver({ id: 1, message: { type: 'hostStatus', account: ME } });
    await expect.poll(() => port.sent).toHaveLength(1);
    // A field its declaration lacks, and another account than the tab's first: both refused.
    port.deliver({ id: 2, message: { ...badges(ME), extra: true } });
    port.deliver({ id: 3, message: badges('someone@else.test') });
    await expect.poll(() => port.sent).toHaveLength(3);
    expect(port.sent.slice(1)).toEqual(expect.arrayContaining([{ id: 2 }, { id: 3 }]));
    // The envelope itself is strict too: no answer to a malformed one.
    port.deliver({ id: 4, message: badges(ME), more: 1 });
    port.deliver({ id: 0, message: badges(ME) });
    port.deliver('rowBadges');
    port.deliver({ id: 5, message: badges(ME) });
    await expect.poll(() => port.sent).toHaveLength(4);
    expect(port.sent[3]).toEqual({ id: 5, answer: expect.objectContaining({ badges: expect.any(Array) }) });
    expect(env.sink.lines.filter((l) => l.line.includes('port.message.rejected'))).toHaveLength(3);
  });
});
