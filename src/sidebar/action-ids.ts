/**
 * The id each save of a note, task or deal carries (`actionId`; the worker queues each id once:
 * outbox/user-actions.ts). Saving again soon after a try that got no answer or failed, with nothing
 * the user typed or chose changed, sends that try's id and body: the first may have been queued
 * before the worker stopped, and the user meant one note. The body is pinned too, because a form
 * fills in defaults from data that moves meanwhile (the first person of the thread, their company,
 * the first pipeline), which would otherwise make the same save a second one. Once a save is
 * answered as done, the user's input changes, or REUSE_MS have passed since the last try, the next
 * save is a new one ("Left voicemail" twice, on purpose, is two notes; a save much later is not a
 * retry of one whose answer was lost).
 */
export interface ActionIds {
  /** The save of `form` now: its id and the body to send, given what the user typed and chose (`input`). */
  pin<T>(form: string, input: unknown, body: T): { id: string; body: T };
  /** The form's save `id` was done: true if it was the form's latest (its next save is a new one). */
  done(form: string, id: string): boolean;
}

/** How long after a try that got no answer or failed the same input is taken as that save again. */
export const REUSE_MS = 10 * 60_000;

export function createActionIds(
  newId: () => string = () => crypto.randomUUID(),
  nowMs: () => number = Date.now,
): ActionIds {
  const last = new Map<string, { input: string; id: string; body: unknown; at: number }>();
  return {
    pin<T>(form: string, input: unknown, body: T) {
      const key = JSON.stringify(input);
      const had = last.get(form);
      const at = nowMs();
      const same = had !== undefined && had.input === key && at - had.at < REUSE_MS;
      const saved = same ? { id: had.id, body: had.body as T } : { id: newId(), body };
      last.set(form, { input: key, ...saved, at });
      return saved;
    },
    done(form, id) {
      if (last.get(form)?.id !== id) return false;
      last.delete(form);
      return true;
    },
  };
}

/** The sidebar's saves (one page per Gmail tab; it outlives each thread's forms). */
export const actionIds = createActionIds();
