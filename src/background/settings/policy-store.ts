import type { ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { type ResolvedSettings, resolveSettings, type Settings } from '../../shared/settings';
import type { KeyValueArea, Platform } from '../platform';

/** How long an empty managed store may still be filling in at browser start-up. */
export const POLICY_GRACE_MS = 1000;
const CHECKED = 'policyChecked';

export interface PolicyStore {
  /** The settings in force; the first call of a browser session waits for the policy (fail-closed). */
  current(): Promise<ResolvedSettings>;
  /** The last settings known in this worker, or null before the first read. */
  peek(): ResolvedSettings | null;
  /** Reads again (after the user changed their own settings). */
  reload(): Promise<ResolvedSettings>;
}

/**
 * Admin policy from chrome.storage.managed merged over the user's settings. Chrome may report an
 * empty managed store just after start-up: the first read of a browser session that finds it empty
 * waits up to POLICY_GRACE_MS for it to change before trusting "no policy". Re-read on every change.
 */
export function createPolicyStore(options: {
  managed: Platform['managed'];
  session: KeyValueArea;
  db: ThreadlineDb;
  logger: Logger;
  onChange?: (settings: ResolvedSettings) => void;
  graceMs?: number;
}): PolicyStore {
  let latest: ResolvedSettings | null = null;
  let loading: Promise<ResolvedSettings> | null = null;
  let changed: (() => void) | null = null;

  const read = async (): Promise<Record<string, unknown>> => options.managed.get().catch(() => ({}));

  const load = async (): Promise<ResolvedSettings> => {
    let policy = await read();
    if (Object.keys(policy).length === 0 && (await options.session.get(CHECKED)) !== true) {
      await new Promise<void>((resolve) => {
        changed = resolve;
        setTimeout(resolve, options.graceMs ?? POLICY_GRACE_MS);
      });
      changed = null;
      policy = await read();
    }
    await options.session.set(CHECKED, true);
    const user = ((await options.db.settings.get('userSettings'))?.value ?? {}) as Partial<Settings>;
    latest = resolveSettings(user, policy);
    if (latest.warnings.length > 0) options.logger.warn('policy.warnings', { count: latest.warnings.length });
    return latest;
  };

  options.managed.onChanged.addListener(() => {
    changed?.();
    loading = load().then((settings) => {
      options.onChange?.(settings);
      return settings;
    });
  });

  return {
    current() {
      loading ??= load();
      return loading;
    },
    peek: () => latest,
    reload() {
      loading = load().then((settings) => {
        options.onChange?.(settings);
        return settings;
      });
      return loading;
    },
  };
}
