import type { ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { type ResolvedSettings, resolveSettings, type Settings } from '../../shared/settings';
import type { KeyValueArea, Platform } from '../platform';

/** How long an empty managed store may still be filling in at browser start-up. */
export const POLICY_GRACE_MS = 1000;
const CHECKED = 'policyChecked';
/** The last policy read successfully, kept in the worker's database: a failed read falls back to it. */
const LAST_KNOWN = 'lastKnownPolicy';

/** The settings in force, and whether Chrome's managed store could be read this time. */
export interface PolicyState extends ResolvedSettings {
  /**
   * True when `storage.managed` could not be read: the last known policy stays in force, and no
   * data read from Gmail may leave (the egress gate refuses it) until a read succeeds again.
   */
  readFailed: boolean;
}

export interface PolicyStore {
  /** The settings in force; the first call of a browser session waits for the policy (fail-closed). */
  current(): Promise<PolicyState>;
  /** The last settings known in this worker, or null before the first read. */
  peek(): PolicyState | null;
  /** Reads again (after the user changed their own settings). */
  reload(): Promise<PolicyState>;
  /**
   * The admin's allowed account domains from Chrome's managed store alone (they are never the
   * user's to set), for when the database cannot be read: a worker woken on a full disk has no
   * policy yet. Null when the store cannot be read, or is empty before this browser session has
   * seen it filled in (fail-closed, as `current()`).
   */
  managedAccountDomains(): Promise<readonly string[] | null>;
}

const READ_FAILED_WARNING =
  "Chrome could not read your administrator's policy: the last known policy stays in force, and nothing read from Gmail is sent until it can be read.";

/**
 * Admin policy from chrome.storage.managed merged over the user's settings. Chrome may report an
 * empty managed store just after start-up: the first read of a browser session that finds it empty
 * waits up to POLICY_GRACE_MS for it to change before trusting "no policy". Re-read on every change.
 * Fail-closed: a read that throws is never taken as "no policy". The last policy read successfully
 * (kept in the database, so a restarted worker or browser still has it) stays in force, the state
 * says `readFailed`, and the next `current()` tries again.
 */
export function createPolicyStore(options: {
  managed: Platform['managed'];
  session: KeyValueArea;
  db: ThreadlineDb;
  logger: Logger;
  onChange?: (settings: PolicyState) => void;
  graceMs?: number;
}): PolicyStore {
  let latest: PolicyState | null = null;
  let loading: Promise<PolicyState> | null = null;
  let changed: (() => void) | null = null;
  let retrying: Promise<PolicyState> | null = null;

  type Read = { ok: true; policy: Record<string, unknown> } | { ok: false };
  const read = async (): Promise<Read> => {
    try {
      const policy = await options.managed.get();
      // Anything but a plain object is a failed read, not "no policy".
      if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return { ok: false };
      return { ok: true, policy };
    } catch {
      return { ok: false };
    }
  };

  /** The user's settings and the last policy read, in one read. */
  const rows = () => options.db.settings.bulkGet(['userSettings', LAST_KNOWN]);

  const load = async (): Promise<PolicyState> => {
    // The managed store, the session's note and the database are read together: a woken worker
    // waits on this before its first answer, so it waits for the slowest of the three, not the sum.
    const first = rows();
    first.catch(() => undefined);
    let [answer, checked] = await Promise.all([read(), options.session.get(CHECKED).catch(() => false)]);
    let [userRow, knownRow] = await first;
    if (answer.ok && Object.keys(answer.policy).length === 0 && checked !== true) {
      await new Promise<void>((resolve) => {
        changed = resolve;
        setTimeout(resolve, options.graceMs ?? POLICY_GRACE_MS);
      });
      changed = null;
      answer = await read();
      [userRow, knownRow] = await rows();
    }
    // The policy's copy is written only when it changed; the once-per-session note is not waited
    // for (lost, it costs one more grace wait at the next start-up).
    const known = knownRow?.value;
    let policy: Record<string, unknown>;
    if (answer.ok) {
      void options.session.set(CHECKED, true).catch(() => options.logger.warn('policy.noteFailed', {}));
      // Waited for when the policy changed (rare): a restart whose read then fails must find it.
      if (JSON.stringify(known) !== JSON.stringify(answer.policy))
        await options.db.settings
          .put({ name: LAST_KNOWN, value: answer.policy })
          .catch(() => options.logger.warn('policy.saveFailed', {}));
      policy = answer.policy;
    } else {
      policy = typeof known === 'object' && known !== null ? (known as Record<string, unknown>) : {};
      options.logger.warn('policy.readFailed', {});
    }
    const user = (userRow?.value ?? {}) as Partial<Settings>;
    const resolved = resolveSettings(user, policy);
    latest = {
      ...resolved,
      warnings: answer.ok ? resolved.warnings : [READ_FAILED_WARNING, ...resolved.warnings],
      readFailed: !answer.ok,
    };
    if (latest.warnings.length > 0) options.logger.warn('policy.warnings', { count: latest.warnings.length });
    return latest;
  };

  /**
   * Makes `started` the load `current()` answers with. One that fails (a woken worker whose database
   * a full disk keeps closed) is not kept: the next call reads again, so the worker recovers once
   * space returns.
   */
  const track = (started: Promise<PolicyState>): Promise<PolicyState> => {
    loading = started;
    started.catch(() => {
      if (loading === started) loading = null;
    });
    return started;
  };

  const reload = (): Promise<PolicyState> =>
    track(
      load().then((settings) => {
        options.onChange?.(settings);
        return settings;
      }),
    );

  options.managed.onChanged.addListener(() => {
    changed?.();
    reload().catch(() => options.logger.warn('policy.loadFailed', {}));
  });

  return {
    current() {
      if (!loading) return track(load());
      const before = loading;
      // A failed read is tried again on the next use (one retry at a time); until a read succeeds,
      // the last known policy holds and `readFailed` keeps Gmail data in.
      if (latest?.readFailed === true && retrying === null) {
        retrying = load()
          .then((next) => {
            // Unless a reload (a policy change) started meanwhile: its answer is newer.
            if (loading === before) loading = Promise.resolve(next);
            if (!next.readFailed) options.onChange?.(next);
            return next;
          })
          .finally(() => {
            retrying = null;
          });
      }
      return retrying ?? before;
    },
    peek: () => latest,
    reload,
    async managedAccountDomains() {
      const [answer, checked] = await Promise.all([read(), options.session.get(CHECKED).catch(() => false)]);
      // An empty store is "no policy" only once this browser session has seen it filled in.
      if (!answer.ok || (Object.keys(answer.policy).length === 0 && checked !== true)) return null;
      return resolveSettings({}, answer.policy).settings.allowedAccountDomains;
    },
  };
}
