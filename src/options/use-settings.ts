import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ResponseOf } from '../shared/protocol';
import { failureText } from '../ui/use-action';
import type { OptionsApi } from './options-api';

export type SettingsAnswer = ResponseOf<'getSettings'>;
/** Dispatched on window after the user saved settings: every section reads them again. */
export const SETTINGS_CHANGED = 'threadline-settings-changed';

type SettingsSource = Pick<OptionsApi, 'getSettings' | 'onPolicyChanged'>;

export interface SettingsState {
  /** The last settings read; null until the first read succeeds. */
  answer: SettingsAnswer | null;
  /** Why the last read failed, in plain words (issue 12: never an endless "Loading…"); null when it did not. */
  error: string | null;
  /** Reads again now (the "Try again" button). */
  retry(): void;
}

/**
 * Settings from the worker, fetched again whenever Chrome reports a policy change or the user saved
 * them, with the failure of a read as an error the page shows with "Try again".
 */
export function useSettingsState(api: SettingsSource): SettingsState {
  const [answer, setAnswer] = useState<SettingsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Every change of `read` is one more read; the answer of an older read is dropped, so reads that
  // overlap (a save and a policy change) never leave the older settings on screen. `fresh`: after
  // Chrome reported a policy change, the worker reads the policy again before answering (it may not
  // have handled the same event yet). Once a change was reported every later read is fresh too: a
  // save's read that overtakes the policy change's would otherwise drop it for a stale answer.
  const [read, setRead] = useState({ n: 0, fresh: false });
  const readAgain = useCallback(() => setRead(({ n, fresh }) => ({ n: n + 1, fresh })), []);

  useEffect(() => {
    let live = true;
    api.getSettings(read.fresh).then(
      (next) => {
        if (!live) return;
        setAnswer(next);
        setError(null);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(failureText(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [api, read]);

  useEffect(() => {
    const unsubscribe = api.onPolicyChanged(() => setRead(({ n }) => ({ n: n + 1, fresh: true })));
    window.addEventListener(SETTINGS_CHANGED, readAgain);
    return () => {
      unsubscribe();
      window.removeEventListener(SETTINGS_CHANGED, readAgain);
    };
  }, [api, readAgain]);

  const retry = useCallback(() => {
    setError(null);
    readAgain();
  }, [readAgain]);
  return { answer, error, retry };
}
