import { render } from 'preact';
import browser from 'webextension-polyfill';
import { OptionsApp } from './app';
import { optionsApi } from './options-api';
import './options.css';
import '../ui/tokens.css';

document.documentElement.lang = browser.i18n.getUILanguage();
// The options page follows the system's dark mode, through the same tokens as the sidebar.
const dark = window.matchMedia('(prefers-color-scheme: dark)');
const applyTheme = () => {
  document.documentElement.dataset.theme = dark.matches ? 'dark' : 'light';
};
applyTheme();
dark.addEventListener('change', applyTheme);
const root = document.getElementById('app');
if (root) render(<OptionsApp version={browser.runtime.getManifest().version} api={optionsApi} />, root);
