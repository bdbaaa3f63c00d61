import browser from 'webextension-polyfill';
import { createWorkerClient } from '../shared/worker-client';

const worker = createWorkerClient((m) => browser.runtime.sendMessage(m));

/** The sidebar's typed requests to the worker: `ask('searchCrm', { account, query })`. */
export const ask = worker.ask;

export const openSettings = (): void => {
  void browser.runtime.openOptionsPage();
};
