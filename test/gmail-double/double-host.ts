/**
 * GMAIL DOUBLE (test builds only): stands in for `src/content/gmail-host/inboxsdk-host.ts` when the
 * extension is built with `--mode e2e`. It drives the static page from `render-page.ts` through the
 * same GmailHost interface. The production bundle must never contain this file (a test checks for
 * the marker below in dist/).
 *
 * It plays Gmail's real order of events (issue 15, reference/inboxsdk.md), no kinder:
 * - a thread open is announced once, when Gmail shows it; a listener added later does not hear it
 *   (no replay: the content script must be listening, as the production adapter keeps it);
 * - Gmail's side panel loads after the main view (after the first thread view on a thread URL);
 *   with `?panel=never` (or the fixture's `sidePanel: 'never'`) it never appears and mounting times
 *   out like InboxSDK's wait; with `null` the panel exists but mounting gives no panel;
 * - Send takes the compose window away first and reports `sent` afterwards;
 * - collapsed messages show only their sender until clicked.
 */
import { createLogToggle, parseGmailDate } from '../../src/content/compose-log-toggle';
import { dedupeParticipants } from '../../src/content/gmail-host/dedupe-participants';
import type {
  ComposeHandle,
  CreateGmailHost,
  GmailHost,
  SentMessage,
  ThreadRow,
} from '../../src/content/gmail-host/gmail-host';
import { BODY_MAX, type Participant, type ThreadFacts } from '../../src/shared/protocol';

export const GMAIL_DOUBLE_MARKER = 'threadline-gmail-double';

const personOf = (el: Element): Participant => ({
  name: el.getAttribute('data-name') ?? '',
  address: el.getAttribute('data-address') ?? '',
});

function readThread(section: HTMLElement): ThreadFacts {
  const all = [...section.querySelectorAll<HTMLElement>('.double-message')];
  const expanded = all.filter((m) => m.dataset.collapsed !== 'true');
  // A collapsed message shows its sender; its recipients and id are read once it is expanded.
  const senders = all
    .filter((m) => m.dataset.collapsed === 'true')
    .flatMap((m) => [...m.querySelectorAll('.double-from .double-person')].map(personOf));
  const people = [
    ...expanded.flatMap((m) => [...m.querySelectorAll('.double-person')].map(personOf)),
    ...senders,
  ];
  const messages = expanded.map((m) => {
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
  const facts: ThreadFacts = {
    threadId: section.dataset.threadId ?? '',
    subject: section.querySelector('.double-subject')?.textContent ?? '',
    participants: dedupeParticipants(people),
    messageIds: messages.map((m) => m.messageId),
    messages,
  };
  const unread = all.length - expanded.length;
  if (unread > 0) facts.unreadMessages = unread;
  return facts;
}

type PanelMode = 'late' | 'never' | 'null';

/** How Gmail's side panel behaves on this page: `?panel=` in the URL, else the fixture's choice. */
function panelMode(): PanelMode {
  const wanted = new URLSearchParams(location.search).get('panel') ?? document.body.dataset.gmailDoublePanel;
  return wanted === 'never' || wanted === 'null' ? wanted : 'late';
}

/** InboxSDK polls for Gmail's side panel every 250 ms for up to 60 s. */
const PANEL_POLL_MS = 250;
const PANEL_WAIT_MS = 60_000;
/** How long after the main view Gmail's side panel shows up. */
const PANEL_LATE_MS = 300;

export const createGmailHost: CreateGmailHost = async () => {
  document.documentElement.dataset.gmailDouble = GMAIL_DOUBLE_MARKER;
  const opened = new Set<(thread: ThreadFacts) => void>();
  const closed = new Set<(threadId: string) => void>();
  let current: ThreadFacts | null = null;
  const sidePanel = document.getElementById('double-sidebar');
  let panelScheduled = false;
  /** Gmail loads its side panel after the main view (the inbox or the first thread) is shown. */
  const schedulePanel = (): void => {
    if (panelScheduled || panelMode() === 'never') return;
    panelScheduled = true;
    setTimeout(() => {
      if (!sidePanel) return;
      sidePanel.dataset.panel = 'ready';
      // On the same wall clock as `threadlineOpenedAt`, so a test can check the order.
      sidePanel.dataset.readyAt = String(performance.timeOrigin + performance.now());
    }, PANEL_LATE_MS);
  };
  const announce = (section: HTMLElement): void => {
    current = readThread(section);
    for (const listener of opened) listener(current);
  };

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
      announce(shown);
    }
    schedulePanel();
  };
  window.addEventListener('hashchange', route);
  // Gmail shows the URL's thread as soon as it has rendered, whoever is listening by then.
  setTimeout(route, 0);
  // Clicking a collapsed message expands it: its people and id become readable.
  document.addEventListener('click', (event) => {
    const stub =
      event.target instanceof Element ? event.target.closest<HTMLElement>('.double-message') : null;
    if (!(stub instanceof HTMLElement) || stub.dataset.collapsed !== 'true') return;
    stub.dataset.collapsed = 'false';
    for (const part of stub.querySelectorAll<HTMLElement>('[data-collapsed-part]')) part.hidden = false;
    const section = stub.closest<HTMLElement>('.double-thread');
    if (section && current?.threadId === section.dataset.threadId) announce(section);
  });

  const host: GmailHost = {
    account: document.body.dataset.gmailDoubleAccount ?? '',
    onThreadOpened: (listener) => void opened.add(listener),
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
        const field = (name: string) =>
          box.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)?.value ?? '';
        const sent = new Set<(sent: SentMessage) => void>();
        box.addEventListener('submit', (event) => {
          event.preventDefault();
          // What the window says when Send is pressed; Gmail then removes it and reports `sent` later.
          const pressed = {
            subject: field('subject'),
            recipients: field('to')
              .split(',')
              .map((a) => a.trim())
              .filter((a) => a !== '')
              .map((address) => ({ name: '', address })),
            body: field('body'),
          };
          const id = `sent-${Date.now().toString(16)}-${composeCount}`;
          box.remove();
          setTimeout(() => {
            for (const l of sent) l({ ...pressed, threadId: replyThread ?? id, messageId: `<${id}@double>` });
          }, 50);
        });
        const handle: ComposeHandle = {
          threadId: () => replyThread,
          addLogToggle: (initial, onChange) => {
            if (box.isConnected) box.prepend(createLogToggle(initial, onChange));
          },
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
        .filter((m) => m.dataset.collapsed !== 'true' && messageIds.includes(m.dataset.messageId ?? ''))
        .map((m) => ({
          messageId: m.dataset.messageId ?? '',
          // As the InboxSDK adapter does: the protocol refuses a longer body.
          text: (m.querySelector('.double-body')?.textContent ?? '').slice(0, BODY_MAX),
        }));
    },
    mountSidebar: ({ element }) =>
      new Promise<boolean>((resolve, reject) => {
        const started = Date.now();
        const poll = (): void => {
          if (sidePanel?.dataset.panel === 'ready') {
            if (panelMode() === 'null') {
              resolve(false);
              return;
            }
            sidePanel.append(element);
            resolve(true);
            return;
          }
          if (Date.now() - started >= PANEL_WAIT_MS) {
            reject(new Error('waitForGlobalSidebarReady timed out'));
            return;
          }
          setTimeout(poll, PANEL_POLL_MS);
        };
        poll();
      }),
  };
  return host;
};
