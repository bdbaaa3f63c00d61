/**
 * The production Gmail host: the ONLY module that imports @inboxsdk/core (ARCHITECTURE.md).
 * Loaded with a dynamic import so the SDK (~2 MB) is its own chunk and the entry stays small.
 */

import type { Contact, MessageView, ThreadRowView } from '@inboxsdk/core';
import * as InboxSDK from '@inboxsdk/core';
import type { Participant, ThreadFacts } from '../../shared/protocol';
import { dedupeParticipants } from './dedupe-participants';
import type { ComposeHandle, CreateGmailHost, GmailHost, ThreadRow } from './gmail-host';

/** A valid id ("sdk_" + name + "_" + sha1(name)[0..10]); override with VITE_INBOXSDK_APP_ID. */
const DEFAULT_APP_ID = 'sdk_Threadline_7ba663641a';

async function participantsOf(messages: MessageView[]): Promise<{ people: Participant[]; ids: string[] }> {
  const people: Participant[] = [];
  const ids: string[] = [];
  for (const message of messages) {
    if (!message.isLoaded()) continue;
    const sender = message.getSender();
    people.push({ name: sender.name ?? '', address: sender.emailAddress });
    for (const to of await message.getRecipientsFull())
      people.push({ name: to.name ?? '', address: to.emailAddress });
    ids.push(await message.getMessageIDAsync());
  }
  return { people: dedupeParticipants(people), ids };
}

export const createGmailHost: CreateGmailHost = async () => {
  const sdk = await InboxSDK.load(2, import.meta.env.VITE_INBOXSDK_APP_ID ?? DEFAULT_APP_ID, {
    // Limited Use: no SDK event tracking or error reporting (reference/inboxsdk.md).
    eventTracking: false,
    globalErrorLogging: false,
  });
  const opened = new Set<(thread: ThreadFacts) => void>();
  const closed = new Set<(threadId: string) => void>();

  sdk.Conversations.registerThreadViewHandler((view) => {
    void (async () => {
      const threadId = await view.getThreadIDAsync();
      const { people, ids } = await participantsOf(view.getMessageViewsAll());
      const thread: ThreadFacts = {
        threadId,
        subject: view.getSubject(),
        participants: people,
        messageIds: ids,
      };
      for (const listener of opened) listener(thread);
      view.on('destroy', () => {
        for (const listener of closed) listener(threadId);
      });
    })();
  });

  const host: GmailHost = {
    account: sdk.User.getEmailAddress(),
    onThreadOpened: (listener) => void opened.add(listener),
    onThreadClosed: (listener) => void closed.add(listener),
    onThreadRow: (listener) => {
      sdk.Lists.registerThreadRowViewHandler((row: ThreadRowView) => {
        void row.getThreadIDAsync().then((threadId: string) => {
          const contacts = row
            .getContacts()
            .map((c: Contact) => ({ name: c.name ?? '', address: c.emailAddress }));
          const threadRow: ThreadRow = { threadId, contacts: dedupeParticipants(contacts) };
          listener(threadRow);
        });
      });
    },
    onCompose: (listener) => {
      sdk.Compose.registerComposeViewHandler((view) => {
        const handle: ComposeHandle = {
          getToRecipients: () =>
            view.getToRecipients().map((c) => ({ name: c.name ?? '', address: c.emailAddress })),
          onSent: (sentListener) =>
            view.on('sent', (event) => {
              void Promise.all([event.getThreadID(), event.getMessageID()]).then(([threadId, messageId]) =>
                sentListener({ threadId, messageId }),
              );
            }),
        };
        listener(handle);
      });
    },
    mountSidebar: async ({ element, title, iconUrl }) => {
      await sdk.Global.addSidebarContentPanel({ el: element, title, iconUrl });
    },
  };
  return host;
};
