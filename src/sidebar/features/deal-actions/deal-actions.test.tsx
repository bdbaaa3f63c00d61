// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const asked = vi.hoisted(() => [] as { type: string; body: Record<string, unknown> }[]);
/** How many of the next requests get no answer (the worker stopped while handling them). */
const unanswered = vi.hoisted(() => ({ next: 0 }));
vi.mock('../../sidebar-api', () => ({
  ask: vi.fn(async (type: string, body: Record<string, unknown>) => {
    asked.push({ type, body });
    if (unanswered.next > 0) {
      unanswered.next -= 1;
      throw new Error('no answer');
    }
    return { ok: true };
  }),
}));

import { card, extras, mountForm, personOf } from '../../../../test/unit/sidebar-form';
import type { ContactCard } from '../../../shared/sidebar-port';
import type { ThreadExtras } from '../../../shared/thread-extras';
import { DealActions } from './deal-actions';

const mount = (cards: ContactCard[], patch: Partial<ThreadExtras> = {}) =>
  mountForm(<DealActions />, cards, patch);

afterEach(() => {
  document.body.innerHTML = '';
  asked.length = 0;
});

describe('new deal from a thread', () => {
  it('needs a person the CRM has as primary contact: without one the button is off and says why', () => {
    const { q } = mount([card('nobody@acme.test', null), card('pending@acme.test', personOf(-5, 'Pending'))]);
    expect((q('deal-new') as HTMLButtonElement).disabled).toBe(true);
    expect(q('deal-new')?.getAttribute('aria-describedby')).toBe('deal-needs-person');
    expect(q('deal-needs-person')?.textContent).toContain('primary contact');
  });

  it('sends the chosen person as primary contact when the thread has several', async () => {
    const { q } = mount([
      card('alice@acme.test', personOf(1, 'Alice')),
      card('bob@acme.test', personOf(2, 'Bob')),
    ]);
    expect((q('deal-new') as HTMLButtonElement).disabled).toBe(false);
    expect(q('deal-needs-person')).toBeNull();
    act(() => q('deal-new')?.click());
    const contact = q('deal-contact') as HTMLSelectElement;
    expect([...contact.options].map((o) => o.textContent)).toEqual(['Alice', 'Bob']);
    act(() => {
      contact.value = '2';
      contact.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => {
      q('deal-form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(asked).toEqual([
      expect.objectContaining({ type: 'createDeal', body: expect.objectContaining({ primaryContactId: 2 }) }),
    ]);
  });

  it('sends a save again after no answer with the same id (the worker queues it once), and the next deal with a new one', async () => {
    const { q } = mount([card('alice@acme.test', personOf(1, 'Alice'))]);
    act(() => q('deal-new')?.click());
    const submit = async () =>
      act(async () => {
        q('deal-form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    unanswered.next = 1;
    await submit();
    await submit();
    act(() => q('deal-new')?.click());
    await submit();
    const ids = asked.map((a) => a.body.actionId);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(String(ids[0])).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  });

  it('sends a deal tried again after no answer as it was sent, though the date order and the company were learned meanwhile', async () => {
    const alice = card('alice@acme.test', personOf(1, 'Alice'));
    const { root, q, store } = mount([alice], { crmDateOrder: null });
    act(() => q('deal-new')?.click());
    const date = root.querySelector('input[type="date"]') as HTMLInputElement;
    act(() => {
      date.value = '2027-01-23';
      date.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => {
      q('deal-date-order-dayFirst')?.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const submit = async () =>
      act(async () => {
        q('deal-form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    unanswered.next = 1;
    await submit();
    // The worker stored the order before it stopped, so the form no longer asks; and Alice's card
    // now shows her company (another person of acme.test was added meanwhile).
    act(() => {
      const state = store.getState();
      state.receiveExtras({ seq: 2, threadId: 't1', extras: { ...extras, crmDateOrder: 'dayFirst' } });
      const thread = { threadId: 't1', subject: 'Pricing', participants: [], messageCount: 1 };
      const acme = { id: 12, name: 'Acme', domain: 'acme.test', modifiedAt: 1 };
      state.receiveView({
        type: 'view',
        state: { seq: 2, account: 'sam@corp.test', thread },
        cards: [{ ...alice, company: acme }],
        status: null,
      });
    });
    await submit();
    expect(asked).toHaveLength(2);
    expect(asked[1]?.body).toEqual(asked[0]?.body);
    expect(asked[0]?.body).toMatchObject({ dateOrder: 'dayFirst', companyId: null });
  });

  it('asks once how the CRM writes dates when its data has not shown it, and sends nothing until answered', async () => {
    const { root, q } = mount([card('alice@acme.test', personOf(1, 'Alice'))], { crmDateOrder: null });
    act(() => q('deal-new')?.click());
    const date = root.querySelector('input[type="date"]') as HTMLInputElement;
    act(() => {
      date.value = '2027-01-23';
      date.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect([...(q('deal-date-order')?.querySelectorAll('label') ?? [])].map((l) => l.textContent)).toEqual([
      '1/23/2027',
      '23/1/2027',
    ]);
    const submit = async () =>
      act(async () => {
        q('deal-form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    await submit();
    expect(asked).toEqual([]); // never guessed
    expect(root.querySelector('[data-testid="action-error"]')?.textContent).toContain(
      'Choose how your CRM writes',
    );
    act(() => {
      q('deal-date-order-dayFirst')?.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await submit();
    expect(asked).toEqual([
      expect.objectContaining({
        type: 'createDeal',
        body: expect.objectContaining({ closeDate: Date.UTC(2027, 0, 23) / 1000, dateOrder: 'dayFirst' }),
      }),
    ]);
  });

  it('asks nothing when the CRM’s date order is known from its data', async () => {
    const { root, q } = mount([card('alice@acme.test', personOf(1, 'Alice'))], {
      crmDateOrder: 'monthFirst',
    });
    act(() => q('deal-new')?.click());
    const date = root.querySelector('input[type="date"]') as HTMLInputElement;
    act(() => {
      date.value = '2027-01-23';
      date.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(q('deal-date-order')).toBeNull();
    await act(async () => {
      q('deal-form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.body).not.toHaveProperty('dateOrder');
  });
});
