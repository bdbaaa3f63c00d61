import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_PORT } from '../shared/content-port';

const runtime = vi.hoisted(() => {
  const posted: unknown[] = [];
  return {
    posted,
    id: 'threadlinetestid',
    lastError: undefined,
    connect: vi.fn((_info: { name: string }) => ({
      postMessage: (m: unknown) => void posted.push(m),
      disconnect: () => undefined,
      onMessage: { addListener: () => undefined },
      onDisconnect: { addListener: () => undefined },
    })),
    sendMessage: vi.fn(async (_m: unknown) => ({ ok: true })),
    getURL: (path: string) => `chrome-extension://threadlinetestid/${path}`,
    onMessage: { addListener: () => undefined },
  };
});
vi.mock('webextension-polyfill', () => ({ default: { runtime } }));

const { contentPlatform } = await import('./platform');

describe('the content platform’s requests to the worker', () => {
  beforeEach(() => {
    runtime.posted.length = 0;
    runtime.sendMessage.mockClear();
  });

  it('sends the page load’s reads and the lane messages’ copies on one port, and everything else by message', () => {
    void contentPlatform.sendMessage({ type: 'hostStatus', account: 'me@corp.test' });
    void contentPlatform.sendMessage({ type: 'rowBadges', account: 'me@corp.test', rows: [] });
    void contentPlatform.sendMessage({ type: 'threadOpened', account: 'me@corp.test', seq: 1 });
    void contentPlatform.sendMessage({ type: 'threadClosed', account: 'me@corp.test', seq: 2 });
    void contentPlatform.sendMessage({ type: 'composeSent', account: 'me@corp.test' });
    void contentPlatform.sendMessage({ type: 'composeDefaults', account: 'me@corp.test' });
    expect(runtime.connect.mock.calls).toEqual([[{ name: CONTENT_PORT }]]);
    expect(runtime.posted).toEqual([
      { id: 1, message: { type: 'hostStatus', account: 'me@corp.test' } },
      { id: 2, message: { type: 'rowBadges', account: 'me@corp.test', rows: [] } },
      { id: 3, message: { type: 'threadOpened', account: 'me@corp.test', seq: 1 } },
      { id: 4, message: { type: 'threadClosed', account: 'me@corp.test', seq: 2 } },
    ]);
    // The rest: Chrome delivers a message once or refuses it; a port's request may come twice.
    expect(runtime.sendMessage.mock.calls.map(([m]) => (m as { type: string }).type)).toEqual([
      'composeSent',
      'composeDefaults',
    ]);
  });

  it('does not send a lane message again once a later one of its family was sent', async () => {
    const open = { type: 'threadOpened', account: 'me@corp.test', seq: 5 };
    const close = { type: 'threadClosed', account: 'me@corp.test', seq: 6 };
    void contentPlatform.sendMessage(open);
    void contentPlatform.sendMessage(close);
    // The port closed before the open's answer: the worker client sends it again. A new worker would
    // run it over the close it never saw (answered by the worker before), so it is answered here.
    expect(await contentPlatform.sendMessage(open)).toEqual({ ok: true });
    // The close, unanswered too, goes again: nothing later was sent.
    void contentPlatform.sendMessage(close);
    // The benchmark's pings count on their own.
    void contentPlatform.sendMessage({ type: 'benchPing', seq: 1 });
    expect(runtime.posted.map((p) => (p as { message: unknown }).message)).toEqual([
      open,
      close,
      close,
      { type: 'benchPing', seq: 1 },
    ]);
    expect(runtime.sendMessage).not.toHaveBeenCalled();
  });
});
