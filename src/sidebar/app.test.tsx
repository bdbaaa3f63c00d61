// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { sendMessage: vi.fn(async () => ({ results: [] })), openOptionsPage: vi.fn() } },
}));

import { App } from './app';
import { createSidebarStore } from './store';
import { SidebarStoreContext } from './use-sidebar-store';

function mount(store = createSidebarStore()) {
  const root = document.createElement('div');
  document.body.append(root);
  act(() => {
    render(
      <SidebarStoreContext.Provider value={store}>
        <App onRetry={() => store.getState().setConnection('connecting')} />
      </SidebarStoreContext.Provider>,
      root,
    );
  });
  return { root, store };
}

afterEach(() => {
  document.body.innerHTML = '';
});

const thread = {
  threadId: 't1',
  subject: '<img src=x onerror=alert(1)>Deal',
  participants: [
    { name: '<b>Mallory</b>', address: 'mallory@evil.test' },
    { name: 'Me Myself', address: 'ME@corp.test' },
    { name: '', address: 'noname@acme.test' },
  ],
  messageIds: ['m1'],
};

describe('sidebar app', () => {
  it('shows a loading skeleton until the worker answers', () => {
    const { root } = mount();
    expect(root.querySelector('[data-testid="loading"]')).not.toBeNull();
    expect(root.querySelector('main')?.getAttribute('aria-busy')).toBe('true');
  });

  it('shows the empty state when no thread is open', () => {
    const { root, store } = mount();
    act(() => store.getState().receiveThreadState({ seq: 1, account: 'me@corp.test', thread: null }));
    expect(root.querySelector('[data-testid="empty-state"]')?.textContent).toContain('Open an email thread');
  });

  it('shows subject and participants as text, marking the signed-in user as you', () => {
    const { root, store } = mount();
    act(() => store.getState().receiveThreadState({ seq: 1, account: 'me@corp.test', thread }));
    expect(root.querySelector('#thread-subject')?.textContent).toBe('<img src=x onerror=alert(1)>Deal');
    expect(root.querySelector('img, b')).toBeNull();
    const rows = [...root.querySelectorAll('[data-testid="participant"]')];
    expect(rows.map((r) => r.querySelector('.address')?.textContent)).toEqual([
      'mallory@evil.test',
      'ME@corp.test',
      'noname@acme.test',
    ]);
    expect(rows[0]?.querySelector('.name')?.textContent).toBe('<b>Mallory</b>');
    expect(rows.map((r) => r.hasAttribute('data-you'))).toEqual([false, true, false]);
    expect(rows[1]?.querySelector('.you')?.textContent).toBe('you');
    expect(rows[2]?.querySelector('.name')?.textContent).toBe('noname@acme.test');
  });

  it('says "(no subject)" for an empty subject', () => {
    const { root, store } = mount();
    act(() =>
      store.getState().receiveThreadState({ seq: 1, account: null, thread: { ...thread, subject: '  ' } }),
    );
    expect(root.querySelector('#thread-subject')?.textContent).toBe('(no subject)');
  });

  it('tells the user when the worker cannot be reached, with a way to retry', () => {
    const { root, store } = mount();
    act(() => store.getState().setConnection('unreachable'));
    const alert = root.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain("Threadline isn't responding");
    act(() => alert?.querySelector('button')?.click());
    expect(store.getState().connection).toBe('connecting');
  });

  it('renders a 10,000-participant thread', () => {
    const { root, store } = mount();
    const participants = Array.from({ length: 10_000 }, (_, i) => ({
      name: `P ${i}`,
      address: `p${i}@x.test`,
    }));
    act(() =>
      store.getState().receiveThreadState({ seq: 1, account: null, thread: { ...thread, participants } }),
    );
    expect(root.querySelectorAll('[data-testid="participant"]')).toHaveLength(10_000);
    expect(root.querySelector('.meta')?.textContent).toBe('10000 participants');
  });
});
