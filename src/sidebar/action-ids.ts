/**
 * The id each save of a note, task or deal carries (`actionId`; the worker queues each id once:
 * outbox/user-actions.ts). Saving the same input again soon after no answer or a failure sends the
 * same id: the first save may have been queued before the worker stopped, and the user meant one
 * note. Once a save is answered as done, the input changes, or REUSE_MS have passed since the last
 * try, the next save is a new one ("Left voicemail" twice, on purpose, is two notes: the first may
 * have been queued after all, and a save much later is not a retry of it).
 */
export interface ActionIds {
  /** The id for saving `input` on `form` now. */
  idFor(form: string, input: unknown): string;
  /** The form's save `id` was done: its next save is a new one (unless it has moved on to another). */
  done(form: string, id: string): void;
}

/** How long after a try that got no answer or failed the same input is taken as that save again. */
export const REUSE_MS = 10 * 60_000;

export function createActionIds(
  newId: () => string = () => crypto.randomUUID(),
  nowMs: () => number = Date.now,
): ActionIds {
  const last = new Map<string, { input: string; id: string; at: number }>();
  return {
    idFor(form, input) {
      const key = JSON.stringify(input);
      const had = last.get(form);
      const at = nowMs();
      const id = had?.input === key && at - had.at < REUSE_MS ? had.id : newId();
      last.set(form, { input: key, id, at });
      return id;
    },
    done(form, id) {
      if (last.get(form)?.id === id) last.delete(form);
    },
  };
}

/** The sidebar's saves (one page per Gmail tab; it outlives each thread's forms). */
export const actionIds = createActionIds();
