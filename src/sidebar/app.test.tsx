// @vitest-environment happy-dom
import { options, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { sendMessage: vi.fn(async () => ({ results: [] })), openOptionsPage: vi.fn() } },
}));

import {
  contactCardSchema,
  type SidebarView,
  type StatusView,
  type ThreadSummary,
} from '../shared/sidebar-port';
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
  messageCount: 1,
};
const viewOf = (account: string | null, summary: ThreadSummary | null): SidebarView => ({
  type: 'view',
  state: { seq: 1, account, thread: summary },
  cards: null,
  status: null,
});

/** A connected account's status, synced, nothing waiting: each test changes what it shows. */
const base: StatusView = {
  health: 'ok',
  message: null,
  sync: {
    running: false,
    initial: false,
    entity: null,
    fetched: 0,
    total: null,
    lastSyncAt: 1_700_000_000,
  },
  pendingWrites: 0,
  failedWrites: 0,
  managed: false,
};

describe('sidebar app', () => {
  it('shows a loading skeleton until the worker answers', () => {
    const { root } = mount();
    expect(root.querySelector('[data-testid="loading"]')).not.toBeNull();
    expect(root.querySelector('main')?.getAttribute('aria-busy')).toBe('true');
  });

  it('shows the empty state when no thread is open', () => {
    const { root, store } = mount();
    act(() => store.getState().receiveView(viewOf('me@corp.test', null)));
    expect(root.querySelector('[data-testid="empty-state"]')?.textContent).toContain('Open an email thread');
  });

  it('shows subject and participants as text, marking the signed-in user as you', () => {
    const { root, store } = mount();
    act(() => store.getState().receiveView(viewOf('me@corp.test', thread)));
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
    act(() => store.getState().receiveView(viewOf(null, { ...thread, subject: '  ' })));
    expect(root.querySelector('#thread-subject')?.textContent).toBe('(no subject)');
  });

  it('shows nothing while the worker restarts, and says "Reconnecting" once that lasts', () => {
    const { root, store } = mount();
    act(() => store.getState().receiveView(viewOf('me@corp.test', thread)));
    const status = () => root.querySelector('main > [role="status"]')?.textContent ?? null;
    act(() => store.getState().setConnection('restarting'));
    expect(status()).toBe('');
    expect(root.querySelector('[data-testid="thread"]')).not.toBeNull();
    act(() => store.getState().setConnection('reconnecting'));
    expect(status()).toBe('Reconnecting to Threadline…');
    act(() => store.getState().receiveView(viewOf('me@corp.test', thread)));
    expect(status()).toBe('');
  });

  it('tells the user when the worker cannot be reached, with a way to retry', () => {
    const { root, store } = mount();
    act(() => store.getState().setConnection('unreachable'));
    const alert = root.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain("Threadline isn't responding");
    act(() => alert?.querySelector('button')?.click());
    expect(store.getState().connection).toBe('connecting');
  });

  it('shows 50 of a 10,000-participant thread, and all on request', () => {
    const { root, store } = mount();
    const participants = Array.from({ length: 10_000 }, (_, i) => ({
      name: `P ${i}`,
      address: `p${i}@x.test`,
    }));
    act(() => store.getState().receiveView(viewOf(null, { ...thread, participants })));
    expect(root.querySelectorAll('[data-testid="participant"]')).toHaveLength(50);
    expect(root.querySelector('.meta')?.textContent).toBe('10,000 participants');
    const more = root.querySelector<HTMLButtonElement>('[data-testid="show-all-participants"]');
    expect(more?.textContent).toBe('Show all 10,000 participants');
    act(() => more?.click());
    expect(root.querySelectorAll('[data-testid="participant"]')).toHaveLength(10_000);
  });

  describe('status screens', () => {
    const withStatus = (status: Partial<Omit<StatusView, 'health'>> & { health?: string }) => {
      const { root, store } = mount();
      act(() => store.getState().receiveView(viewOf('me@corp.test', thread)));
      act(() =>
        store
          .getState()
          .receiveView({ ...viewOf('me@corp.test', thread), status: { ...base, ...status } as StatusView }),
      );
      return root;
    };

    it('not connected: explains and offers Settings', () => {
      const root = withStatus({ health: 'notConnected' });
      expect(root.querySelector('[data-testid="not-connected"]')?.textContent).toContain('Connect your CRM');
      expect(root.querySelector('[data-testid="contact-card"]')).toBeNull();
    });

    it.each([
      ['unauthorized', 'The CRM rejected the API key or e-mail — open Settings to reconnect.', 'alert'],
      [
        'unreachable',
        "Can't reach the CRM — showing saved data; changes will be sent when it is back.",
        'status',
      ],
      ['rateLimited', 'The CRM is rate-limiting requests; Threadline is waiting and will retry.', 'status'],
      ['server', 'The CRM is having trouble (server error); Threadline will retry.', 'status'],
    ])('%s: says so in plain words', (health, message, role) => {
      const root = withStatus({ health, message });
      const banner = root.querySelector(`[data-testid="health-${health}"]`);
      expect(banner?.textContent).toContain(message);
      expect(banner?.getAttribute('role') ?? banner?.closest('[role]')?.getAttribute('role')).toBe(role);
    });

    it('initial sync: a progress bar with counts', () => {
      const root = withStatus({
        sync: {
          ...base.sync,
          running: true,
          initial: true,
          entity: 'people',
          fetched: 1200,
          total: 5000,
          lastSyncAt: null,
        },
      });
      const progress = root.querySelector('[data-testid="sync-progress"]');
      expect(progress?.textContent).toMatch(/Syncing people 1,200 of 5,000/);
      expect(progress?.querySelector('progress')?.getAttribute('value')).toBe('1200');
      expect(root.querySelector('[data-testid="sync-footer"]')?.textContent).toContain('Syncing…');
    });

    it('managed: says some settings are set by the administrator', () => {
      expect(withStatus({ managed: true }).querySelector('[data-testid="managed"]')?.textContent).toBe(
        'Some settings are set by your administrator.',
      );
      expect(withStatus({}).querySelector('[data-testid="managed"]')).toBeNull();
    });

    it('storage full: a status region says sync is paused, that nothing queued is lost, and what to do', () => {
      const root = withStatus({ storageFull: true, pendingWrites: 2 });
      const notice = root.querySelector('[data-testid="storage-full"]');
      expect(notice?.getAttribute('role')).toBe('status');
      expect(notice?.textContent).toContain('Sync is paused: this computer is out of storage space.');
      expect(notice?.textContent).toContain('Nothing waiting to be sent is lost');
      expect(notice?.textContent).toContain('Free up disk space');
      expect(notice?.textContent).toContain('sync then resumes by itself');
      // Not colour only: an icon and a strong line carry it too.
      expect(notice?.querySelector('svg')).not.toBeNull();
      expect(notice?.querySelector('strong')).not.toBeNull();
      expect(withStatus({ storageFull: false }).querySelector('[data-testid="storage-full"]')).toBeNull();
    });

    it('failed writes: says how many and offers Try again', () => {
      const root = withStatus({ failedWrites: 2, pendingWrites: 1 });
      expect(root.querySelector('[data-testid="failed-writes"]')?.textContent).toContain(
        '2 changes could not be saved',
      );
      expect(root.querySelector('[data-testid="sync-footer"]')?.textContent).toContain(
        '1 change waiting to be sent',
      );
    });
  });

  describe('renders only what changed', () => {
    /** Each component's renders while `during` runs, by the component's name (Preact's diff hook). */
    function rendersDuring(during: () => void): Map<string, number> {
      const counts = new Map<string, number>();
      const hooks = options as { diffed?: ((vnode: { type: unknown }) => void) | undefined };
      const previous = hooks.diffed;
      hooks.diffed = (vnode) => {
        if (typeof vnode.type === 'function') {
          const name = (vnode.type as { name: string }).name;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        previous?.(vnode);
      };
      try {
        act(during);
      } finally {
        hooks.diffed = previous;
      }
      return counts;
    }
    const other = { ...thread, threadId: 't2', subject: 'Another' };

    it("a benchmark pong renders its own span, not the sidebar (the messaging floor holds none of the sidebar's work)", () => {
      const { root, store } = mount();
      act(() => store.getState().receiveView({ ...viewOf('me@corp.test', thread), status: base }));
      const counts = rendersDuring(() => store.getState().receivePong(7));
      expect([...counts.keys()]).toEqual(['BenchPong']);
      expect(root.querySelector('[data-testid="bench-pong"]')?.getAttribute('data-seq')).toBe('7');
    });

    it('a view with an unchanged status keeps the status as it was: the status panel does not render again', () => {
      const { store } = mount();
      act(() => store.getState().receiveView({ ...viewOf('me@corp.test', thread), status: base }));
      const shown = store.getState().status;
      const counts = rendersDuring(() =>
        store.getState().receiveView({
          ...viewOf('me@corp.test', other),
          state: { seq: 2, account: 'me@corp.test', thread: other },
          status: structuredClone(base),
        }),
      );
      expect(store.getState().status).toBe(shown);
      expect(counts.get('ThreadParticipants')).toBe(1);
      expect(counts.has('ConnectionStatus')).toBe(false);
      // A changed status is taken, and shown.
      const changed = rendersDuring(() =>
        store.getState().receiveView({
          ...viewOf('me@corp.test', other),
          state: { seq: 3, account: 'me@corp.test', thread: other },
          status: { ...base, pendingWrites: 2 },
        }),
      );
      expect(store.getState().status?.pendingWrites).toBe(2);
      expect(changed.get('SyncFooter')).toBe(1);
    });

    it("a status-only view keeps the thread's cards as they were; another thread's equal cards are its own", () => {
      const { store } = mount();
      // A card as the worker sends it: the sidebar port's own schema says so.
      const card = contactCardSchema.parse({
        address: 'mallory@evil.test',
        displayName: 'Mallory',
        state: 'unknown',
        person: null,
        detailsKnown: false,
        ownerName: null,
        lead: null,
        company: null,
        deals: [],
        activities: null,
        pendingWrite: false,
        writeError: null,
        suggestion: null,
      });
      const cardsView = (seq: number, summary: ThreadSummary, status: StatusView): SidebarView => ({
        ...viewOf('me@corp.test', summary),
        state: { seq, account: 'me@corp.test', thread: summary },
        cards: [structuredClone(card)],
        status,
      });
      act(() => store.getState().receiveView(cardsView(1, thread, base)));
      const cards = store.getState().cards;
      act(() => store.getState().receiveView(cardsView(2, thread, { ...base, pendingWrites: 1 })));
      expect(store.getState().cards).toBe(cards);
      act(() => store.getState().receiveView(cardsView(3, other, base)));
      expect(store.getState().cards).not.toBe(cards);
      expect(store.getState().cards?.threadId).toBe('t2');
    });

    it('the footer works out how old the last sync is again at each view, with the status unchanged', () => {
      vi.useFakeTimers();
      try {
        vi.setSystemTime(new Date(1_700_000_000_000));
        const { root, store } = mount();
        const minuteAgo = { ...base, sync: { ...base.sync, lastSyncAt: 1_700_000_000 - 60 } };
        act(() => store.getState().receiveView({ ...viewOf('me@corp.test', thread), status: minuteAgo }));
        const footer = () => root.querySelector('[data-testid="sync-footer"]')?.textContent ?? '';
        expect(footer()).toContain('Synced 1 minute ago');
        vi.setSystemTime(new Date(1_700_000_060_000));
        act(() =>
          store.getState().receiveView({
            ...viewOf('me@corp.test', thread),
            state: { seq: 2, account: 'me@corp.test', thread },
            status: structuredClone(minuteAgo),
          }),
        );
        expect(footer()).toContain('Synced 2 minutes ago');
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
