/**
 * A thread open from Gmail as the worker's tests send it (main.test.ts, thread-handlers.test.ts),
 * and the views a sidebar's port was sent.
 */
import type { ThreadFacts } from '../../src/shared/protocol';

export const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Hello',
  participants: [{ name: 'Alice', address: 'alice@acme.test' }],
  messageIds: ['<m1@acme.test>'],
};
export const opened = { type: 'threadOpened', account: 'me@corp.test', thread };
export const threadStates = (port: { sent: unknown[] }) =>
  port.sent.filter((m) => (m as { type: string }).type === 'view');
