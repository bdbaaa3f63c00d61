// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { byTestId, mount } from '../../test/unit/mount';
import type { RequestOf, RequestType, ResponseOf } from '../shared/protocol';
import { WorkerRequestError } from '../shared/worker-client';
import type { OptionsApi } from './options-api';
import { PrivacyCentre } from './privacy-centre';

const A = 'sam@corp.test';
const overview: ResponseOf<'privacyOverview'> = {
  accounts: [
    {
      account: A,
      counts: { people: 3 },
      consents: [
        { scope: 'emailLogging', version: 1, textHash: 'h', grantedAt: 1, withdrawnAt: null, current: true },
      ],
    },
  ],
  disclosure: { version: 1, textHash: 'h' },
};
const row = {
  at: 1,
  purpose: 'linkThread',
  host: 'api.copper.com',
  method: 'POST',
  dataClasses: ['googleUserData'],
  recordIds: ['7'],
  bytes: 10,
};

type Handlers = { [T in RequestType]?: (body: Omit<RequestOf<T>, 'type'>) => Promise<ResponseOf<T>> };
const timeout = (type: string) => Promise.reject(new WorkerRequestError('timeout', type));

/** The options page's worker client, answering from `handlers`; anything else is refused. */
function fakeApi(handlers: Handlers) {
  const ask = vi.fn((type: RequestType, body: unknown): Promise<unknown> => {
    const handler = handlers[type] as ((body: unknown) => Promise<unknown>) | undefined;
    return handler ? handler(body) : Promise.reject(new WorkerRequestError('refused', type));
  });
  const api: OptionsApi = {
    getConnection: async () => ({ info: null, blocked: null }),
    testConnection: () => timeout('testConnection'),
    connect: () => timeout('connect'),
    disconnect: async () => undefined,
    requestPermission: async () => false,
    getSettings: () => timeout('getSettings'),
    onPolicyChanged: () => () => undefined,
    ask: ask as unknown as OptionsApi['ask'],
  };
  return { api, ask };
}

