import { render } from 'preact';
import browser from 'webextension-polyfill';
import { t } from '../ui/i18n';
import { applySystemTheme } from '../ui/system-theme';
import { OptionsApp } from './app';
import { optionsApi } from './options-api';
import '../ui/tokens.css';
import '../ui/controls.css';
import './options.css';

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = t('setPageTitle');
// The settings page follows the system's dark mode, through the same tokens as the sidebar.
applySystemTheme();
const root = document.getElementById('app');
if (root) render(<OptionsApp version={browser.runtime.getManifest().version} api={optionsApi} />, root);
