/**
 * The production Gmail host: the ONLY module that imports @inboxsdk/core (ARCHITECTURE.md).
 * Loaded with a dynamic import so the SDK (~2 MB) is its own chunk and the entry stays small.
 */

import type { Contact, MessageView, ThreadRowView } from '@inboxsdk/core';
import * as InboxSDK from '@inboxsdk/core';
import { BODY_MAX, type MessageFacts, type Participant, type ThreadFacts } from '../../shared/protocol';
import { createLogToggle, parseGmailDate } from '../compose-log-toggle';
import { dedupeParticipants } from './dedupe-participants';
import type { ComposeHandle, CreateGmailHost, GmailHost, ThreadRow } from './gmail-host';

/** A valid id ("sdk_" + name + "_" + sha1(name)[0..10]); override with VITE_INBOXSDK_APP_ID. */
const DEFAULT_APP_ID = 'sdk_Threadline_7ba663641a';

async function participantsOf(
  messages: MessageView[],
  views: Map<string, MessageView>,
): Promise<{ people: Participant[]; ids: string[]; facts: MessageFacts[] }> {
  const people: Participant[] = [];
  const ids: string[] = [];
  const facts: MessageFacts[] = [];
  for (const message of messages) {
    if (!message.isLoaded()) continue;
    const sender = message.getSender();
    const from = { name: sender.name ?? '', address: sender.emailAddress };
    const recipients = (await message.getRecipientsFull()).map((to) => ({
      name: to.name ?? '',
      address: to.emailAddress,
    }));
    people.push(from, ...recipients);
    const messageId = await message.getMessageIDAsync();
    ids.push(messageId);
    views.set(messageId, message);
    facts.push({ messageId, from, recipients, date: parseGmailDate(message.getDateString()) });
  }
  return { people: dedupeParticipants(people), ids, facts };
}

export const createGmailHost: CreateGmailHost = async () => {
  const sdk = await InboxSDK.load(2, import.meta.env.VITE_INBOXSDK_APP_ID ?? DEFAULT_APP_ID, {
    // Limited Use: no SDK event tracking or error reporting (reference/inboxsdk.md).
    eventTracking: false,
    globalErrorLogging: false,
  });
  const opened = new Set<(thread: ThreadFacts) => void>();
  const closed = new Set<(threadId: string) => void>();
  // The open thread's message views, to read bodies when logging at content level `full`.
  let openThread: { threadId: string; views: Map<string, MessageView> } | null = null;

  sdk.Conversations.registerThreadViewHandler((view) => {
    void (async () => {
      const threadId = await view.getThreadIDAsync();
      const views = new Map<string, MessageView>();
      const { people, ids, facts } = await participantsOf(view.getMessageViewsAll(), views);
      openThread = { threadId, views };
      const thread: ThreadFacts = {
        threadId,
        subject: view.getSubject(),
        participants: people,
        messageIds: ids,
        messages: facts,
      };
      for (const listener of opened) listener(thread);
      view.on('destroy', () => {
        if (openThread?.threadId === threadId) openThread = null;
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
          const threadRow: ThreadRow = {
            threadId,
            contacts: dedupeParticipants(contacts),
            showBadges: ({ contact, dealStage }) => {
              if (dealStage)
                row.addLabel({ title: dealStage, foregroundColor: '#0b57d0', backgroundColor: '#d3e3fd' });
              else if (contact)
                row.addLabel({ title: 'CRM', foregroundColor: '#146c2e', backgroundColor: '#c4eed0' });
            },
          };
          listener(threadRow);
        });
      });
    },
    onCompose: (listener) => {
      sdk.Compose.registerComposeViewHandler((view) => {
        let lastText = '';
        view.on('presending', () => {
          lastText = view.getTextContent();
        });
        const handle: ComposeHandle = {
          threadId: () => (view.isReply() ? view.getThreadID() || null : null),
          getToRecipients: () =>
            view.getToRecipients().map((c) => ({ name: c.name ?? '', address: c.emailAddress })),
          getSubject: () => view.getSubject(),
          // After sending, the view may be gone: the text snapshotted at "presending" is used then.
          getBodyText: () => (view.destroyed ? lastText : view.getTextContent()).slice(0, BODY_MAX),
          addLogToggle: (initial, onChange) => {
            const bar = view.addStatusBar({ height: 32 });
            bar.el.append(createLogToggle(initial, onChange));
          },
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
    readBodies: async (threadId, messageIds) => {
      if (openThread?.threadId !== threadId) return [];
      const views = openThread.views;
      return messageIds.flatMap((messageId) => {
        const view = views.get(messageId);
        if (!view?.isLoaded()) return [];
        return [{ messageId, text: view.getBodyElement().innerText.slice(0, BODY_MAX) }];
      });
    },
  };
  return host;
};
