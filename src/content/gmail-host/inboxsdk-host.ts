/**
 * The production Gmail host: the ONLY module that imports @inboxsdk/core (ARCHITECTURE.md).
 * Loaded with a dynamic import so the SDK (~2 MB) is its own chunk and the entry stays small.
 *
 * Gmail's real order of events (issue 15, reference/inboxsdk.md), which this adapter survives:
 * - every SDK handler is registered right after `load()`, before any other await; the latest open
 *   thread, the live rows and the open compose windows are kept and handed to late listeners;
 * - a thread view's `destroy` listener is attached before its id and messages are read, and facts
 *   of a view the user already left are dropped;
 * - collapsed messages (`isLoaded()` false) still give what InboxSDK exposes (their sender), are
 *   counted in `unreadMessages`, and the thread is read again when one of them loads;
 * - compose facts are read at `presending`; `sent` is matched to the reply's thread, once;
 * - pop-out windows, where `load()` throws, get no host.
 */

import type {
  ComposeView,
  ComposeViewEvent,
  ContentPanelDescriptor,
  ContentPanelView,
  InboxSDK,
  MessageView,
  ThreadRowView,
  ThreadView,
} from '@inboxsdk/core';
import * as inboxSdk from '@inboxsdk/core';
import { createLogger, errorName } from '../../shared/logger';
import { BODY_MAX, type MessageFacts, type Participant, type ThreadFacts } from '../../shared/protocol';
import { classifyGmailPage } from '../classify-gmail-page';
import { createLogToggle, parseGmailDate } from '../compose-log-toggle';
import { dedupeParticipants } from './dedupe-participants';
import type { ComposeHandle, CreateGmailHost, GmailHost, SentMessage, ThreadRow } from './gmail-host';

const logger = createLogger('content');

/** A valid id ("sdk_" + name + "_" + sha1(name)[0..10]); override with VITE_INBOXSDK_APP_ID. */
const DEFAULT_APP_ID = 'sdk_Threadline_7ba663641a';

// Exactly the part of @inboxsdk/core this adapter uses, derived from the package's own declarations:
// `createGmailHost` assigns the real SDK to `SdkSurface`, and the adapter's test fake
// (test/gmail-double/fake-inboxsdk.ts) implements it, so an SDK upgrade that changes any of these
// fails `npm run typecheck`.
export type MessageViewSurface = Pick<
  MessageView,
  'isLoaded' | 'getSender' | 'getRecipientsFull' | 'getMessageIDAsync' | 'getDateString' | 'getBodyElement'
> & { on(event: 'load', listener: () => void): unknown };

export type ThreadViewSurface = Pick<ThreadView, 'getThreadIDAsync' | 'getSubject'> & {
  getMessageViewsAll(): MessageViewSurface[];
  on(event: 'destroy', listener: () => void): unknown;
};

export type ThreadRowSurface = Pick<ThreadRowView, 'getThreadIDAsync' | 'getContacts' | 'addLabel'> & {
  on(event: 'destroy', listener: () => void): unknown;
};

export type SentEvent = Parameters<ComposeViewEvent['sent']>[0];

export type ComposeViewSurface = Pick<
  ComposeView,
  'destroyed' | 'isReply' | 'getThreadID' | 'getSubject' | 'getTextContent' | 'getToRecipients'
> & {
  addStatusBar(
    descriptor: Parameters<ComposeView['addStatusBar']>[0],
  ): Pick<ReturnType<ComposeView['addStatusBar']>, 'el'>;
  on(event: 'presending', listener: ComposeViewEvent['presending']): unknown;
  on(event: 'sent', listener: ComposeViewEvent['sent']): unknown;
  on(event: 'destroy', listener: () => void): unknown;
};

export type ContentPanelSurface = Pick<ContentPanelView, 'remove'>;

export interface SdkSurface {
  User: Pick<InboxSDK['User'], 'getEmailAddress'>;
  Conversations: { registerThreadViewHandler(handler: (view: ThreadViewSurface) => void): () => void };
  Lists: { registerThreadRowViewHandler(handler: (row: ThreadRowSurface) => void): () => void };
  Compose: { registerComposeViewHandler(handler: (view: ComposeViewSurface) => void): () => void };
  Global: { addSidebarContentPanel(descriptor: ContentPanelDescriptor): Promise<ContentPanelSurface | null> };
}

interface ReadThread {
  facts: ThreadFacts;
  views: Map<string, MessageViewSurface>;
}

