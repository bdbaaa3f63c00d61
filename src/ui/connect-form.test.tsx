// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PermissionKind } from '../shared/crm-hosts';
import type { ConnectionInfo, ResponseOf } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { WorkerRequestError } from '../shared/worker-client';
import { type ConnectApi, ConnectForm, HUBSPOT_API_URL, LOCAL_DEMO_URL } from './connect-form';

const info: ConnectionInfo = {
  kind: 'copper',
  baseUrl: 'https://api.copper.com/developer_api/v1',
  email: 'sam@corp.test',
  accountName: 'Corp',
  userName: 'Sam',
  connectedAt: 1,
};

function fakeApi(permission = true) {
  return {
    getConnection: vi.fn(async () => ({ info: null, blocked: null })),
    testConnection: vi.fn(async () => ({ ok: true as const, info })),
    connect: vi.fn(async () => ({ ok: true as const, info })),
    disconnect: vi.fn(async () => undefined),
    requestPermission: vi.fn(async (_kind: PermissionKind) => permission),
  } satisfies ConnectApi;
}

const noPolicy: ResponseOf<'getSettings'> = { settings: DEFAULT_SETTINGS, locked: [], warnings: [] };

async function mount(api: ConnectApi, settings = noPolicy) {
  const root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(<ConnectForm api={api} settings={settings} labelledBy="title" />, root);
  });
  await vi.waitFor(() => expect(root.querySelector('form')).not.toBeNull());
  return root;
}

const field = (root: HTMLElement, testId: string) =>
  root.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;

