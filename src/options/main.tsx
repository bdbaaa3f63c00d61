import { render } from 'preact';
import browser from 'webextension-polyfill';
import { OptionsApp } from './app';
import { optionsApi } from './options-api';
import './options.css';
import '../ui/tokens.css';

document.documentElement.lang = browser.i18n.getUILanguage();
const root = document.getElementById('app');
if (root) render(<OptionsApp version={browser.runtime.getManifest().version} api={optionsApi} />, root);