/** Who and which messages, from every message view InboxSDK gives (collapsed ones as far as it can). */
async function readThread(view: ThreadViewSurface, threadId: string): Promise<ReadThread> {
  const people: Participant[] = [];
  const ids: string[] = [];
  const messages: MessageFacts[] = [];
  const views = new Map<string, MessageViewSurface>();
  let unread = 0;
  for (const message of view.getMessageViewsAll()) {
    if (!message.isLoaded()) {
      // Collapsed: Gmail shows the sender on the stub, but no recipients and no message id until
      // it is expanded (getSender throws for a hidden stub; getMessageIDAsync always rejects).
      unread += 1;
      try {
        const sender = message.getSender();
        people.push({ name: sender.name ?? '', address: sender.emailAddress });
      } catch {
        // Nothing readable on this stub.
      }
      continue;
    }
    try {
      const sender = message.getSender();
      const from = { name: sender.name ?? '', address: sender.emailAddress };
      const recipients = (await message.getRecipientsFull()).map((to) => ({
        name: to.name ?? '',
        address: to.emailAddress,
      }));
      const messageId = await message.getMessageIDAsync();
      people.push(from, ...recipients);
      ids.push(messageId);
      views.set(messageId, message);
      messages.push({ messageId, from, recipients, date: parseGmailDate(message.getDateString()) });
    } catch (error) {
      unread += 1;
      logger.warn('thread.messageUnreadable', { error: errorName(error) });
    }
  }
  const facts: ThreadFacts = {
    threadId,
    subject: view.getSubject(),
    participants: dedupeParticipants(people),
    messageIds: ids,
    messages,
  };
  if (unread > 0) facts.unreadMessages = unread;
  return { facts, views };
}

/** One thread view from its appearance to its `destroy`. */
interface OpenThread {
  view: ThreadViewSurface;
  gone: boolean;
  read: ReadThread | null;
  /** Bumped on each (re-)read, so an older read that finishes late is dropped. */
  generation: number;
}

