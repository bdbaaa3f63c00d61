// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { byTestId, mount } from '../../test/unit/mount';
import type { ResponseOf } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { WorkerRequestError } from '../shared/worker-client';
import { OptionsApp } from './app';
import type { OptionsApi } from './options-api';
import { SETTINGS_CHANGED } from './use-settings';

const settings: ResponseOf<'getSettings'> = {
  settings: { ...DEFAULT_SETTINGS, crmKind: 'local' },
  locked: [],
  warnings: [],
};

/** The options page's worker client; `getSettings` is what each test decides. */
function fakeApi(getSettings: () => Promise<ResponseOf<'getSettings'>>) {
  const api: OptionsApi = {
    getConnection: async () => ({ info: null, blocked: null }),
    testConnection: () => Promise.reject(new WorkerRequestError('timeout', 'testConnection')),
    connect: () => Promise.reject(new WorkerRequestError('timeout', 'connect')),
    disconnect: async () => undefined,
    requestPermission: async () => false,
    getSettings: vi.fn(getSettings),
    onPolicyChanged: () => () => undefined,
    // The storage notices' status read: a failed read shows nothing (use-storage-notices.ts).
    ask: ((type: string) => Promise.reject(new WorkerRequestError('refused', type))) as OptionsApi['ask'],
  };
  return api;
}

const mountApp = (api: OptionsApi) => mount(<OptionsApp version="1.2.3" api={api} />);

describe('OptionsApp: settings that cannot be read (issue 12)', () => {
  it('shows the error with Try again instead of Loading… forever, and Try again reads again', async () => {
    let calls = 0;
    const api = fakeApi(() =>
      ++calls === 1
        ? Promise.reject(new WorkerRequestError('timeout', 'getSettings'))
        : Promise.resolve(settings),
    );
    const root = await mountApp(api);
    await vi.waitFor(() => expect(byTestId(root, 'settings-error')).not.toBeNull());
    expect(byTestId(root, 'settings-error')?.querySelector('[role="alert"]')?.textContent).toBe(
      'Threadline did not answer; try again.',
    );
    expect(root.querySelector('main [aria-busy="true"]')).toBeNull();

    await act(async () => byTestId(root, 'settings-retry')?.click());
    await vi.waitFor(() => expect(byTestId(root, 'section-connection')).not.toBeNull());
    expect(byTestId(root, 'settings-error')).toBeNull();
    expect(calls).toBe(2);
  });

  it("shows the worker's own words when its handler failed", async () => {
    const api = fakeApi(() =>
      Promise.reject(new WorkerRequestError('failed', 'getSettings', 'Chrome could not read the settings.')),
    );
    const root = await mountApp(api);
    await vi.waitFor(() =>
      expect(byTestId(root, 'settings-error')?.textContent).toContain('Chrome could not read the settings.'),
    );
  });

  it('a read again that fails says so, and keeps the settings read before on screen', async () => {
    let calls = 0;
    const api = fakeApi(() =>
      ++calls === 1
        ? Promise.resolve(settings)
        : Promise.reject(new WorkerRequestError('unreachable', 'getSettings')),
    );
    const root = await mountApp(api);
    await vi.waitFor(() => expect(byTestId(root, 'section-connection')).not.toBeNull());
    await act(async () => {
      window.dispatchEvent(new Event(SETTINGS_CHANGED));
    });
    await vi.waitFor(() => expect(byTestId(root, 'settings-error')).not.toBeNull());
    expect(byTestId(root, 'section-connection')).not.toBeNull();
    expect(calls).toBe(2);
  });

  it('asks fresh at once when Chrome reports a policy change, with no wait in between, and fresh after it', async () => {
    const api = fakeApi(() => Promise.resolve(settings));
    let policyChanged = () => {};
    api.onPolicyChanged = (listener) => {
      policyChanged = listener;
      return () => undefined;
    };
    await mountApp(api);
    await vi.waitFor(() => expect(api.getSettings).toHaveBeenCalledTimes(1));
    await act(async () => policyChanged());
    // Asked in the same turn of rendering: the worker reads the policy again before answering.
    expect(vi.mocked(api.getSettings).mock.calls).toEqual([[false], [true]]);
    // A save's read right after it overtakes that read (whose answer is dropped): fresh too.
    await act(async () => {
      window.dispatchEvent(new Event(SETTINGS_CHANGED));
    });
    expect(vi.mocked(api.getSettings).mock.calls).toEqual([[false], [true], [true]]);
  });
});
