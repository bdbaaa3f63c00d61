// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const worker = vi.hoisted(() => ({ answer: (): Promise<unknown> => Promise.resolve({ ok: true }) }));
vi.mock('../../sidebar-api', () => ({
  ask: vi.fn((_type: string, _body: Record<string, unknown>) => worker.answer()),
}));

import { WorkerRequestError } from '../../../shared/worker-client';
import { ask } from '../../sidebar-api';
import { createSidebarStore } from '../../store';
import { SidebarStoreContext } from '../../use-sidebar-store';
import { ConsentPrompt } from './consent-prompt';

const A = 'sam@corp.test';

function mount() {
  const store = createSidebarStore();
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  store
    .getState()
    .receiveView({ type: 'view', state: { seq: 1, account: A, thread }, cards: null, status: null });
  const then = vi.fn();
  store.getState().askConsent(true, then);
  const root = document.createElement('div');
  document.body.append(root);
  act(() => {
    render(
      <SidebarStoreContext.Provider value={store}>
        <ConsentPrompt />
      </SidebarStoreContext.Provider>,
      root,
    );
  });
  return { root, store, then };
}
const byTestId = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const allow = (root: HTMLElement) => byTestId(root, 'consent-allow') as HTMLButtonElement;

afterEach(() => {
  document.body.innerHTML = '';
  vi.mocked(ask).mockClear();
  worker.answer = () => Promise.resolve({ ok: true });
});

describe('ConsentPrompt: Allow goes through the shared action status (issue 12)', () => {
  it('Allow sends the disclosure version and hash, closes, and carries on with what was asked', async () => {
    const { root, store, then } = mount();
    await act(async () => allow(root).click());
    await vi.waitFor(() => expect(store.getState().consentAsked).toBe(false));
    expect(then).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith('grantConsent', {
      account: A,
      version: 1,
      textHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("a handler that failed is shown in the worker's own words, and Allow is usable again", async () => {
    worker.answer = () =>
      Promise.reject(
        new WorkerRequestError('failed', 'grantConsent', 'Your consent could not be saved: storage is full.'),
      );
    const { root, store, then } = mount();
    await act(async () => allow(root).click());
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe(
        'Your consent could not be saved: storage is full.',
      ),
    );
    expect(byTestId(root, 'action-error')?.getAttribute('role')).toBe('alert');
    expect(allow(root).disabled).toBe(false);
    expect(store.getState().consentAsked).toBe(true);
    expect(then).not.toHaveBeenCalled();
  });

  it("an answer of { ok: false } shows the worker's error", async () => {
    worker.answer = () => Promise.resolve({ ok: false, error: 'The disclosure changed: read it again.' });
    const { root } = mount();
    await act(async () => allow(root).click());
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe('The disclosure changed: read it again.'),
    );
    expect(allow(root).disabled).toBe(false);
  });

  it('a disclosure hash that throws is an error shown, never a button left busy', async () => {
    vi.spyOn(crypto.subtle, 'digest').mockRejectedValue(new Error('Web Crypto is not available'));
    const { root, then } = mount();
    await act(async () => allow(root).click());
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe('Threadline did not answer; try again.'),
    );
    expect(allow(root).disabled).toBe(false);
    expect(ask).not.toHaveBeenCalled();
    expect(then).not.toHaveBeenCalled();
  });
});
