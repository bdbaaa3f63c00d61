import browser from 'webextension-polyfill';
import type { ConnectionInfo, ConnectionInput, RequestOf, RequestType, ResponseOf } from '../shared/protocol';
import { requestWorker } from '../shared/request-worker';

const send = (m: unknown) => browser.runtime.sendMessage(m);

export interface OptionsApi {
  getConnection(): Promise<ConnectionInfo | null>;
  testConnection(connection: ConnectionInput): Promise<ResponseOf<'testConnection'>>;
  connect(connection: ConnectionInput): Promise<ResponseOf<'connect'>>;
  disconnect(): Promise<void>;
  requestCopperPermission(): Promise<boolean>;
  getSettings(): Promise<ResponseOf<'getSettings'>>;
  /** Calls back when Chrome reports a change of admin policy; returns an unsubscribe. */
  onPolicyChanged(listener: () => void): () => void;
  /** Any other typed request to the worker (privacy centre, settings). */
  ask<T extends RequestType>(type: T, body: Omit<RequestOf<T>, 'type'>): Promise<ResponseOf<T>>;
}

export const optionsApi: OptionsApi = {
  getConnection: async () => (await requestWorker<'getConnection'>(send, { type: 'getConnection' })).info,
  testConnection: (connection) =>
    requestWorker<'testConnection'>(send, { type: 'testConnection', connection }),
  connect: (connection) => requestWorker<'connect'>(send, { type: 'connect', connection }),
  disconnect: async () => {
    await requestWorker<'disconnect'>(send, { type: 'disconnect' });
  },
  requestCopperPermission: () => browser.permissions.request({ origins: ['https://api.copper.com/*'] }),
  getSettings: () => requestWorker<'getSettings'>(send, { type: 'getSettings' }),
  onPolicyChanged: (listener) => {
    const onChanged = (_changes: unknown, area: string) => {
      if (area === 'managed') listener();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  },
  ask: (type, body) => requestWorker(send, { ...body, type } as never),
};
