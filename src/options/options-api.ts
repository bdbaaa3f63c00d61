import browser from 'webextension-polyfill';
import { CRM_PERMISSION_ORIGINS, type PermissionKind } from '../shared/crm-hosts';
import type { ConnectionInput, RequestOf, RequestType, ResponseOf } from '../shared/protocol';
import { createWorkerClient } from '../shared/worker-client';

const worker = createWorkerClient((m) => browser.runtime.sendMessage(m));

export interface OptionsApi {
  /** The saved connection, and why the admin policy in force stops it (null: it does not). */
  getConnection(): Promise<ResponseOf<'getConnection'>>;
  testConnection(connection: ConnectionInput): Promise<ResponseOf<'testConnection'>>;
  connect(connection: ConnectionInput): Promise<ResponseOf<'connect'>>;
  disconnect(): Promise<void>;
  /** Chrome's prompt for the CRM's API host (CRM_PERMISSION_ORIGINS). */
  requestPermission(kind: PermissionKind): Promise<boolean>;
  /** `fresh`: after Chrome reported a policy change (the worker reads the policy again first). */
  getSettings(fresh?: boolean): Promise<ResponseOf<'getSettings'>>;
  /** Calls back when Chrome reports a change of admin policy; returns an unsubscribe. */
  onPolicyChanged(listener: () => void): () => void;
  /** Any other typed request to the worker (privacy centre, settings). */
  ask<T extends RequestType>(type: T, body: Omit<RequestOf<T>, 'type'>): Promise<ResponseOf<T>>;
}

export const optionsApi: OptionsApi = {
  getConnection: () => worker.ask('getConnection', {}),
  // A connection test waits for the CRM: longer than an ordinary request.
  testConnection: (connection) => worker.ask('testConnection', { connection }, { timeoutMs: 90_000 }),
  connect: (connection) => worker.ask('connect', { connection }, { timeoutMs: 90_000 }),
  disconnect: async () => {
    await worker.ask('disconnect', {});
  },
  requestPermission: (kind) => browser.permissions.request({ origins: [...CRM_PERMISSION_ORIGINS[kind]] }),
  getSettings: (fresh) => worker.ask('getSettings', fresh ? { fresh } : {}),
  onPolicyChanged: (listener) => {
    // The managed area's own event, not storage.onChanged: the worker writes storage.session on
    // every thread open, and an open settings page would be handed each of those writes.
    const onChanged = () => listener();
    browser.storage.managed.onChanged.addListener(onChanged);
    return () => browser.storage.managed.onChanged.removeListener(onChanged);
  },
  ask: worker.ask,
};
