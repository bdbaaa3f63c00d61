import { describe, expect, it } from 'vitest';
import { recordingSink } from '../../test/unit/fake-platform';
import { createLogger } from '../shared/logger';
import type { SenderContext } from './classify-sender';
import { createRouter, type Handlers } from './create-router';

const context = (kind: SenderContext['kind']): SenderContext => ({
  kind,
  tabId: 7,
  frameId: 0,
  documentId: 'doc-1',
});
const copy = { type: 'threadOpened', account: 'me@corp.test', seq: 1 };

describe('the router’s answer to a copy that already ran', () => {
  // No handler may run: every one throws.
  const handlers = new Proxy({} as Handlers, {
    get: () => () => Promise.reject(new Error('a handler ran')),
  });
  const router = (ranBefore: () => boolean) => {
    const sink = recordingSink();
    const { dispatch } = createRouter(handlers, {
      runtimeId: 'id',
      extensionOrigin: 'chrome-extension://id/',
      logger: createLogger('worker', sink),
      ranBefore,
    });
    return { dispatch, sink };
  };

  it('answers ack unread only to a sender the type allows; any other is refused as ever', async () => {
    const { dispatch, sink } = router(() => true);
    expect(await dispatch(copy, context('gmailContentScript'))).toEqual({ ok: true });
    expect(await dispatch(copy, context('sidebarPage'))).toBeUndefined();
    expect(sink.lines.map((l) => l.line).join('\n')).toContain('rejected');
  });

  it('parses and checks a copy that has not run', async () => {
    const { dispatch, sink } = router(() => false);
    expect(await dispatch(copy, context('gmailContentScript'))).toBeUndefined();
    expect(sink.lines.map((l) => l.line).join('\n')).toContain('bad shape');
  });
});
