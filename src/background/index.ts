// The worker's entry: no work here beyond wiring listeners (CONVENTIONS.md). Tests import `main`.
import browser from 'webextension-polyfill';
import { main } from './main';
import { createBrowserPlatform } from './platform';

main(createBrowserPlatform(browser));
