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

import type { ContactCard, SidebarView, StatusView } from '../../../shared/sidebar-port';
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

const mounted: HTMLElement[] = [];

/** The cards of a store that was given `first`, in a new root (unmounted after each test). */
function renderCards(first: SidebarView) {
  const store = createSidebarStore();
  store.getState().receiveView(first);
  const root = document.createElement('div');
  document.body.append(root);
  mounted.push(root);
  render(
    <SidebarStoreContext.Provider value={store}>
      <ContactCards />
    </SidebarStoreContext.Provider>,
    root,
  );
  return { store, root };
}

function mount(view: StatusView, card: ContactCard = unknownCard) {
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  let root: HTMLElement | null = null;
  act(() => {
    root = renderCards({
      type: 'view',
      state: { seq: 1, account: A, thread },
      cards: [card],
      status: view,
    }).root;
  });
  const q = (id: string) => root?.querySelector<HTMLElement>(`[data-testid="${id}"]`) ?? null;
  return { q };
}

afterEach(() => {
  for (const root of mounted.splice(0)) render(null, root);
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

describe("contact cards: a newly shown thread's first card paints alone", () => {
  const card = (address: string): ContactCard => ({ ...unknownCard, address, displayName: address });
  const thread = (threadId: string) => ({ threadId, subject: 'Pricing', participants: [], messageCount: 1 });
  const view = (seq: number, threadId: string | null, cards: ContactCard[] | null) => ({
    type: 'view' as const,
    state: { seq, account: A, thread: threadId === null ? null : thread(threadId) },
    cards,
    status: status(),
  });
  const shown = () =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="contact-card"]')].map((c) => c.dataset.address);
  const following = () => document.querySelectorAll('[data-testid="cards-following"] .row').length;
  /** Renders without act(), so effects run when the browser would run them: after the next frame. */
  const mountView = (first: SidebarView) => renderCards(first).store;
  /** Past Preact's re-render (a microtask) but before its after-paint effects. */
  const rerendered = () => new Promise((resolve) => setTimeout(resolve, 0));
  /**
   * Past the after-paint effects already queued: Preact runs them in a task it queues after the next
   * animation frame (or 35 ms without one), so one frame and then one task later they have run.
   */
  const effectsRan = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const typeInto = (input: HTMLInputElement | undefined, text: string) => {
    if (!input) throw new Error('no input');
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const nameInputs = () => [...document.querySelectorAll<HTMLInputElement>('input[data-testid="add-name"]')];

  it('shows the first card with placeholders for the others, then every card after the frame', async () => {
    mountView(view(1, 't1', [card('a@x.test'), card('b@x.test'), card('c@x.test')]));
    expect(shown()).toEqual(['a@x.test']);
    expect(following()).toBe(2);
    expect(document.querySelector('section.cards')?.getAttribute('aria-busy')).toBe('true');
    await Promise.resolve();
    expect(shown()).toEqual(['a@x.test']); // not in a microtask: after the frame
    await vi.waitFor(() => expect(shown()).toEqual(['a@x.test', 'b@x.test', 'c@x.test']));
    expect(following()).toBe(0);
    expect(document.querySelector('section.cards')?.getAttribute('aria-busy')).toBe('false');
  });

  it('keeps the first card (its DOM and what was typed in it) when the others follow', async () => {
    mountView(view(1, 't1', [card('a@x.test'), card('b@x.test')]));
    const first = document.querySelector('[data-testid="contact-card"]');
    const name = nameInputs()[0];
    typeInto(name, 'Ana R.');
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    expect(document.querySelector('[data-testid="contact-card"]')).toBe(first);
    expect(nameInputs()[0]).toBe(name);
    expect(nameInputs()[0]?.value).toBe('Ana R.');
  });

  it('shows at most three placeholders, then all 25 cards', async () => {
    const many = Array.from({ length: 25 }, (_, i) => card(`p${i}@x.test`));
    mountView(view(1, 't1', many));
    expect(shown()).toHaveLength(1);
    expect(following()).toBe(3);
    await vi.waitFor(() => expect(shown()).toHaveLength(25));
  });

  it('renders every card at once for later views of the same thread, even with a new count (the thread read again), and keeps what they hold', async () => {
    const store = mountView(view(1, 't1', [card('a@x.test'), card('b@x.test')]));
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    const second = nameInputs()[1];
    typeInto(second, 'Bo');
    // A write on the same open (seq 1), then the thread read again when a message is expanded (seq 2).
    store
      .getState()
      .receiveView(view(1, 't1', [{ ...card('a@x.test'), pendingWrite: true }, card('b@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['a@x.test', 'b@x.test']);
    store.getState().receiveView(view(2, 't1', [card('a@x.test'), card('b@x.test'), card('c@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(following()).toBe(0);
    expect(nameInputs()[1]).toBe(second);
    expect(nameInputs()[1]?.value).toBe('Bo');
  });

  it('stages a thread whose cards were loading, and one that had a single card does not stage its later views', async () => {
    const store = mountView(view(1, 't1', null));
    expect(document.querySelector('[data-testid="cards-loading"]')).not.toBeNull();
    store.getState().receiveView(view(1, 't1', [card('a@x.test'), card('b@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['a@x.test']);
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    // Another thread with one card, whose later view has two: shown at once.
    store.getState().receiveView(view(2, 't2', [card('d@x.test')]));
    await vi.waitFor(() => expect(shown()).toEqual(['d@x.test']));
    await effectsRan();
    store.getState().receiveView(view(2, 't2', [card('d@x.test'), card('e@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['d@x.test', 'e@x.test']);
  });

  it('stages another thread, and the same thread closed and opened again', async () => {
    const store = mountView(view(1, 't1', [card('a@x.test'), card('b@x.test')]));
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    store.getState().receiveView(view(2, 't2', [card('c@x.test'), card('d@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['c@x.test']);
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
    store.getState().receiveView(view(3, null, []));
    await rerendered();
    expect(shown()).toEqual([]);
    await effectsRan();
    store.getState().receiveView(view(4, 't2', [card('c@x.test'), card('d@x.test')]));
    await rerendered();
    expect(shown()).toEqual(['c@x.test']);
    await vi.waitFor(() => expect(shown()).toHaveLength(2));
  });
});
