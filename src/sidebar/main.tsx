import { render } from 'preact';
import browser from 'webextension-polyfill';
import { SIDEBAR_PORT } from '../shared/sidebar-port';
import { App } from './app';
import { connectWorker, type SidebarPort } from './connect-worker';
import './sidebar.css';
import { createSidebarStore } from './store';
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
const connection = connectWorker((): SidebarPort => browser.runtime.connect({ name: SIDEBAR_PORT }), store);
const root = document.getElementById('app');
if (root) {
  render(
    <SidebarStoreContext.Provider value={store}>
      <App onRetry={() => connection.retry()} />
    </SidebarStoreContext.Provider>,
    root,
  );
}