async function type(root: HTMLElement, testId: string, value: string) {
  await act(async () => {
    const input = field(root, testId);
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function press(root: HTMLElement, name: RegExp) {
  const button = [...root.querySelectorAll('button')].find((b) => name.test(b.textContent ?? ''));
  await act(async () => button?.click());
}

async function choose(root: HTMLElement, kind: string) {
  await act(async () => {
    const radio = root.querySelector(`input[value="${kind}"]`) as HTMLInputElement;
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('ConnectForm (settings and welcome page)', () => {
  it('tests the local demo CRM without asking for a host permission, and says it works', async () => {
    const api = fakeApi();
    const root = await mount(api);
    await type(root, 'crm-key', 'k');
    await type(root, 'crm-email', 'sam@corp.test');
    await press(root, /Test connection/);
    await vi.waitFor(() =>
      expect(field(root, 'connect-result').textContent).toContain('Connection works: Corp'),
    );
    expect(api.testConnection).toHaveBeenCalledWith({
      kind: 'local',
      baseUrl: LOCAL_DEMO_URL,
      apiKey: 'k',
      email: 'sam@corp.test',
    });
    expect(api.requestPermission).not.toHaveBeenCalled();
  });

  it('asks for Copper’s host permission on the click; refused, nothing is sent and it says why', async () => {
    const api = fakeApi(false);
    const root = await mount(api);
    await choose(root, 'copper');
    expect(field(root, 'crm-url')).toBeNull(); // Copper's address is fixed
    await type(root, 'crm-key', 'k');
    await type(root, 'crm-email', 'sam@corp.test');
    await press(root, /^Connect$/);
    await vi.waitFor(() => expect(field(root, 'connect-result').textContent).toContain('api.copper.com'));
    expect(vi.mocked(api.requestPermission).mock.calls).toEqual([['copper']]);
    expect(api.connect).not.toHaveBeenCalled();
  });

  it('connects to Copper once the permission is granted, and shows who it is connected as', async () => {
    const api = fakeApi(true);
    const root = await mount(api);
    await choose(root, 'copper');
    await type(root, 'crm-key', 'k');
    await type(root, 'crm-email', 'sam@corp.test');
    await press(root, /^Connect$/);
    await vi.waitFor(() =>
      expect(field(root, 'connected')?.textContent).toContain('Connected to Corp as Sam'),
    );
    expect(api.connect).toHaveBeenCalledWith(expect.objectContaining({ kind: 'copper', baseUrl: '' }));
  });

  it('says why the saved connection could not be read, and Try again reads it again', async () => {
    const api = fakeApi();
    api.getConnection.mockRejectedValueOnce(new WorkerRequestError('timeout', 'getConnection'));
    const root = document.createElement('div');
    document.body.append(root);
    await act(async () => {
      render(<ConnectForm api={api} settings={noPolicy} labelledBy="title" />, root);
    });
    const failed = () => root.querySelector<HTMLElement>('[data-testid="connection-load-error"]');
    await vi.waitFor(() => expect(failed()?.textContent).toContain('Threadline did not answer; try again.'));
    await act(async () => failed()?.querySelector('button')?.click());
    await vi.waitFor(() => expect(root.querySelector('form')).not.toBeNull());
    expect(failed()).toBeNull();
    expect(api.getConnection).toHaveBeenCalledTimes(2);
  });

  it('refuses to send without a key and an e-mail address', async () => {
    const api = fakeApi();
    const root = await mount(api);
    await press(root, /Test connection/);
    expect(field(root, 'connect-result').textContent).toContain('Enter the API key');
    expect(api.testConnection).not.toHaveBeenCalled();
  });

  it('shows an admin-set CRM locked in place, and connects to it whatever was chosen before', async () => {
    const api = fakeApi();
    const root = await mount(api, {
      settings: { ...DEFAULT_SETTINGS, crmKind: 'copper' },
      locked: ['crmKind'],
      warnings: [],
    });
    const kind = field(root, 'crm-kind') as unknown as HTMLFieldSetElement;
    expect(kind.disabled).toBe(true);
    expect(kind.textContent).toContain('Set by your administrator');
    // The lock is part of what a screen reader hears for the choice, not only a visible badge.
    const described = (kind.getAttribute('aria-describedby') ?? '').split(' ');
    expect(described.map((id) => root.querySelector(`#${id}`)?.textContent).join(' ')).toContain(
      'Set by your administrator',
    );
    expect((root.querySelector('input[value="copper"]') as HTMLInputElement).checked).toBe(true);
    await type(root, 'crm-key', 'k');
    await type(root, 'crm-email', 'sam@corp.test');
    await press(root, /Test connection/);
    await vi.waitFor(() => expect(api.testConnection).toHaveBeenCalled());
    expect(api.testConnection).toHaveBeenCalledWith(expect.objectContaining({ kind: 'copper' }));
    expect(vi.mocked(api.requestPermission).mock.calls).toEqual([['copper']]);
  });

  it('describes every field: aria-describedby names a description that exists', async () => {
    const root = await mount(fakeApi());
    for (const id of ['crm-url', 'crm-key', 'crm-email']) {
      const ids = field(root, id).getAttribute('aria-describedby')?.split(' ') ?? [];
      expect(ids.length, id).toBeGreaterThan(0);
      for (const described of ids) expect(root.querySelector(`#${described}`)?.textContent, id).not.toBe('');
      expect(root.querySelector(`label[for="${field(root, id).id}"]`), id).not.toBeNull();
    }
  });

  describe('HubSpot', () => {
    async function chooseTier(root: HTMLElement, value: string) {
      await act(async () => {
        const select = field(root, 'crm-tier') as unknown as HTMLSelectElement;
        select.value = value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
    }

    it('names the token and the owner e-mail, offers the tiers, and keeps the address under Advanced', async () => {
      const root = await mount(fakeApi());
      await choose(root, 'hubspot');
      expect(root.textContent).toContain('Private app access token');
      const tier = field(root, 'crm-tier') as unknown as HTMLSelectElement;
      expect([...tier.options].map((o) => o.value)).toEqual(['100', '190', '250']);
      expect([...tier.options].map((o) => o.textContent)).toEqual([
        'Free or Starter (100 per 10 s)',
        'Professional or Enterprise (190 per 10 s)',
        'With the API limit increase (250 per 10 s)',
      ]);
      const url = field(root, 'crm-url');
      expect(url.value).toBe(HUBSPOT_API_URL);
      expect(url.closest('details')).not.toBeNull();
      expect(field(root, 'crm-rate')).toBeNull(); // the tier replaces requests per minute
    });

    it('asks for api.hubapi.com on the click and sends the token, the e-mail and the tier', async () => {
      const api = fakeApi(true);
      const root = await mount(api);
      await choose(root, 'hubspot');
      await type(root, 'crm-key', 'pat-na1-token');
      await type(root, 'crm-email', 'sam@corp.test');
      await chooseTier(root, '190');
      await press(root, /^Connect$/);
      await vi.waitFor(() => expect(api.connect).toHaveBeenCalled());
      expect(vi.mocked(api.requestPermission).mock.calls).toEqual([['hubspot']]);
      expect(api.connect).toHaveBeenCalledWith({
        kind: 'hubspot',
        baseUrl: '',
        apiKey: 'pat-na1-token',
        email: 'sam@corp.test',
        requestsPerWindow: 190,
      });
    });

    it('refused permission: nothing is sent', async () => {
      const api = fakeApi(false);
      const root = await mount(api);
      await choose(root, 'hubspot');
      await type(root, 'crm-key', 'pat');
      await type(root, 'crm-email', 'sam@corp.test');
      await press(root, /^Connect$/);
      await vi.waitFor(() => expect(field(root, 'connect-result').getAttribute('role')).toBe('alert'));
      expect(vi.mocked(api.requestPermission).mock.calls).toEqual([['hubspot']]);
      expect(api.connect).not.toHaveBeenCalled();
    });

    it('a local address typed under Advanced is sent as typed, with no prompt (tests and the demo)', async () => {
      const api = fakeApi(true);
      const root = await mount(api);
      await choose(root, 'hubspot');
      await type(root, 'crm-url', 'http://127.0.0.1:8787/');
      await type(root, 'crm-key', 'pat');
      await type(root, 'crm-email', 'sam@corp.test');
      await press(root, /Test connection/);
      await vi.waitFor(() => expect(api.testConnection).toHaveBeenCalled());
      expect(api.testConnection).toHaveBeenCalledWith(
        expect.objectContaining({
          kind: 'hubspot',
          baseUrl: 'http://127.0.0.1:8787',
          requestsPerWindow: 100,
        }),
      );
      expect(api.requestPermission).not.toHaveBeenCalled();
    });

    it('an admin policy CrmKind hubspot locks the choice on HubSpot', async () => {
      const api = fakeApi();
      const root = await mount(api, {
        settings: { ...DEFAULT_SETTINGS, crmKind: 'hubspot' },
        locked: ['crmKind'],
        warnings: [],
      });
      expect((root.querySelector('input[value="hubspot"]') as HTMLInputElement).checked).toBe(true);
      expect(field(root, 'crm-tier')).not.toBeNull();
    });

    it('shows a HubSpot connection by name', async () => {
      const api = fakeApi();
      api.getConnection.mockResolvedValue({
        info: {
          ...info,
          kind: 'hubspot',
          baseUrl: HUBSPOT_API_URL,
          accountName: 'HubSpot · sam@corp.test · owner 7',
        },
        blocked: null,
      } as never);
      const root = document.createElement('div');
      document.body.append(root);
      await act(async () => {
        render(<ConnectForm api={api} settings={noPolicy} labelledBy="title" />, root);
      });
      await vi.waitFor(() => expect(field(root, 'connected')?.textContent).toContain('— HubSpot.'));
    });
  });

  describe('Disconnect (issue 12: a request that fails is an error, never a frozen button)', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    async function mountConnected(api: ReturnType<typeof fakeApi>) {
      api.getConnection.mockResolvedValue({ info, blocked: null } as never);
      const onConnected = vi.fn();
      const root = document.createElement('div');
      document.body.append(root);
      await act(async () => {
        render(
          <ConnectForm api={api} settings={noPolicy} labelledBy="title" onConnected={onConnected} />,
          root,
        );
      });
      await vi.waitFor(() => expect(field(root, 'connected')).not.toBeNull());
      return { root, onConnected };
    }

    it("a disconnect that fails shows the worker's own words and leaves the button usable", async () => {
      vi.stubGlobal('confirm', () => true);
      const api = fakeApi();
      api.disconnect.mockRejectedValue(
        new WorkerRequestError('failed', 'disconnect', 'Could not forget the connection: storage is full.'),
      );
      const { root, onConnected } = await mountConnected(api);
      await press(root, /Disconnect/);
      await vi.waitFor(() =>
        expect(field(root, 'action-error')?.textContent).toBe(
          'Could not forget the connection: storage is full.',
        ),
      );
      expect(field(root, 'action-error').getAttribute('role')).toBe('alert');
      expect(field(root, 'connected')).not.toBeNull();
      expect((field(root, 'disconnect') as unknown as HTMLButtonElement).disabled).toBe(false);
      expect(onConnected).not.toHaveBeenCalledWith(null);
    });

    it('a disconnect nobody answers says so', async () => {
      vi.stubGlobal('confirm', () => true);
      const api = fakeApi();
      api.disconnect.mockRejectedValue(new WorkerRequestError('timeout', 'disconnect'));
      const { root } = await mountConnected(api);
      await press(root, /Disconnect/);
      await vi.waitFor(() =>
        expect(field(root, 'action-error')?.textContent).toBe('Threadline did not answer; try again.'),
      );
    });

    it('a disconnect that works shows the form again', async () => {
      vi.stubGlobal('confirm', () => true);
      const api = fakeApi();
      const { root, onConnected } = await mountConnected(api);
      await press(root, /Disconnect/);
      await vi.waitFor(() => expect(root.querySelector('form')).not.toBeNull());
      expect(api.disconnect).toHaveBeenCalledTimes(1);
      expect(onConnected).toHaveBeenLastCalledWith(null);
    });
  });
});
