// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { mount } from '../../test/unit/mount';
import type { OptionsApi } from '../options/options-api';
import type { ResponseOf } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { WorkerRequestError } from '../shared/worker-client';
import { WelcomeApp } from './app';

const settings: ResponseOf<'getSettings'> = {
  settings: { ...DEFAULT_SETTINGS, crmKind: 'local' },
  locked: ['crmKind'],
  warnings: [],
};

describe('WelcomeApp: settings that cannot be read (issue 12)', () => {
  it('shows the error with Try again instead of Loading… forever, and Try again reads again', async () => {
    let calls = 0;
    const api = {
      getSettings: vi.fn(() =>
        ++calls === 1
          ? Promise.reject(new WorkerRequestError('timeout', 'getSettings'))
          : Promise.resolve(settings),
      ),
      onPolicyChanged: () => () => undefined,
    } as Partial<OptionsApi> as OptionsApi;
    const root = await mount(<WelcomeApp api={api} />);
    const error = () => root.querySelector<HTMLElement>('[data-testid="settings-error"]');
    await vi.waitFor(() => expect(error()?.querySelector('[role="alert"]')?.textContent).toBeTruthy());
    expect(root.querySelector('[aria-busy="true"]')).toBeNull();
    await act(async () => {
      error()?.querySelector('button')?.click();
    });
    // Read again: the policy's CRM shows, the error is gone.
    await vi.waitFor(() => expect(root.querySelector('[data-testid="welcome-admin"]')).not.toBeNull());
    expect(error()).toBeNull();
    expect(api.getSettings).toHaveBeenCalledTimes(2);
  });
});
