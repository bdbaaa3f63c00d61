// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusView } from '../shared/status-view';
import { WorkerRequestError } from '../shared/worker-client';
import { PopupApp } from './app';
import type { Overview, PopupApi } from './popup-api';

const ME = 'sam@corp.test';
const info = {
  kind: 'local' as const,
  baseUrl: 'http://127.0.0.1:8787/developer_api/v1',
  email: ME,
  accountName: '<b>Demo Co</b>',
  userName: 'Sam',
  connectedAt: 1,
};
const status = (patch: Partial<StatusView> = {}, sync: Partial<StatusView['sync']> = {}): StatusView => ({
  health: 'ok',
  message: null,
  sync: {
    running: false,
    initial: false,
    entity: null,
    fetched: 0,
    total: null,
    lastSyncAt: 1_764_500_000,
    ...sync,
  },
  pendingWrites: 0,
  failedWrites: 0,
  managed: false,
  ...patch,
});
const connected = (s: StatusView = status()): Overview => ({
  info,
  blocked: null,
  accounts: [{ account: ME, status: s }],
});
const notConnected: Overview = { info: null, blocked: null, accounts: [] };

function fakeApi(overviews: (Overview | Error)[]) {
  let i = 0;
  const api = {
    overview: vi.fn(async () => {
      const next = overviews[Math.min(i, overviews.length - 1)];
      i += 1;
      if (next instanceof Error) throw next;
      if (!next) throw new Error('no overview');
      return next;
    }),
    syncNow: vi.fn(async () => ({ ok: true as const })),
    retryWrites: vi.fn(async () => ({ ok: true as const })),
    dismissCacheLoss: vi.fn(async () => ({ ok: true as const })),
    openGmail: vi.fn(async () => undefined),
    openSettings: vi.fn(async () => undefined),
    openConnect: vi.fn(async () => undefined),
  } satisfies PopupApi;
  return api;
}

/** Lets pending promises (the api's answers) and the renders they cause finish. */
const settle = () =>
  act(async () => {
    for (let n = 0; n < 5; n += 1) await new Promise((resolve) => setTimeout(resolve, 0));
  });

async function mount(api: PopupApi, pollMs = 60_000) {
  const root = document.createElement('div');
  document.body.append(root);
  act(() => render(<PopupApp api={api} pollMs={pollMs} />, root));
  await settle();
  const get = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const click = async (id: string) => {
    act(() => get(id)?.click());
    await settle();
  };
  return { root, get, click };
}

afterEach(() => {
  for (const child of [...document.body.children]) render(null, child);
  document.body.innerHTML = '';
});

