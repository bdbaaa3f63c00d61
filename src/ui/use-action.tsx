import { useState } from 'preact/hooks';
import { WorkerRequestError } from '../shared/worker-client';
import { t } from './i18n';

type Outcome = { ok: true } | { ok: false; error: string };

/** A request that failed, in plain words: the worker's own when its handler failed, else "no answer". */
export const failureText = (error: unknown): string =>
  error instanceof WorkerRequestError && error.userMessage ? error.userMessage : t('noAnswer');

/**
 * One user action against the worker: busy while it runs, then a status line ("Note saved.") or an
 * error in plain words. A worker that does not answer is an error too, never a silent spinner.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** `done`: the status line on success, or a function of the answer when the answer words it. */
  const run = async <T extends Outcome>(
    action: () => Promise<T>,
    done: string | ((answer: Extract<T, { ok: true }>) => string),
  ): Promise<T | null> => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const answer = await action();
      if (answer.ok) setMessage(typeof done === 'string' ? done : done(answer as Extract<T, { ok: true }>));
      else setError(answer.error);
      return answer;
    } catch (error) {
      // The worker's own words when its handler failed; otherwise "no answer", never a frozen form.
      setError(failureText(error));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, error, run, fail: setError };
}

/** The live status line and the error of a useAction(). */
export function ActionStatus({ message, error }: { message: string | null; error: string | null }) {
  return (
    <>
      <div role="status" aria-live="polite">
        {message && <p class="small">{message}</p>}
      </div>
      {error && (
        <p role="alert" class="error-text" data-testid="action-error">
          {error}
        </p>
      )}
    </>
  );
}
