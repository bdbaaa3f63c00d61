import type { Participant, ThreadFacts } from '../../shared/protocol';

/** What Threadline marks on an inbox row (computed in batches from the cache). */
export interface RowBadges {
  /** Someone on the thread is a CRM contact. */
  contact: boolean;
  /** The thread is linked to an open deal at this stage. */
  dealStage: string | null;
}

/** One row of a thread list (inbox, label, search), as far as Threadline needs it. */
export interface ThreadRow {
  threadId: string;
  contacts: Participant[];
  showBadges(badges: RowBadges): void;
}

/** A message as it was when the user pressed Send (read at `presending`, while the window still exists). */
export interface SentMessage {
  threadId: string;
  messageId: string;
  subject: string;
  recipients: Participant[];
  /** Plain text of the body; the content script passes it on only when logging at content level `full`. */
  body: string;
}

/** A compose window: which thread it replies to, a switch to add, and when it was sent. */
export interface ComposeHandle {
  /** The thread a reply belongs to; null for a new message. */
  threadId(): string | null;
  /** Adds the "Log to CRM" switch to the window (nothing if the window is already gone). */
  addLogToggle(initial: boolean, onChange: (on: boolean) => void): void;
  /**
   * Called at most once per window, after Gmail sent it. Gmail removes the window before `sent`
   * arrives and InboxSDK has reported `sent` with another thread's id (#805, #788), so the host reads
   * subject, recipients and body at `presending` and matches the thread id itself.
   */
  onSent(listener: (sent: SentMessage) => void): void;
}

export interface SidebarMount {
  /** The one element that holds Threadline's sidebar iframe for this tab. */
  element: HTMLElement;
  title: string;
  iconUrl: string;
}

/**
 * Everything the content script needs from Gmail. The production adapter (`inboxsdk-host.ts`) is
 * the only module importing @inboxsdk/core; browser tests swap it at build time for a Gmail double
 * (test/gmail-double/) so an SDK bump or a Gmail change is a one-file change.
 */
export interface GmailHost {
  /** The signed-in Gmail account's address. */
  readonly account: string;
  /**
   * Gmail shows a thread before Threadline's listeners may be ready (a page loaded on a thread URL):
   * a listener added later hears the open thread's latest facts at once, then every later open.
   */
  onThreadOpened(listener: (thread: ThreadFacts) => void): void;
  onThreadClosed(listener: (threadId: string) => void): void;
  /** Rows and compose windows already on screen are handed to a late listener too. */
  onThreadRow(listener: (row: ThreadRow) => void): void;
  onCompose(listener: (compose: ComposeHandle) => void): void;
  /**
   * Puts the sidebar into Gmail's side panel. Gmail loads that panel after the main view, and may
   * never offer it (Calendar or Gemini open, a Gmail change): resolves true once mounted, false
   * when Gmail gave no panel, rejects when waiting for it timed out. The caller retries.
   */
  mountSidebar(mount: SidebarMount): Promise<boolean>;
  /** Plain-text bodies of loaded messages of the open thread (for logging at content level `full`). */
  readBodies(threadId: string, messageIds: readonly string[]): Promise<{ messageId: string; text: string }[]>;
}

/** Null where Threadline does not run (a pop-out window or another non-mail view). */
export type CreateGmailHost = () => Promise<GmailHost | null>;
