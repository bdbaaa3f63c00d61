// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const asked = vi.hoisted(() => [] as { type: string; body: Record<string, unknown> }[]);
/** How many of the next requests get no answer (the worker stopped while handling them). */
const unanswered = vi.hoisted(() => ({ next: 0 }));
/** The worker's refusal of the next request, if any. */
const refusal = vi.hoisted(() => ({ next: null as Record<string, unknown> | null }));
vi.mock('../../sidebar-api', () => ({
  ask: vi.fn(async (type: string, body: Record<string, unknown>) => {
    asked.push({ type, body });
    if (unanswered.next > 0) {
      unanswered.next -= 1;
      throw new Error('no answer');
    }
    const refused = refusal.next;
    refusal.next = null;
    return refused ?? { ok: true };
  }),
}));

import { card, mountForm, personOf } from '../../../../test/unit/sidebar-form';
import { NotesTasks } from './notes-tasks';

afterEach(() => {
  document.body.innerHTML = '';
  asked.length = 0;
});

/** Types `value` into the field, as the user does. */
const type = (field: HTMLInputElement | HTMLTextAreaElement | null, value: string) =>
  act(() => {
    if (!field) throw new Error('no field');
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });

describe('notes and tasks: each save carries its id', () => {
  it('sends a note saved again after no answer with the same id, and the same text saved once done with a new one', async () => {
    const { root, q } = mountForm(<NotesTasks />, [card('bob@acme.test', personOf(2, 'Bob'))]);
    const save = async (text: string) => {
      type(root.querySelector<HTMLTextAreaElement>('[data-testid="note-text"]'), text);
      await act(async () => {
        q('note-text')
          ?.closest('form')
          ?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    };
    unanswered.next = 1;
    await save('Left voicemail');
    await save('Left voicemail'); // the first may have been queued: the same save
    await save('Left voicemail'); // answered: this one is a second note
    await save('Left a voicemail');
    const ids = asked.map((a) => a.body.actionId);
    expect(asked.map((a) => a.type)).toEqual(['addNote', 'addNote', 'addNote', 'addNote']);
    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
  });

  it('keeps the note and its id after the worker refused it (nothing was queued)', async () => {
    const { root, q } = mountForm(<NotesTasks />, [card('bob@acme.test', personOf(2, 'Bob'))]);
    const field = root.querySelector<HTMLTextAreaElement>('[data-testid="note-text"]');
    type(field, 'Left voicemail');
    const submit = async () =>
      act(async () => {
        q('note-text')
          ?.closest('form')
          ?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    refusal.next = { ok: false, error: 'The CRM is not connected.' };
    await submit();
    expect(field?.value).toBe('Left voicemail');
    await submit();
    expect(asked[1]?.body.actionId).toBe(asked[0]?.body.actionId);
  });

  it('sends a task saved again after no answer with the same id', async () => {
    const { root } = mountForm(<NotesTasks />, [card('bob@acme.test', personOf(2, 'Bob'))]);
    const name = root.querySelector<HTMLInputElement>('[data-testid="task-name"]');
    const save = async () => {
      type(name, 'Follow up');
      await act(async () => {
        name?.closest('form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
    };
    unanswered.next = 1;
    await save();
    await save();
    await save();
    const ids = asked.map((a) => a.body.actionId);
    expect(asked.map((a) => a.type)).toEqual(['createTask', 'createTask', 'createTask']);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});
