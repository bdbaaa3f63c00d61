import { useEffect, useState } from 'preact/hooks';
import type { ResponseOf } from '../shared/protocol';
import type { OptionsApi } from './options-api';

export type SettingsAnswer = ResponseOf<'getSettings'>;
/** Dispatched on window after the user saved settings: every section reads them again. */
export const SETTINGS_CHANGED = 'threadline-settings-changed';

/** Settings from the worker, fetched again whenever Chrome reports a policy change. */
export function useSettings(api: Pick<OptionsApi, 'getSettings' | 'onPolicyChanged'>): SettingsAnswer | null {
  const [answer, setAnswer] = useState<SettingsAnswer | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      void api.getSettings().then((next) => {
        if (live) setAnswer(next);
      });
    load();
    // The worker re-reads the policy on the same event; give it a moment before asking.
    const unsubscribe = api.onPolicyChanged(() => setTimeout(load, 150));
    window.addEventListener(SETTINGS_CHANGED, load);
    return () => {
      live = false;
      unsubscribe();
      window.removeEventListener(SETTINGS_CHANGED, load);
    };
  }, [api]);
  return answer;
}
