/**
 * GMAIL DOUBLE (test builds only): stands in for `src/content/gmail-host/inboxsdk-host.ts` when the
 * extension is built with `--mode e2e`. It drives the static page from `render-page.ts` through the
 * same GmailHost interface. The production bundle must never contain this file (a test checks for
 * the marker below in dist/).
 */
import { createLogToggle, parseGmailDate } from '../../src/content/compose-log-toggle';
import { dedupeParticipants } from '../../src/content/gmail-host/dedupe-participants';
import type {
  ComposeHandle,
  CreateGmailHost,
  GmailHost,
  ThreadRow,
} from '../../src/content/gmail-host/gmail-host';
import type { Participant, ThreadFacts } from '../../src/shared/protocol';

export const GMAIL_DOUBLE_MARKER = 'threadline-gmail-double';

const personOf = (el: Element): Participant => ({
  name: el.getAttribute('data-name') ?? '',
  address: el.getAttribute('data-address') ?? '',
});

function readThread(section: HTMLElement): ThreadFacts {
  const people = [...section.querySelectorAll('.double-message .double-person')].map(personOf);
  const messages = [...section.querySelectorAll<HTMLElement>('.double-message')].map((m) => {
    const from = m.querySelector('.double-from .double-person');
    return {
      messageId: m.dataset.messageId ?? '',
      from: from ? personOf(from) : { name: '', address: '' },
      recipients: [...m.querySelectorAll('.double-to .double-person, .double-cc .double-person')].map(
        personOf,
      ),
      date: parseGmailDate(m.querySelector('.double-date')?.textContent),
    };
  });
  return {
    threadId: section.dataset.threadId ?? '',
    subject: section.querySelector('.double-subject')?.textContent ?? '',
    participants: dedupeParticipants(people),
    messageIds: messages.map((m) => m.messageId),
    messages,
  };
}

export const createGmailHost: CreateGmailHost = async () => {
  document.documentElement.dataset.gmailDouble = GMAIL_DOUBLE_MARKER;
  const opened = new Set<(thread: ThreadFacts) => void>();
  const closed = new Set<(threadId: string) => void>();
  let current: ThreadFacts | null = null;

  const route = (): void => {
    const match = /^#inbox\/(.+)$/.exec(location.hash);
    const wanted = match?.[1] ? decodeURIComponent(match[1]) : null;
    if (current && current.threadId !== wanted) {
      const gone = current.threadId;
      current = null;
      for (const listener of closed) listener(gone);
    }
    const inbox = document.getElementById('double-inbox');
    let shown: HTMLElement | null = null;
    for (const section of document.querySelectorAll<HTMLElement>('.double-thread')) {
      section.hidden = section.dataset.threadId !== wanted;
      if (!section.hidden) shown = section;
    }
    if (inbox) inbox.hidden = shown !== null;
    if (shown && current === null) {
      // For the time-to-card benchmark: when the thread-open event fired, on the shared wall clock.
      document.documentElement.dataset.threadlineOpenedAt = String(
        performance.timeOrigin + performance.now(),
      );
      current = readThread(shown);
      for (const listener of opened) listener(current);
    }
  };
  window.addEventListener('hashchange', route);

  const host: GmailHost = {
    account: document.body.dataset.gmailDoubleAccount ?? '',
    onThreadOpened: (listener) => {
      opened.add(listener);
      // Like InboxSDK, a handler registered late still hears about the view already open.
      setTimeout(route, 0);
    },
    onThreadClosed: (listener) => void closed.add(listener),
    onThreadRow: (listener) => {
      // For the badge benchmark: when the rows were handed over, and when the last badge landed.
      document.documentElement.dataset.threadlineRowsAt = String(performance.now());
      for (const row of document.querySelectorAll<HTMLElement>('.double-row')) {
        const threadRow: ThreadRow = {
          threadId: row.dataset.threadId ?? '',
          contacts: dedupeParticipants([...row.querySelectorAll('.double-person')].map(personOf)),
          showBadges: ({ contact, dealStage }) => {
            row.querySelector('.threadline-badge')?.remove();
            if (!contact && !dealStage) return;
            const badge = document.createElement('span');
            badge.className = 'threadline-badge';
            badge.dataset.kind = dealStage ? 'deal' : 'contact';
            badge.textContent = dealStage ?? 'CRM';
            row.querySelector('.double-contacts')?.append(badge);
            document.documentElement.dataset.threadlineBadgedAt = String(performance.now());
          },
        };
        listener(threadRow);
      }
    },
    onCompose: (listener) => {
      let composeCount = 0;
      const open = (replyTo: HTMLElement | null) => {
        composeCount += 1;
        const box = document.createElement('form');
        box.className = 'double-compose-window';
        const replyThread = replyTo?.dataset.threadId ?? null;
        box.dataset.threadId = replyThread ?? '';
        const subject = replyTo?.querySelector('.double-subject')?.textContent ?? '';
        box.innerHTML =
          '<label>To <input name="to"></label><label>Subject <input name="subject"></label>' +
          '<label>Body <textarea name="body"></textarea></label><button type="submit">Send</button>';
        (box.querySelector('input[name="subject"]') as HTMLInputElement).value = subject
          ? `Re: ${subject}`
          : '';
        (replyTo ?? document.getElementById('double-composes'))?.append(box);
        const sent = new Set<(sent: { threadId: string; messageId: string }) => void>();
        box.addEventListener('submit', (event) => {
          event.preventDefault();
          const id = `sent-${Date.now().toString(16)}-${composeCount}`;
          for (const l of sent) l({ threadId: replyThread ?? id, messageId: `<${id}@double>` });
          box.remove();
        });
        const field = (name: string) =>
          box.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)?.value ?? '';
        const handle: ComposeHandle = {
          threadId: () => replyThread,
          getToRecipients: () =>
            field('to')
              .split(',')
              .map((a) => a.trim())
              .filter((a) => a !== '')
              .map((address) => ({ name: '', address })),
          getSubject: () => field('subject'),
          getBodyText: () => field('body'),
          addLogToggle: (initial, onChange) => box.prepend(createLogToggle(initial, onChange)),
          onSent: (l) => void sent.add(l),
        };
        listener(handle);
      };
      document.getElementById('double-compose')?.addEventListener('click', () => open(null));
      for (const button of document.querySelectorAll<HTMLElement>('.double-reply'))
        button.addEventListener('click', () => open(button.closest<HTMLElement>('.double-thread')));
    },
    readBodies: async (threadId, messageIds) => {
      const section = document.querySelector<HTMLElement>(
        `.double-thread[data-thread-id="${CSS.escape(threadId)}"]`,
      );
      if (!section || section.hidden) return [];
      return [...section.querySelectorAll<HTMLElement>('.double-message')]
        .filter((m) => messageIds.includes(m.dataset.messageId ?? ''))
        .map((m) => ({
          messageId: m.dataset.messageId ?? '',
          text: m.querySelector('.double-body')?.textContent ?? '',
        }));
    },
    mountSidebar: async ({ element }) => {
      document.getElementById('double-sidebar')?.append(element);
    },
  };
  return host;
};
