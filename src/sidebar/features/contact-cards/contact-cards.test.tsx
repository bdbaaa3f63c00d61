// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const asked = vi.hoisted(() => [] as { type: string; body: Record<string, unknown> }[]);
vi.mock('../../sidebar-api', () => ({
  ask: vi.fn(async (type: string, body: Record<string, unknown>) => {
    asked.push({ type, body });
    return { ok: true };
  }),
}));

import type { ContactCard, StatusView } from '../../../shared/sidebar-port';
import { createSidebarStore } from '../../store';
import { SidebarStoreContext } from '../../use-sidebar-store';
import { ContactCards } from './contact-cards';

const A = 'sam@corp.test';
const unknownCard: ContactCard = {
  address: 'ana@acme.test',
  displayName: 'Ana Ruiz',
  state: 'unknown',
  person: null,
  ownerName: null,
  lead: null,
  company: null,
  deals: [],
  activities: [],
  pendingWrite: false,
  writeError: null,
  suggestion: { name: 'Ana Ruiz', companyName: 'Acme', companyKnown: false },
};
const status = (patch: Partial<StatusView> = {}): StatusView => ({
  health: 'ok',
  message: null,
  sync: { running: false, initial: false, entity: null, fetched: 0, total: null, lastSyncAt: 1 },
  pendingWrites: 0,
  failedWrites: 0,
  managed: false,
  ...patch,
});

function mount(view: StatusView) {
  const store = createSidebarStore();
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  store.getState().receiveView({
    type: 'view',
    state: { seq: 1, account: A, thread },
    cards: [unknownCard],
    status: view,
  });
  const root = document.createElement('div');
  document.body.append(root);
  act(() => {
    render(
      <SidebarStoreContext.Provider value={store}>
        <ContactCards />
      </SidebarStoreContext.Provider>,
      root,
    );
  });
  const q = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { q };
}

afterEach(() => {
  document.body.innerHTML = '';
  asked.length = 0;
});

describe('contact cards: "Add as lead"', () => {
  it('is offered beside "Add as person" when the CRM has leads (status without leads: false), and adds a lead', async () => {
    const { q } = mount(status());
    expect(q('add-person')).not.toBeNull();
    const lead = q('add-lead');
    expect(lead).not.toBeNull();
    await act(async () => {
      lead?.click();
    });
    expect(asked).toEqual([
      {
        type: 'addContact',
        body: { account: A, address: 'ana@acme.test', name: 'Ana Ruiz', kind: 'lead', companyName: 'Acme' },
      },
    ]);
  });

  it('is not offered when the CRM has no leads (HubSpot: status leads: false); "Add as person" still is', async () => {
    const { q } = mount(status({ leads: false }));
    expect(q('add-person')).not.toBeNull();
    expect(q('add-lead')).toBeNull();
  });
});
