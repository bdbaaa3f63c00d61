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

  it('gives a save of the same input again (after no answer or a failure) the same id', () => {
    const actions = ids();
    const first = actions.idFor('note', { text: 'Left voicemail' });
    expect(actions.idFor('note', { text: 'Left voicemail' })).toBe(first);
  });

  it('gives a new id once the save was done, or the input changed', () => {
    const actions = ids();
    const first = actions.idFor('note', { text: 'Left voicemail' });
    actions.done('note', first);
    const second = actions.idFor('note', { text: 'Left voicemail' });
    expect(second).not.toBe(first);
    expect(actions.idFor('note', { text: 'Left a voicemail' })).not.toBe(second);
  });

  it('gives a new id to the same input saved long after the last try: not a retry of it', () => {
    const actions = ids();
    now = 0;
    const first = actions.idFor('note', { text: 'Left voicemail' });
    now = REUSE_MS - 1;
    expect(actions.idFor('note', { text: 'Left voicemail' })).toBe(first); // tried again, in time
    now = 2 * REUSE_MS - 2;
    expect(actions.idFor('note', { text: 'Left voicemail' })).toBe(first); // counted from the last try
    now = 3 * REUSE_MS;
    expect(actions.idFor('note', { text: 'Left voicemail' })).not.toBe(first);
  });

  it('keeps the id of a newer save when an older one of the form is answered as done', () => {
    const actions = ids();
    const older = actions.idFor('note', { text: 'Left voicemail' });
    const newer = actions.idFor('note', { text: 'Call back' });
    actions.done('note', older); // its answer came after the user tried the next one
    expect(actions.idFor('note', { text: 'Call back' })).toBe(newer);
  });

  it('keeps each form’s id apart', () => {
    const actions = ids();
    const note = actions.idFor('note', { text: 'Follow up' });
    const task = actions.idFor('task', { text: 'Follow up' });
    expect(task).not.toBe(note);
    actions.done('task', task);
    expect(actions.idFor('note', { text: 'Follow up' })).toBe(note);
  });
});