describe('toolbar popup', () => {
  it('says it is loading until the worker answers', () => {
    const root = document.createElement('div');
    document.body.append(root);
    const api = fakeApi([notConnected]);
    api.overview.mockImplementation(() => new Promise(() => undefined));
    act(() => render(<PopupApp api={api} pollMs={1000} />, root));
    expect(root.querySelector('[data-testid="popup-loading"]')?.textContent).toBe('Loading…');
    expect(root.querySelector('main')?.getAttribute('aria-busy')).toBe('true');
  });

  it('not connected: says so, and "Connect" opens the settings’ Connection section', async () => {
    const api = fakeApi([notConnected]);
    const { get, click, root } = await mount(api);
    expect(get('popup-not-connected')?.textContent).toContain('Not connected');
    expect(get('popup-sync-now')).toBeNull();
    expect(root.querySelector('main')?.getAttribute('aria-busy')).toBe('false');
    await click('popup-connect');
    expect(api.openConnect).toHaveBeenCalledTimes(1);
    // Open Gmail and Settings are there in every state.
    await click('popup-open-gmail');
    await click('popup-settings');
    expect(api.openGmail).toHaveBeenCalledTimes(1);
    expect(api.openSettings).toHaveBeenCalledTimes(1);
  });

  it('connected: the CRM, the account, when it last synced and the counts, data shown as text', async () => {
    const api = fakeApi([connected(status({ pendingWrites: 3 }))]);
    const { get, root } = await mount(api);
    expect(get('popup-connected')?.textContent).toContain('Connected to <b>Demo Co</b>');
    expect(root.querySelector('b')).toBeNull();
    expect(get('popup-crm')?.textContent).toBe('Local demo CRM · signed in as Sam');
    expect(root.querySelector('[data-testid="popup-account"] h2')?.textContent).toBe(ME);
    expect(get('popup-sync')?.textContent).toMatch(/^Last synced /);
    expect(get('popup-last-synced')?.getAttribute('datetime')).toBe(
      new Date(1_764_500_000_000).toISOString(),
    );
    expect(get('popup-pending')?.textContent).toBe('3');
    expect(get('popup-failed')?.textContent).toBe('0');
    expect(get('popup-failed-writes')).toBeNull();
  });

  it('"Sync now" asks the worker for that account, says so and reads the status again', async () => {
    const api = fakeApi([connected(), connected(status({}, { running: true }))]);
    const { get, click } = await mount(api);
    expect((get('popup-sync-now') as HTMLButtonElement).disabled).toBe(false);
    await click('popup-sync-now');
    expect(api.syncNow).toHaveBeenCalledWith(ME);
    expect(api.overview).toHaveBeenCalledTimes(2);
    expect(get('popup-sync')?.textContent).toBe('Syncing…');
    // While the sync runs, there is nothing to start.
    expect((get('popup-sync-now') as HTMLButtonElement).disabled).toBe(true);
    expect(document.querySelector('[role="status"]')?.textContent).toBe('Sync started.');
  });

  it('shows the first sync’s progress', async () => {
    const api = fakeApi([
      connected(status({}, { running: true, initial: true, entity: 'people', fetched: 120, total: 300 })),
    ]);
    const { get, root } = await mount(api);
    expect(get('popup-sync')?.querySelector('label')?.textContent).toBe('Syncing people 120 of 300');
    const bar = root.querySelector('progress');
    expect([bar?.getAttribute('value'), bar?.getAttribute('max')]).toEqual(['120', '300']);
    expect(bar?.id && root.querySelector(`label[for="${bar.id}"]`)).toBeTruthy();
  });

  it('failed changes: the reasons and "Try again", which asks the worker to send them again', async () => {
    const failing = status({ failedWrites: 2, failedReasons: ['Note: The CRM rejected the API key.'] });
    const api = fakeApi([connected(failing), connected()]);
    const { get, click } = await mount(api);
    expect(get('popup-failed')?.textContent).toBe('2');
    expect(get('popup-failed-writes')?.textContent).toContain('Note: The CRM rejected the API key.');
    await click('popup-retry');
    expect(api.retryWrites).toHaveBeenCalledWith(ME);
    expect(get('popup-failed')?.textContent).toBe('0');
    expect(get('popup-failed-writes')).toBeNull();
  });

  it('a connection the administrator stopped: says so and why, and offers no sync', async () => {
    const api = fakeApi([
      { info, blocked: 'The policy sets CrmKind to copper.', accounts: [{ account: ME, status: status() }] },
    ]);
    const { get } = await mount(api);
    expect(get('popup-blocked')?.textContent).toContain('Stopped by your administrator');
    expect(get('popup-blocked')?.querySelector('[role="alert"]')?.textContent).toBe(
      'The policy sets CrmKind to copper.',
    );
    expect(get('popup-sync-now')).toBeNull();
  });

  it('storage full: says sync is paused and that nothing queued is lost, and clears when it resumes', async () => {
    const api = fakeApi([connected(status({ storageFull: true, pendingWrites: 1 })), connected()]);
    const { get, click } = await mount(api);
    expect(get('popup-storage-full')?.getAttribute('role')).toBe('status');
    expect(get('popup-storage-full')?.textContent).toContain('Nothing waiting to be sent is lost');
    expect(get('popup-pending')?.textContent).toBe('1');
    await click('popup-sync-now');
    expect(get('popup-storage-full')).toBeNull();
  });

  it('a CRM problem of the account is shown in words', async () => {
    const api = fakeApi([
      connected(status({ health: 'unreachable', message: 'The CRM cannot be reached.' })),
    ]);
    const { get } = await mount(api);
    expect(get('popup-health')?.textContent).toBe('The CRM cannot be reached.');
  });

  it('connected with no Gmail account seen yet: says to open Gmail', async () => {
    const { get } = await mount(fakeApi([{ info, blocked: null, accounts: [] }]));
    expect(get('popup-no-accounts')?.textContent).toContain('Open Gmail to start');
  });

  it('a worker that does not answer is an error, and the popup keeps asking', async () => {
    const api = fakeApi([connected()]);
    // The second read waits until the error has been seen.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    api.overview
      .mockRejectedValueOnce(new WorkerRequestError('timeout', 'statusOverview'))
      .mockImplementationOnce(async () => {
        await answered;
        return connected();
      });
    const { get } = await mount(api, 5);
    expect(get('popup-read-error')?.textContent).toBe('Threadline did not answer; try again.');
    answer();
    await vi.waitFor(async () => {
      await settle();
      expect(get('popup-connected')).not.toBeNull();
    });
    expect(get('popup-read-error')).toBeNull();
  });

  it('re-reads the status while open, and stops when closed', async () => {
    // Fake timers: "no more reads" is checked by moving the clock, not by waiting on a real one.
    vi.useFakeTimers();
    try {
      const api = fakeApi([connected(), connected(status({ pendingWrites: 1 }))]);
      const root = document.createElement('div');
      document.body.append(root);
      act(() => render(<PopupApp api={api} pollMs={5} />, root));
      await act(async () => void (await vi.advanceTimersByTimeAsync(50)));
      expect(root.querySelector('[data-testid="popup-pending"]')?.textContent).toBe('1');
      act(() => render(null, root));
      const calls = api.overview.mock.calls.length;
      await act(async () => void (await vi.advanceTimersByTimeAsync(10_000)));
      expect(api.overview.mock.calls.length).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed "Sync now" or tab opening is shown, and the buttons work again', async () => {
    const api = fakeApi([connected()]);
    api.syncNow.mockRejectedValueOnce(new WorkerRequestError('timeout', 'syncNow'));
    api.openGmail.mockRejectedValueOnce(new Error('no window'));
    const { get, click } = await mount(api);
    await click('popup-sync-now');
    expect(document.querySelector('[data-testid="action-error"]')?.textContent).toBe(
      'Threadline did not answer; try again.',
    );
    expect((get('popup-sync-now') as HTMLButtonElement).disabled).toBe(false);
    await click('popup-open-gmail');
    expect(
      [...document.querySelectorAll('[data-testid="action-error"]')].map((e) => e.textContent),
    ).toContain('The page could not be opened; try again.');
    expect((get('popup-open-gmail') as HTMLButtonElement).disabled).toBe(false);
  });
});
