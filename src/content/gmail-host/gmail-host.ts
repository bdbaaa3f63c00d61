import type { Participant, ThreadFacts } from '../../shared/protocol';

/** One row of a thread list (inbox, label, search), as far as Threadline needs it. */
export interface ThreadRow {
  threadId: string;
  contacts: Participant[];
}

/** A compose window: who it is addressed to, and when it was sent. */
export interface ComposeHandle {
  getToRecipients(): Participant[];
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
}

export type CreateGmailHost = () => Promise<GmailHost>;