const mountCentre = (api: OptionsApi) => mount(<PrivacyCentre api={api} />);
async function click(element: HTMLElement | null | undefined) {
  expect(element).toBeTruthy();
  await act(async () => element?.click());
}
const tryAgain = (scope: HTMLElement | null) =>
  [...(scope?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Try again');
const loaded = async (root: HTMLElement) =>
  vi.waitFor(() => expect(byTestId(root, 'audit-table')).not.toBeNull());

beforeEach(() => {
  vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:threadline');
  vi.spyOn(URL, 'revokeObjectURL').mockReturnValue(undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockReturnValue(undefined);
});

describe('PrivacyCentre: a worker that fails or does not answer (issue 12)', () => {
  it('shows an error with Try again instead of Loading… forever, and Try again reads again', async () => {
    let calls = 0;
    const { api } = fakeApi({
      privacyOverview: () => (++calls === 1 ? timeout('privacyOverview') : Promise.resolve(overview)),
      auditLog: async () => ({ rows: [row] }),
    });
    const root = await mountCentre(api);
    await vi.waitFor(() => expect(byTestId(root, 'privacy-load-error')).not.toBeNull());
    const failed = byTestId(root, 'privacy-load-error');
    expect(failed?.querySelector('[role="alert"]')?.textContent).toBe(
      'Threadline did not answer; try again.',
    );
    expect(root.querySelector('[aria-busy="true"]')).toBeNull();

    await click(tryAgain(failed));
    await loaded(root);
    expect(byTestId(root, 'privacy-load-error')).toBeNull();
    expect(calls).toBe(2);
  });

  it("shows the worker's own words when its handler failed", async () => {
    const { api } = fakeApi({
      privacyOverview: () =>
        Promise.reject(
          new WorkerRequestError('failed', 'privacyOverview', 'The database could not be opened.'),
        ),
    });
    const root = await mountCentre(api);
    await vi.waitFor(() =>
      expect(byTestId(root, 'privacy-load-error')?.textContent).toContain(
        'The database could not be opened.',
      ),
    );
  });

  it('the audit log shows an error with Try again instead of Loading… forever', async () => {
    let calls = 0;
    const { api } = fakeApi({
      privacyOverview: async () => overview,
      auditLog: () => (++calls === 1 ? timeout('auditLog') : Promise.resolve({ rows: [row] })),
    });
    const root = await mountCentre(api);
    await vi.waitFor(() => expect(byTestId(root, 'audit-error')).not.toBeNull());
    const log = byTestId(root, 'audit-log');
    expect(log?.querySelector('[role="alert"]')?.textContent).toBe('Threadline did not answer; try again.');
    expect(log?.querySelector('[aria-busy="true"]')).toBeNull();

    await click(tryAgain(byTestId(root, 'audit-error')));
    await loaded(root);
    expect(byTestId(root, 'audit-error')).toBeNull();
  });

  it('Delete that fails shows the error, keeps the confirmation and leaves the button usable', async () => {
    const { api, ask } = fakeApi({
      privacyOverview: async () => overview,
      auditLog: async () => ({ rows: [row] }),
      deleteData: () =>
        Promise.reject(
          new WorkerRequestError('failed', 'deleteData', 'Could not delete: the database is busy.'),
        ),
    });
    const root = await mountCentre(api);
    await loaded(root);
    await click(byTestId(root, 'delete-data'));
    await click(byTestId(root, 'delete-confirm'));
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe('Could not delete: the database is busy.'),
    );
    expect(byTestId(root, 'action-error')?.getAttribute('role')).toBe('alert');
    expect((byTestId(root, 'delete-confirm') as HTMLButtonElement).disabled).toBe(false);
    expect(ask).toHaveBeenCalledWith('deleteData', { account: A });
  });

  it('Delete that works says so and reads the overview again', async () => {
    let deleted = false;
    const { api } = fakeApi({
      privacyOverview: async () => (deleted ? { ...overview, accounts: [] } : overview),
      auditLog: async () => ({ rows: [row] }),
      deleteData: async () => {
        deleted = true;
        return { ok: true as const };
      },
    });
    const root = await mountCentre(api);
    await loaded(root);
    await click(byTestId(root, 'delete-data'));
    await click(byTestId(root, 'delete-confirm'));
    await vi.waitFor(() => expect(byTestId(root, 'privacy-empty')).not.toBeNull());
    expect(byTestId(root, 'privacy-message')?.querySelector('[role="status"]')?.textContent).toBe(
      `Deleted everything stored for ${A} on this computer.`,
    );
  });

  it('Export that goes unanswered shows an error; the button is busy only while it runs', async () => {
    let answer: (failure: unknown) => void = () => undefined;
    const { api } = fakeApi({
      privacyOverview: async () => overview,
      auditLog: async () => ({ rows: [row] }),
      exportData: () =>
        new Promise((_, reject) => {
          answer = reject;
        }),
    });
    const root = await mountCentre(api);
    await loaded(root);
    const exportButton = byTestId(root, 'export-data') as HTMLButtonElement;
    await click(exportButton);
    expect(exportButton.disabled).toBe(true);
    await act(async () => answer(new WorkerRequestError('timeout', 'exportData')));
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe('Threadline did not answer; try again.'),
    );
    expect(exportButton.disabled).toBe(false);
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });

  it('Export that works downloads the file and says so', async () => {
    const { api } = fakeApi({
      privacyOverview: async () => overview,
      auditLog: async () => ({ rows: [row] }),
      exportData: async () => ({ json: '{"people":[]}' }),
    });
    const root = await mountCentre(api);
    await loaded(root);
    await click(byTestId(root, 'export-data'));
    await vi.waitFor(() =>
      expect(byTestId(root, 'privacy-message')?.textContent).toContain(`Exported everything stored for ${A}`),
    );
    expect(URL.createObjectURL).toHaveBeenCalledTimes(1);
    expect(HTMLAnchorElement.prototype.click).toHaveBeenCalledTimes(1);
  });

  it('Withdraw that fails shows the error and leaves the consent in place', async () => {
    const { api } = fakeApi({
      privacyOverview: async () => overview,
      auditLog: async () => ({ rows: [row] }),
      withdrawConsent: () => Promise.reject(new WorkerRequestError('unreachable', 'withdrawConsent')),
    });
    const root = await mountCentre(api);
    await loaded(root);
    await click(byTestId(root, 'consent-withdraw'));
    await vi.waitFor(() =>
      expect(byTestId(root, 'action-error')?.textContent).toBe('Threadline did not answer; try again.'),
    );
    expect((byTestId(root, 'consent-withdraw') as HTMLButtonElement).disabled).toBe(false);
    expect(byTestId(root, 'privacy-message')?.querySelector('[role="status"]')?.textContent).toBe('');
  });
});
