/** The content script's view of the extension APIs: messaging and resource URLs only. */
import browser from 'webextension-polyfill';

export const contentPlatform = {
  sendMessage: (message: unknown): Promise<unknown> => browser.runtime.sendMessage(message),
  getURL: (path: string): string => browser.runtime.getURL(path),
};
export type ContentPlatform = typeof contentPlatform;
