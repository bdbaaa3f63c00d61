import { render } from 'preact';
import browser from 'webextension-polyfill';
import { optionsApi } from '../options/options-api';
import { t } from '../ui/i18n';
import { applySystemTheme } from '../ui/system-theme';
import { WelcomeApp } from './app';
import '../ui/tokens.css';
import '../ui/controls.css';
import './welcome.css';

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = t('welcomePageTitle');
applySystemTheme();
const root = document.getElementById('app');
if (root) render(<WelcomeApp api={optionsApi} />, root);
