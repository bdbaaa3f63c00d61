import type { ThreadlineDb } from '../db/threadline-db';
import type { Logger } from '../shared/logger';
import type { StatusView } from '../shared/status-view';
import type { AfterStart } from './after-start';
import type { ConnectionStore } from './connection/connection-store';
import type { CrmSession } from './crm/crm-session';
import type { Outbox } from './outbox/outbox';
import type { Platform } from './platform';
import type { AccountBinding } from './privacy/account-binding';
import type { AuditLog } from './privacy/audit/audit-log';
import type { ConsentStore } from './privacy/consent/consent-store';
import type { PrivacyCentre } from './privacy/data-rights/privacy-centre';
import type { Teammates } from './read-models/teammates';
import type { PolicyStore } from './settings/policy-store';
import type { SidebarHub } from './sidebar-hub';
import type { BackgroundJobs } from './sync/background-jobs';
import type { CacheLoss } from './sync/cache-loss';
import type { StoragePause } from './sync/storage-pause';
import type { SyncEngine } from './sync/sync-engine';
import type { TabLanes } from './tab-lanes';
import type { TabStateStore } from './tab-state-store';
import type { ThreadCommands } from './threads/thread-commands';
import type { ThreadViews } from './views/thread-views';

/** The worker's services, made once by `main()` and handed to each area's handlers. */
export interface WorkerContext {
  platform: Platform;
  db: ThreadlineDb;
  logger: Logger;
  nowMs: () => number;
  policy: PolicyStore;
  connection: ConnectionStore;
  consent: ConsentStore;
  audit: AuditLog;
  privacy: PrivacyCentre;
  crm: CrmSession;
  store: TabStateStore;
  /** Each Gmail tab's account, pinned at its first message (the router checks every message). */
  accounts: AccountBinding;
  hub: SidebarHub;
  lanes: TabLanes;
  views: ThreadViews;
  teammates: Teammates;
  outbox: Outbox;
  sync: SyncEngine;
  jobs: BackgroundJobs;
  commands: ThreadCommands;
  /** Readers of message bodies from the tab's content script (content level `full`). */
  readBodies: (tabId: number, threadId: string, messageIds: string[]) => Promise<Map<string, string>>;
  /** An id for a record shown before the CRM made it (negative, unique). */
  provisionalId: () => number;
  /** The account's status line (read-models/status.ts): the sidebars' and the toolbar popup's. */
  status: (account: string) => Promise<StatusView>;
  /** Accounts whose sync is paused for lack of storage (sync/storage-pause.ts). */
  storagePause: StoragePause;
  /** Whether the browser lost the database (sync/cache-loss.ts). */
  cacheLoss: CacheLoss;
  /** The account's data changed: refresh its views and send what the outbox has. */
  changed: (account: string) => Promise<void>;
  /** Runs housekeeping once the worker has been up a while (after-start.ts). */
  afterStart: AfterStart;
}

export function requireTab(tabId: number | null): number {
  if (tabId === null) throw new Error('message needs a tab');
  return tabId;
}

/** A sidebar request about its own tab's account: refused for any other account. */
export async function tabAccount(ctx: WorkerContext, tabId: number | null, account: string): Promise<void> {
  const state = await ctx.store.get(requireTab(tabId));
  if (state.account !== account) throw new Error('the sidebar asked for another account than its tab');
}
