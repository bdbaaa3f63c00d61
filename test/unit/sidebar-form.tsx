/**
 * The sidebar's thread forms in the test document (happy-dom): a store holding one thread's view
 * and extras, and the people and cards its tests need. Each test file mocks `sidebar-api` itself.
 */
import type { ComponentChild } from 'preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { Person } from '../../src/shared/crm-model';
import type { ContactCard } from '../../src/shared/sidebar-port';
import type { ThreadExtras } from '../../src/shared/thread-extras';
import { createSidebarStore } from '../../src/sidebar/store';
import { SidebarStoreContext } from '../../src/sidebar/use-sidebar-store';
import { personOf as personWith } from './thread-deps';

export const A = 'sam@corp.test';
/** A CRM person `name` with the work address `<name>@acme.test`. */
export const personOf = (id: number, name: string): Person =>
  personWith(id, `${name.toLowerCase()}@acme.test`, { name });
export const card = (address: string, person: Person | null): ContactCard => ({
  address,
  displayName: person?.name ?? address,
  state: person ? 'person' : 'unknown',
  person,
  detailsKnown: true,
  ownerName: null,
  lead: null,
  company: null,
  deals: [],
  activities: [],
  pendingWrite: false,
  writeError: null,
  suggestion: null,
});
export const extras: ThreadExtras = {
  links: [],
  loggedMessages: 0,
  messageCount: 1,
  tasks: [],
  pipelines: [{ id: 1, name: 'Sales', stages: [{ id: 11, name: 'Qualified', winProbability: 10 }] }],
  crmDateOrder: 'monthFirst',
  consent: { emailLogging: true, version: 1 },
  settings: {
    emailContentLevel: 'metadata',
    autoLog: false,
    autoLogChangeable: true,
    prohibitedDataMode: 'block',
    disclosureUrl: null,
  },
};

/** Renders `form` for a thread of these cards (and extras changed by `patch`). */
export function mountForm(form: ComponentChild, cards: ContactCard[], patch: Partial<ThreadExtras> = {}) {
  const store = createSidebarStore();
  const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
  store.getState().receiveView({ type: 'view', state: { seq: 1, account: A, thread }, cards, status: null });
  store.getState().receiveExtras({ seq: 1, threadId: 't1', extras: { ...extras, ...patch } });
  const root = document.createElement('div');
  document.body.append(root);
  act(() => {
    render(<SidebarStoreContext.Provider value={store}>{form}</SidebarStoreContext.Provider>, root);
  });
  const q = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { root, q, store };
}
