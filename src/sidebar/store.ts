import { createStore } from 'zustand/vanilla';
import type { ContactCard, SidebarView, StatusView, ThreadViewState } from '../shared/sidebar-port';
import type { ThreadExtras } from '../shared/thread-extras';

/**
 * `connecting`: first contact with the worker; `restarting`: the worker stopped and a new one is
 * being woken (shown as connected: routine, connect-worker.ts); `reconnecting`: that has lasted, or
 * keeps failing, and the sidebar says so; `unreachable`: gave up. A view from the worker makes it
 * `connected`.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'restarting' | 'reconnecting' | 'unreachable';

export interface CardsState {
  seq: number;
  threadId: string | null;
  contacts: ContactCard[];
}

export interface SidebarState {
  connection: ConnectionStatus;
  thread: ThreadViewState | null;
  cards: CardsState | null;
  status: StatusView | null;
  extras: { seq: number; threadId: string; extras: ThreadExtras } | null;
  /** Grows each time the "Search the CRM" shortcut is pressed. */
  focusSearchSeq: number;
  /** The last benchmark ping that came through (the messaging floor). */
  pong: number | null;
  receivePong(seq: number): void;
  requestSearchFocus(): void;
  /** The consent notice is open (the user asked to link or log without having agreed). */
  consentAsked: boolean;
  /** What the user asked for: it goes ahead once they press "Allow" (and only then). */
  afterConsent: (() => void) | null;
  askConsent(open: boolean, then?: () => void): void;
  /**
   * The worker stored the user's "Allow" for `account`: the thread's extras say so at once. Its next
   * extras come at least EXTRAS_DELAY_MS later (thread-views.ts), and a "Log" pressed meanwhile
   * must not ask again. The worker still checks consent on every transfer; its extras replace these.
   */
  consentGranted(account: string): void;
  receiveExtras(extras: { seq: number; threadId: string; extras: ThreadExtras }): void;
  setConnection(connection: ConnectionStatus): void;
  /**
   * Applies the worker's view (thread, cards and status in one message, so the sidebar renders once)
   * unless a newer one (higher `seq`) is already shown.
   */
  receiveView(view: SidebarView): void;
}

/**
 * `next` if it differs from `current`, else `current` itself: the worker sends the whole view on
 * every change, and a part that did not change (the status beside a new thread's cards, or the cards
 * beside a new status) keeps its identity, so the components that show only it do not render again.
 */
function unlessSame<T>(next: T, current: T): T {
  if (next === current || current === null || next === null) return next;
  return JSON.stringify(next) === JSON.stringify(current) ? current : next;
}

export function createSidebarStore() {
  return createStore<SidebarState>()((set) => ({
    connection: 'connecting',
    thread: null,
    cards: null,
    status: null,
    extras: null,
    consentAsked: false,
    afterConsent: null,
    focusSearchSeq: 0,
    pong: null,
    receivePong: (seq) => set({ pong: seq }),
    requestSearchFocus: () => set((current) => ({ focusSearchSeq: current.focusSearchSeq + 1 })),
    askConsent: (open, then) => set({ consentAsked: open, afterConsent: open ? (then ?? null) : null }),
    consentGranted: (account) =>
      set((current) => {
        const shown = current.extras;
        if (!shown || current.thread?.account !== account || shown.extras.consent.emailLogging) return {};
        const consent = { ...shown.extras.consent, emailLogging: true };
        return { extras: { ...shown, extras: { ...shown.extras, consent } } };
      }),
    receiveExtras: (extras) =>
      set((current) => {
        if (current.thread && extras.seq < current.thread.seq) return {};
        if ((current.thread?.thread?.threadId ?? null) !== extras.threadId) return {};
        return { extras };
      }),
    setConnection: (connection) => set({ connection }),
    receiveView: ({ state, cards, status }) =>
      set((current) => {
        if (current.thread && current.thread.seq > state.seq) return { connection: 'connected' };
        const sameThread = current.thread?.thread?.threadId === state.thread?.threadId;
        const threadId = state.thread?.threadId ?? null;
        // Compared only with the same thread's cards: another thread's are never kept, so a thread
        // open does not serialise both lists for nothing.
        const kept = current.cards?.threadId === threadId ? current.cards : null;
        return {
          thread: state,
          connection: 'connected',
          cards:
            cards !== null
              ? kept && unlessSame(cards, kept.contacts) === kept.contacts
                ? kept
                : { seq: state.seq, threadId, contacts: cards }
              : sameThread
                ? current.cards
                : null,
          extras: sameThread ? current.extras : null,
          status: status === null ? current.status : unlessSame(status, current.status),
        };
      }),
  }));
}
export type SidebarStore = ReturnType<typeof createSidebarStore>;
