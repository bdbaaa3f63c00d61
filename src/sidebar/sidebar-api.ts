import browser from 'webextension-polyfill';
import type { RequestOf, RequestType, ResponseOf } from '../shared/protocol';
import { requestWorker } from '../shared/request-worker';

/** The sidebar's typed requests to the worker: `ask('searchCrm', { account, query })`. */
export function ask<T extends RequestType>(
  type: T,
  body: Omit<RequestOf<T>, 'type'>,
): Promise<ResponseOf<T>> {
  return requestWorker<T>((m) => browser.runtime.sendMessage(m), { ...body, type } as RequestOf<T>);
}

export const openSettings = (): void => {
  void browser.runtime.openOptionsPage();
};
