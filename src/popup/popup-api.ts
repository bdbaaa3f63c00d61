/**
 * What the toolbar popup asks of the browser and the worker. Worker requests go through the shared
 * worker client (an unanswered or failed request throws, so no button waits forever); the rest are
 * tab APIs that need no permission beyond the manifest's (Gmail's host permission lets `tabs.query`
 * find Gmail tabs by URL). Tests pass their own `PopupApi`.
 */
import browser from 'webextension-polyfill';
import type { ResponseOf } from '../shared/protocol';
import { createWorkerClient } from '../shared/worker-client';
import { GMAIL_HOME } from '../ui/open-gmail-link';
/** The settings page's Connection section (the page makes its sections addressable by fragment). */
export const CONNECT_PAGE = 'src/options/index.html#connection';
/** The popup re-reads the status this often while it is open (ms). */
export const POLL_MS = 1000;

// A status read is local (IndexedDB): it answers fast or something is wrong; the next poll retries.
const worker = createWorkerClient((m) => browser.runtime.sendMessage(m), { timeoutMs: 10_000 });

export type Overview = ResponseOf<'statusOverview'>;

export interface PopupApi {
  overview(): Promise<Overview>;
  syncNow(account: string): Promise<ResponseOf<'syncNow'>>;
  retryWrites(account: string): Promise<ResponseOf<'retryWrites'>>;
  /** The user read that the browser lost Threadline's database. */
  dismissCacheLoss(): Promise<ResponseOf<'dismissCacheLoss'>>;
  /** Focuses an open Gmail tab, or opens one. */
  openGmail(): Promise<void>;
  openSettings(): Promise<void>;
  /** Opens the settings page at its Connection section. */
  openConnect(): Promise<void>;
}

export const popupApi: PopupApi = {
  overview: () => worker.ask('statusOverview', {}),
  syncNow: (account) => worker.ask('syncNow', { account }),
  retryWrites: (account) => worker.ask('retryWrites', { account }),
  dismissCacheLoss: () => worker.ask('dismissCacheLoss', {}),
  openGmail: async () => {
    const [tab] = await browser.tabs.query({ url: 'https://mail.google.com/*' });
    if (tab?.id === undefined) {
      await browser.tabs.create({ url: GMAIL_HOME });
      return;
    }
    await browser.tabs.update(tab.id, { active: true });
    if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
  },
  openSettings: () => browser.runtime.openOptionsPage(),
  openConnect: async () => {
    await browser.tabs.create({ url: browser.runtime.getURL(CONNECT_PAGE) });
  },
};
