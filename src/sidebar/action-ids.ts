/**
 * The id each save of a note, task or deal carries (`actionId`; the worker queues each id once:
 * outbox/user-actions.ts). Saving the same input again, after no answer or a failure, sends the same
 * id: the first save may have been queued before the worker stopped, and the user meant one note.
 * Once a save is answered as done, or the input changes, the next save is a new one ("Left
 * voicemail" twice, on purpose, is two notes).
 */
export interface ActionIds {
  /** The id for saving `input` on `form` now. */
  idFor(form: string, input: unknown): string;
  /** The form's save was done: its next save is a new one. */
  done(form: string): void;
}

export function createActionIds(newId: () => string = () => crypto.randomUUID()): ActionIds {
  const last = new Map<string, { input: string; id: string }>();
  return {
    idFor(form, input) {
      const key = JSON.stringify(input);
      const had = last.get(form);
      if (had?.input === key) return had.id;
      const id = newId();
      last.set(form, { input: key, id });
      return id;
    },
    done(form) {
      last.delete(form);
    },
  };
}

/** The sidebar's saves (one page per Gmail tab; it outlives each thread's forms). */
export const actionIds = createActionIds();
