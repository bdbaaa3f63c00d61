import { render } from 'preact';
import browser from 'webextension-polyfill';
import { GMAIL_ORIGIN } from '../shared/gmail-origin';
import { SIDEBAR_PORT } from '../shared/sidebar-port';
import type { LaneWanted } from '../shared/tab-lane';
import { App } from './app';
import { connectWorker, newSendOrder, receiveFromWorker, type SidebarPort } from './connect-worker';
import './sidebar.css';
import { createSidebarStore } from './store';
import { createSidebarLane } from './tab-lane';
import { SidebarStoreContext } from './use-sidebar-store';
import '../ui/tokens.css';

// Gmail's theme, as the content script reports it in our URL's fragment (#theme=dark).
const applyTheme = () => {
  document.documentElement.dataset.theme = /(^|[#&])theme=dark\b/.test(location.hash) ? 'dark' : 'light';
};
applyTheme();
window.addEventListener('hashchange', applyTheme);
document.documentElement.lang = browser.i18n.getUILanguage();

const store = createSidebarStore();
const order = newSendOrder();
// The tab lane (shared/tab-lane.ts): thread opens from the Gmail page, and their views, skip the
// browser's message routing, which a thread open's navigation holds up.
const lane = createSidebarLane({
  listen: (listener) => window.addEventListener('message', listener),
  parent: window.parent,
  askForPort: () => {
    const wanted: LaneWanted = { type: 'threadlineLaneWanted' };
    window.parent.postMessage(wanted, GMAIL_ORIGIN);
  },
  postToWorker: async (data, ports) => {
    const { active } = await navigator.serviceWorker.ready;
    if (!active) throw new Error('no active worker');
    active.postMessage(data, ports);
  },
  onWorkerMessage: (message) => void receiveFromWorker(store, message, order),
});
const connection = connectWorker(
  (): SidebarPort => browser.runtime.connect({ name: SIDEBAR_PORT }),
  store,
  undefined,
  lane,
  order,
);
const root = document.getElementById('app');
if (root) {
  render(
    <SidebarStoreContext.Provider value={store}>
      <App onRetry={() => connection.retry()} />
    </SidebarStoreContext.Provider>,
    root,
  );
}
