import type { MessageFacts, ThreadFacts } from '../../shared/protocol';

/** Facts of each message of a thread; older content scripts sent only ids. */
export const messagesOf = (thread: ThreadFacts): MessageFacts[] =>
  thread.messages ??
  thread.messageIds.map((messageId) => ({
    messageId,
    from: { name: '', address: '' },
    recipients: [],
    date: null,
  }));
