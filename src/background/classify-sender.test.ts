import { describe, expect, it } from 'vitest';
import {
  type FakePort,
  fakePort,
  gmailSender,
  popupSender,
  recordingSink,
  sidebarSender,
  TEST_ID,
  TEST_ORIGIN,
} from '../../test/unit/fake-platform';
import { createLogger } from '../shared/logger';
import type { SenderKind } from '../shared/protocol';
import { acceptPort, classifySender } from './classify-sender';

const classify = (sender: Parameters<typeof classifySender>[0]) =>
  classifySender(sender, TEST_ID, TEST_ORIGIN);

describe('classifySender', () => {
  it('knows the toolbar popup as its own kind, in no tab or (browser tests) in a tab', () => {
    expect(classify(popupSender())).toEqual({
      ok: true,
      context: { kind: 'popupPage', tabId: null, frameId: 0, documentId: null },
    });
    expect(classify({ ...popupSender(), tab: { id: 4 } })).toMatchObject({
      ok: true,
      context: { kind: 'popupPage', tabId: 4 },
    });
  });

  it('keeps the other pages apart from the popup', () => {
    expect(classify(sidebarSender(7))).toMatchObject({ ok: true, context: { kind: 'sidebarPage' } });
    expect(classify({ id: TEST_ID, url: `${TEST_ORIGIN}src/options/index.html` })).toMatchObject({
      ok: true,
      context: { kind: 'optionsPage' },
    });
    expect(classify({ id: TEST_ID, url: `${TEST_ORIGIN}src/popupish/index.html` })).toEqual({
      ok: false,
      reason: 'unexpected extension page',
    });
  });

  it('refuses the popup page of another extension, or a web page claiming the path', () => {
    expect(classify({ ...popupSender(), id: 'someoneelse' })).toEqual({
      ok: false,
      reason: 'sender is not this extension',
    });
    expect(classify({ id: TEST_ID, url: 'https://evil.test/src/popup/index.html', tab: { id: 2 } })).toEqual({
      ok: false,
      reason: 'unexpected sender origin https://evil.test',
    });
  });
});

describe('the sidebar page', () => {
  it('is only the sidebar document: another page under its folder is refused', () => {
    expect(classify(sidebarSender(4))).toMatchObject({ ok: true, context: { kind: 'sidebarPage' } });
    expect(
      classify({ ...sidebarSender(4), url: `${TEST_ORIGIN}src/sidebar/index.html#theme=dark` }),
    ).toMatchObject({
      ok: true,
      context: { kind: 'sidebarPage' },
    });
    expect(classify({ ...sidebarSender(4), url: `${TEST_ORIGIN}src/sidebar/other.html` })).toEqual({
      ok: false,
      reason: 'unexpected extension page',
    });
  });
});

describe('acceptPort', () => {
  const accept = (port: FakePort, kind: SenderKind, sink = recordingSink()) => ({
    context: acceptPort(port, 'the-port', kind, {
      runtimeId: TEST_ID,
      extensionOrigin: TEST_ORIGIN,
      logger: createLogger('worker', sink),
    }),
    sink,
  });

  it('takes a port of its name from its kind in a tab, and leaves ports of other names alone', () => {
    const sidebar = fakePort('the-port', sidebarSender(4));
    expect(accept(sidebar, 'sidebarPage').context).toMatchObject({ kind: 'sidebarPage', tabId: 4 });
    const gmail = fakePort('the-port', gmailSender(7));
    expect(accept(gmail, 'gmailContentScript').context).toMatchObject({
      kind: 'gmailContentScript',
      tabId: 7,
    });
    const other = fakePort('another-port', gmailSender(7));
    const { context, sink } = accept(other, 'sidebarPage');
    expect([context, other.disconnected, sink.lines]).toEqual([null, false, []]);
    expect([sidebar.disconnected, gmail.disconnected]).toEqual([false, false]);
  });

  it.each([
    ['another kind', gmailSender(7), 'sidebarPage', 'not a sidebarPage in a tab'],
    [
      'its kind outside a tab',
      { ...sidebarSender(4), tab: undefined },
      'sidebarPage',
      'not a sidebarPage in a tab',
    ],
    [
      'another extension',
      { ...gmailSender(7), id: 'other' },
      'gmailContentScript',
      'sender is not this extension',
    ],
    [
      'a web page',
      { ...gmailSender(7), url: 'https://evil.test/mail/u/0/#inbox/abc' },
      'gmailContentScript',
      'unexpected sender origin',
    ],
  ] as const)('closes a port from %s, logging why without the URL', (_label, sender, kind, reason) => {
    const port = fakePort('the-port', sender);
    const { context, sink } = accept(port, kind);
    expect(context).toBeNull();
    expect(port.disconnected).toBe(true);
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]?.line).toContain('port.rejected');
    expect(sink.lines[0]?.line).toContain(reason);
    // The URL (a Gmail URL carries a thread id) is never logged.
    expect(sink.lines[0]?.line).not.toContain(sender.url ?? '');
    expect(sink.lines[0]?.line).not.toContain('inbox/abc');
  });
});
