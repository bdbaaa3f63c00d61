/**
 * GMAIL DOUBLE (test builds only): stands in for `src/content/gmail-host/inboxsdk-host.ts` when the
 * extension is built with `--mode e2e`. It drives the static page from `render-page.ts` through the
 * same GmailHost interface. The production bundle must never contain this file (a test checks for
 * the marker below in dist/).
 */
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
  return {
    threadId: section.dataset.threadId ?? '',
    subject: section.querySelector('.double-subject')?.textContent ?? '',
    participants: dedupeParticipants(people),
    messageIds: [...section.querySelectorAll<HTMLElement>('.double-message')].map(
      (m) => m.dataset.messageId ?? '',
    ),
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
      for (const row of document.querySelectorAll<HTMLElement>('.double-row')) {
        const threadRow: ThreadRow = {
          threadId: row.dataset.threadId ?? '',
          contacts: dedupeParticipants([...row.querySelectorAll('.double-person')].map(personOf)),
        };
        listener(threadRow);
      }
    },
    onCompose: (listener) => {
      let composeCount = 0;
      document.getElementById('double-compose')?.addEventListener('click', () => {
        composeCount += 1;
        const box = document.createElement('form');
        box.className = 'double-compose-window';
        box.innerHTML = '<label>To <input name="to"></label><button type="submit">Send</button>';
        document.getElementById('double-composes')?.append(box);
        const sent = new Set<(sent: { threadId: string; messageId: string }) => void>();
        box.addEventListener('submit', (event) => {
          event.preventDefault();
          const id = `sent-${Date.now().toString(16)}-${composeCount}`;
          for (const l of sent) l({ threadId: id, messageId: `<${id}@double>` });
          box.remove();
        });
        const handle: ComposeHandle = {
          getToRecipients: () => {
            const value = box.querySelector<HTMLInputElement>('input[name="to"]')?.value ?? '';
            return value
              .split(',')
              .map((a) => a.trim())
              .filter((a) => a !== '')
              .map((address) => ({ name: '', address }));
          },
          onSent: (l) => void sent.add(l),
        };
        listener(handle);
      });
    },
    mountSidebar: async ({ element }) => {
      document.getElementById('double-sidebar')?.append(element);
    },
  };
  return host;
};
