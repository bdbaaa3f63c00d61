import { describe, expect, it } from 'vitest';
import { createActionIds } from './action-ids';

describe('action ids', () => {
  const ids = () => {
    let n = 0;
    return createActionIds(() => {
      n += 1;
      return `action-${n}`;
    });
  };

  it('gives a save of the same input again (after no answer or a failure) the same id', () => {
    const actions = ids();
    const first = actions.idFor('note', { text: 'Left voicemail' });
    expect(actions.idFor('note', { text: 'Left voicemail' })).toBe(first);
  });

  it('gives a new id once the save was done, or the input changed', () => {
    const actions = ids();
    const first = actions.idFor('note', { text: 'Left voicemail' });
    actions.done('note');
    const second = actions.idFor('note', { text: 'Left voicemail' });
    expect(second).not.toBe(first);
    expect(actions.idFor('note', { text: 'Left a voicemail' })).not.toBe(second);
  });

  it('keeps each form’s id apart', () => {
    const actions = ids();
    const note = actions.idFor('note', { text: 'Follow up' });
    const task = actions.idFor('task', { text: 'Follow up' });
    expect(task).not.toBe(note);
    actions.done('task');
    expect(actions.idFor('note', { text: 'Follow up' })).toBe(note);
  });
});
