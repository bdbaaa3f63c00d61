import { render } from 'preact';
import browser from 'webextension-polyfill';
import { t } from '../ui/i18n';
import { PopupApp } from './app';
import { POLL_MS, popupApi } from './popup-api';
import './popup.css';
import '../ui/tokens.css';

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = t('appTitle');
// Like the options page, the popup follows the system's dark mode through the shared tokens.
const dark = window.matchMedia('(prefers-color-scheme: dark)');
const applyTheme = () => {
  document.documentElement.dataset.theme = dark.matches ? 'dark' : 'light';
};
applyTheme();
dark.addEventListener('change', applyTheme);
const root = document.getElementById('app');
if (root) render(<PopupApp api={popupApi} pollMs={POLL_MS} />, root);
