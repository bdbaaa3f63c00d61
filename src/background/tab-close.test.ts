import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, expect, it, vi } from 'vitest';
import { createFakePlatform, gmailSender, recordingSink } from '../../test/unit/fake-platform';
import { ThreadlineDb } from '../db/threadline-db';
import { createLogger } from '../shared/logger';
import { main } from './main';

afterEach(() => {
  vi.restoreAllMocks();
});

it('logs a closed tab’s state that storage would not remove, instead of leaving the failure unhandled', async () => {
  const env = createFakePlatform();
  const sink = recordingSink();
  main(env.platform, createLogger('worker', sink), { db: new ThreadlineDb(`close-${Math.random()}`) });
  const thread = { threadId: 't-1', subject: 'Hello', participants: [], messageIds: [] };
  await env.send({ type: 'threadOpened', account: 'me@corp.test', thread }, gmailSender(7));
  vi.spyOn(fakeBrowser.storage.session, 'remove').mockRejectedValue(new Error('refused'));
  await env.removeTab(7);
  // Without the worker's catch, vitest fails the run on the unhandled rejection as well.
  await expect
    .poll(() => sink.lines.map((l) => l.line).filter((l) => /removeFailed|forgetFailed/.test(l)))
    .toEqual(
      expect.arrayContaining([
        '[threadline:worker] tabState.removeFailed {"error":"Error"}',
        '[threadline:worker] accountPin.forgetFailed {"error":"Error"}',
      ]),
    );
});