/** Turns an InboxSDK instance into Threadline's GmailHost. Registers every handler before returning. */
export function adaptInboxSdk(sdk: SdkSurface): GmailHost {
  const opened = new Set<(thread: ThreadFacts) => void>();
  const closed = new Set<(threadId: string) => void>();
  const rowListeners = new Set<(row: ThreadRow) => void>();
  const composeListeners = new Set<(compose: ComposeHandle) => void>();
  const liveRows = new Set<ThreadRow>();
  const liveComposes = new Set<ComposeHandle>();
  let current: OpenThread | null = null;
  /** The view whose facts were last reported open: only its `destroy` reports a close. */
  let reported: OpenThread | null = null;

  const readInto = async (entry: OpenThread): Promise<void> => {
    entry.generation += 1;
    const generation = entry.generation;
    try {
      const threadId = await entry.view.getThreadIDAsync();
      const read = await readThread(entry.view, threadId);
      // The user may have moved to another thread while the id or the messages were loading.
      if (entry.gone || current !== entry || generation !== entry.generation) return;
      entry.read = read;
      reported = entry;
      for (const listener of opened) listener(read.facts);
    } catch (error) {
      logger.warn('thread.readFailed', { error: errorName(error) });
    }
  };

  sdk.Conversations.registerThreadViewHandler((view) => {
    const entry: OpenThread = { view, gone: false, read: null, generation: 0 };
    // Before any await: a view can be destroyed while its id is still on its way.
    view.on('destroy', () => {
      entry.gone = true;
      if (current === entry) current = null;
      // A view destroyed after the next one was reported open (InboxSDK documents no order between
      // the two, and the next may show the same thread) closes nothing: the open replaced it.
      if (reported !== entry) return;
      reported = null;
      const threadId = entry.read?.facts.threadId;
      if (threadId !== undefined) for (const listener of closed) listener(threadId);
    });
    current = entry;
    for (const message of view.getMessageViewsAll()) {
      // A collapsed message the user expands becomes readable: read the thread again.
      if (!message.isLoaded()) message.on('load', () => void readInto(entry));
    }
    void readInto(entry);
  });

  sdk.Lists.registerThreadRowViewHandler((rowView) => {
    let gone = false;
    rowView.on('destroy', () => {
      gone = true;
    });
    void rowView.getThreadIDAsync().then(
      (threadId) => {
        if (gone) return;
        let labelled = false;
        const row: ThreadRow = {
          threadId,
          contacts: dedupeParticipants(
            rowView.getContacts().map((c) => ({ name: c.name ?? '', address: c.emailAddress })),
          ),
          showBadges: ({ contact, dealStage }) => {
            if (gone || labelled) return;
            if (dealStage) {
              labelled = true;
              rowView.addLabel({ title: dealStage, foregroundColor: '#0b57d0', backgroundColor: '#d3e3fd' });
            } else if (contact) {
              labelled = true;
              rowView.addLabel({ title: 'CRM', foregroundColor: '#146c2e', backgroundColor: '#c4eed0' });
            }
          },
        };
        liveRows.add(row);
        rowView.on('destroy', () => liveRows.delete(row));
        for (const listener of rowListeners) listener(row);
      },
      (error: unknown) => logger.debug('row.noThreadId', { error: errorName(error) }),
    );
  });

  sdk.Compose.registerComposeViewHandler((view) => {
    const replyThreadId = (): string | null => (view.isReply() ? view.getThreadID() || null : null);
    const openedAsThread = replyThreadId();
    let pressed: (Omit<SentMessage, 'threadId' | 'messageId'> & { threadId: string | null }) | null = null;
    let delivered = false;
    const sentListeners = new Set<(sent: SentMessage) => void>();
    view.on('presending', () => {
      // The last moment the window is certain to be there: Gmail removes it before `sent`, and
      // re-uses an inline reply's element for the next draft.
      pressed = {
        threadId: replyThreadId(),
        subject: view.getSubject().slice(0, 2000),
        recipients: view
          .getToRecipients()
          .slice(0, 500)
          .map((c) => ({ name: c.name ?? '', address: c.emailAddress })),
        body: view.getTextContent().slice(0, BODY_MAX),
      };
    });
    view.on('sent', (event) => {
      const snapshot = pressed;
      if (snapshot === null) {
        // InboxSDK #805: a `sent` before `presending` carries the previous message's ids.
        logger.warn('compose.sentBeforePresending');
        return;
      }
      void Promise.all([event.getThreadID(), event.getMessageID()]).then(
        ([threadId, messageId]) => {
          // InboxSDK #788: a premature `sent` with another thread's id; a reply's own thread is known.
          if (snapshot.threadId !== null && threadId !== snapshot.threadId) {
            logger.warn('compose.sentOtherThread');
            return;
          }
          if (delivered) return;
          delivered = true;
          liveComposes.delete(handle);
          const sent: SentMessage = { ...snapshot, threadId, messageId };
          for (const listener of sentListeners) listener(sent);
        },
        (error: unknown) => logger.warn('compose.sentIdsFailed', { error: errorName(error) }),
      );
    });
    const handle: ComposeHandle = {
      threadId: () => openedAsThread,
      addLogToggle: (initial, onChange) => {
        if (view.destroyed) return;
        const bar = view.addStatusBar({ height: 32 });
        bar.el.append(createLogToggle(initial, onChange));
      },
      onSent: (listener) => void sentListeners.add(listener),
    };
    view.on('destroy', () => {
      // `sent` may still follow; the handle stays reachable through its listeners until then.
      liveComposes.delete(handle);
    });
    liveComposes.add(handle);
    for (const listener of composeListeners) listener(handle);
  });

  return {
    account: sdk.User.getEmailAddress(),
    onThreadOpened: (listener) => {
      opened.add(listener);
      const facts = current?.read?.facts;
      if (facts) listener(facts);
    },
    onThreadClosed: (listener) => void closed.add(listener),
    onThreadRow: (listener) => {
      rowListeners.add(listener);
      for (const row of liveRows) listener(row);
    },
    onCompose: (listener) => {
      composeListeners.add(listener);
      for (const compose of liveComposes) listener(compose);
    },
    mountSidebar: async ({ element, title, iconUrl }) => {
      const panel = await sdk.Global.addSidebarContentPanel({ el: element, title, iconUrl });
      return panel !== null;
    },
    readBodies: async (threadId, messageIds) => {
      const read = current?.read;
      if (!read || read.facts.threadId !== threadId) return [];
      return messageIds.flatMap((messageId) => {
        const view = read.views.get(messageId);
        if (!view?.isLoaded()) return [];
        // One message Gmail will not give (a view torn down mid-read) costs that message, not the rest:
        // the worker logs the others and leaves this one for a later Log.
        try {
          return [{ messageId, text: view.getBodyElement().innerText.slice(0, BODY_MAX) }];
        } catch {
          return [];
        }
      });
    },
  };
}

export const createGmailHost: CreateGmailHost = async () => {
  // InboxSDK throws in pop-out windows and never settles outside the mail UI: no host there.
  const kind = classifyGmailPage(location.href);
  if (kind !== 'mail') {
    logger.info('host.skipped', { page: kind });
    return null;
  }
  let sdk: SdkSurface;
  try {
    sdk = await inboxSdk.load(2, import.meta.env.VITE_INBOXSDK_APP_ID ?? DEFAULT_APP_ID, {
      // Limited Use: no SDK event tracking or error reporting (reference/inboxsdk.md).
      eventTracking: false,
      globalErrorLogging: false,
    });
  } catch (error) {
    // URIError: a pop-out window the URL check did not recognise (InboxSDK #1062).
    logger.info('host.unsupported', { error: errorName(error) });
    return null;
  }
  return adaptInboxSdk(sdk);
};
