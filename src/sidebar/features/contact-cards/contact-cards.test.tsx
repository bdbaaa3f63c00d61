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
  detailsKnown: true,
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

function mount(view: StatusView, card: ContactCard = unknownCard) {
  const store = createSidebarStore();
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  store.getState().receiveView({
    type: 'view',
    state: { seq: 1, account: A, thread },
    cards: [card],
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

describe("contact cards: editing a person's tags", () => {
  const personCard: ContactCard = {
    ...unknownCard,
    state: 'person',
    suggestion: null,
    person: {
      id: 41,
      name: 'Ana Ruiz',
      title: 'Buyer',
      companyId: null,
      companyName: 'Acme',
      emails: [{ value: 'ana@acme.test', category: 'work' }],
      phones: [],
      address: null,
      tags: ['customer'],
      ownerId: null,
      lastContactedAt: null,
      modifiedAt: 1,
    },
  };
  const save = async (q: (id: string) => HTMLElement | null) => {
    await act(async () => {
      q('edit-title')?.closest('form')?.requestSubmit();
    });
  };
  const openEdit = async () => {
    const button = document.querySelector<HTMLButtonElement>('button[aria-label]');
    await act(async () => {
      button?.click();
    });
  };

  it('offers a tags field and sends the tags when the CRM keeps them (status without tags: false)', async () => {
    const { q } = mount(status(), personCard);
    expect(document.body.textContent).toContain('Tags');
    await openEdit();
    expect(q('edit-tags')).not.toBeNull();
    await save(q);
    expect(asked.at(-1)?.body.patch).toMatchObject({ title: 'Buyer', tags: ['customer'] });
  });

  it("shows HubSpot's lifecycle stage read-only and never sends tags (status tags: false)", async () => {
    const { q } = mount(status({ tags: false }), personCard);
    expect(document.body.textContent).toContain('Lifecycle stage');
    expect(q('person-tags')?.textContent).toBe('customer');
    await openEdit();
    expect(q('edit-tags')).toBeNull();
    await save(q);
    expect(asked.at(-1)?.type).toBe('updatePerson');
    expect(asked.at(-1)?.body.patch).not.toHaveProperty('tags');
  });

  it('says the phone, address and tags are still loading, and then edits the title alone (never blanks them)', async () => {
    const { q } = mount(status(), {
      ...personCard,
      detailsKnown: false,
      person: personCard.person && { ...personCard.person, tags: [] },
    });
    expect(q('person-details-loading')?.textContent).toContain('load from the CRM');
    await openEdit();
    expect(q('edit-title')).not.toBeNull();
    expect(q('edit-phone')).toBeNull();
    expect(q('edit-tags')).toBeNull();
    expect(q('edit-details-loading')).not.toBeNull();
    await save(q);
    expect(asked.at(-1)?.body.patch).toEqual({ title: 'Buyer' });
  });
});

describe("contact cards: a new open's first card paints alone", () => {
  const card = (address: string): ContactCard => ({ ...unknownCard, address, displayName: address });
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  const view = (seq: number, cards: ContactCard[]) => ({
    type: 'view' as const,
    state: { seq, account: A, thread },
    cards,
    status: status(),
  });
  const shown = () =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="contact-card"]')].map((c) => c.dataset.address);
  const following = () => document.querySelectorAll('[data-testid="cards-following"] .row').length;
  /** Renders without act(), so effects run when the browser would run them: after the next frame. */
  function mountOpen(cards: ContactCard[]) {
    const store = createSidebarStore();
    store.getState().receiveView(view(1, cards));
    const root = document.createElement('div');
    document.body.append(root);
    render(
      <SidebarStoreContext.Provider value={store}>
        <ContactCards />
      </SidebarStoreContext.Provider>,
      root,
    );
    return store;
  }
  const rendered = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('shows the first card with placeholders for the others, then every card after that paint', async () => {
    mountOpen([card('a@x.test'), card('b@x.test'), card('c@x.test')]);
    expect(shown()).toEqual(['a@x.test']);
    expect(following()).toBe(2);
    await vi.waitFor(() => expect(shown()).toEqual(['a@x.test', 'b@x.test', 'c@x.test']));
    expect(following()).toBe(0);
  });

  it('keeps the first card (its DOM and what was typed in it) when the others follow', async () => {
    mountOpen([card('a@x.test'), card('b@x.test')]);
    const first = document.querySelector('[data-testid="contact-card"]');
    const name = document.querySelector<HTMLInputElement>('input[data-testid="add-name"]');
    expect(name).not.toBeNull();
    if (!name) return;
    name.value = 'Ana R.';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    expect(document.querySelector('[data-testid="contact-card"]')).toBe(first);
    const names = document.querySelectorAll<HTMLInputElement>('input[data-testid="add-name"]');
    expect(names[0]).toBe(name);
    expect(names[0]?.value).toBe('Ana R.');
  });

  it('shows at most three placeholders, however many cards follow', () => {
    mountOpen(Array.from({ length: 25 }, (_, i) => card(`p${i}@x.test`)));
    expect(shown()).toHaveLength(1);
    expect(following()).toBe(3);
  });

  it('shows a single card at once, with no placeholder', () => {
    mountOpen([card('a@x.test')]);
    expect(shown()).toEqual(['a@x.test']);
    expect(document.querySelector('[data-testid="cards-following"]')).toBeNull();
  });

  it('re-renders every card at once on a later view of the same open, and stages the next open again', async () => {
    const store = mountOpen([card('a@x.test'), card('b@x.test')]);
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    // The same open (seq 1): a write or activities arriving.
    store.getState().receiveView(view(1, [card('a@x.test'), { ...card('b@x.test'), pendingWrite: true }]));
    await rendered();
    expect(shown()).toEqual(['a@x.test', 'b@x.test']);
    expect(following()).toBe(0);
    // A new open (seq 2), even of the same thread and people.
    store.getState().receiveView(view(2, [card('a@x.test'), card('b@x.test')]));
    await rendered();
    expect(shown()).toEqual(['a@x.test']);
    expect(following()).toBe(1);
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
  });
});
