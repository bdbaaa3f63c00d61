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

/** The thread with only the messages `keep` admits (a contact's share; those whose bodies were read). */
export function withMessages(thread: ThreadFacts, keep: (message: MessageFacts) => boolean): ThreadFacts {
  const messages = messagesOf(thread).filter(keep);
  return { ...thread, messages, messageIds: messages.map((m) => m.messageId) };
}
