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

/** A compose window: who it is addressed to, what it says, and when it was sent. */
export interface ComposeHandle {
  /** The thread a reply belongs to; null for a new message. */
  threadId(): string | null;
  getToRecipients(): Participant[];
  getSubject(): string;
  /** Plain text of the body (read only when logging at content level `full`). */
  getBodyText(): string;
  /** Adds the "Log to CRM" switch to the window. */
  addLogToggle(initial: boolean, onChange: (on: boolean) => void): void;
  onSent(listener: (sent: { threadId: string; messageId: string }) => void): void;
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
  onThreadOpened(listener: (thread: ThreadFacts) => void): void;
  onThreadClosed(listener: (threadId: string) => void): void;
  onThreadRow(listener: (row: ThreadRow) => void): void;
  onCompose(listener: (compose: ComposeHandle) => void): void;
  mountSidebar(mount: SidebarMount): Promise<void>;
  /** Plain-text bodies of loaded messages of the open thread (for logging at content level `full`). */
  readBodies(threadId: string, messageIds: readonly string[]): Promise<{ messageId: string; text: string }[]>;
}

export type CreateGmailHost = () => Promise<GmailHost>;
