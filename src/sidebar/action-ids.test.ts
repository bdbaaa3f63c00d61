import { describe, expect, it } from 'vitest';
import { createActionIds, REUSE_MS } from './action-ids';

describe('action ids', () => {
  let now = 0;
  const ids = () => {
    let n = 0;
    return createActionIds(
      () => {
        n += 1;
        return `action-${n}`;
      },
      () => now,
    );
  };

  it('sends the same input saved again (after no answer or a failure) with the first try’s id and body', () => {
    const actions = ids();
    const first = actions.pin('deal', { name: 'Acme' }, { name: 'Acme', companyId: null });
    // Meanwhile the card found the person's company: the form's default moved, the user's input did not.
    const again = actions.pin('deal', { name: 'Acme' }, { name: 'Acme', companyId: 12 });
    expect(again).toEqual(first);
  });

  it('gives a new id once the save was done, or the input changed', () => {
    const actions = ids();
    const first = actions.pin('note', { text: 'Left voicemail' }, 'a').id;
    expect(actions.done('note', first)).toBe(true);
    const second = actions.pin('note', { text: 'Left voicemail' }, 'a').id;
    expect(second).not.toBe(first);
    expect(actions.pin('note', { text: 'Left a voicemail' }, 'b')).toEqual({ id: 'action-3', body: 'b' });
  });

  it('gives a new id to the same input saved long after the last try: not a retry of it', () => {
    const actions = ids();
    now = 0;
    const first = actions.pin('note', { text: 'Left voicemail' }, 'a').id;
    now = REUSE_MS - 1;
    expect(actions.pin('note', { text: 'Left voicemail' }, 'a').id).toBe(first); // tried again, in time
    now = 2 * REUSE_MS - 2;
    expect(actions.pin('note', { text: 'Left voicemail' }, 'a').id).toBe(first); // from the last try
    now = 3 * REUSE_MS;
    expect(actions.pin('note', { text: 'Left voicemail' }, 'a').id).not.toBe(first);
  });

  it('keeps a newer save when an older one of the form is answered as done (the form is not cleared)', () => {
    const actions = ids();
    const older = actions.pin('note', { text: 'Left voicemail' }, 'a').id;
    const newer = actions.pin('note', { text: 'Call back' }, 'b').id;
    expect(actions.done('note', older)).toBe(false); // its answer came after the user tried the next one
    expect(actions.pin('note', { text: 'Call back' }, 'b').id).toBe(newer);
  });

  it('keeps each form’s id apart', () => {
    const actions = ids();
    const note = actions.pin('note', { text: 'Follow up' }, 'a').id;
    const task = actions.pin('task', { text: 'Follow up' }, 'a').id;
    expect(task).not.toBe(note);
    actions.done('task', task);
    expect(actions.pin('note', { text: 'Follow up' }, 'a').id).toBe(note);
  });
});
