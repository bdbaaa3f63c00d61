/**
 * The welcome page (src/welcome/) opens once, on first install, to walk the user through connecting
 * a CRM. It is not opened on an update or a browser update, nor when an admin policy already chose
 * the CRM (CrmKind): a managed user has nothing to choose there.
 *
 * `runtime.onInstalled` with reason "install" fires once per install; the outcome is also kept in
 * storage.session, so a second event in the same session (which Chrome does not send, but a
 * re-registered listener could see) never opens a second tab, and so browser tests can wait for
 * the decision instead of for a time.
 */
import { errorName, type Logger } from '../shared/logger';
import type { KeyValueArea } from './platform';
import type { PolicyStore } from './settings/policy-store';

export const WELCOME_PAGE = 'src/welcome/index.html';
/** storage.session key: 'opened', 'skipped' or 'failed' once the install was handled. */
export const WELCOME_STATE = 'welcome';

export type WelcomeOutcome = 'opened' | 'skipped' | 'failed' | 'notInstall';

export interface WelcomeDeps {
  extensionOrigin: string;
  openTab(url: string): Promise<void>;
  policy: Pick<PolicyStore, 'current'>;
  session: KeyValueArea;
  logger: Logger;
}

/** Never rejects: a storage or policy read that fails is logged, and the settings page still connects. */
export function openWelcomeOnInstall(
  details: { reason: string },
  deps: WelcomeDeps,
): Promise<WelcomeOutcome> {
  return decide(details, deps).catch((error: unknown) => {
    deps.logger.warn('welcome.failed', { error: errorName(error) });
    return 'failed' as const;
  });
}

async function decide(details: { reason: string }, deps: WelcomeDeps): Promise<WelcomeOutcome> {
  if (details.reason !== 'install') return 'notInstall';
  if ((await deps.session.get(WELCOME_STATE)) !== undefined) return 'skipped';
  const { locked } = await deps.policy.current();
  if (locked.includes('crmKind')) {
    await deps.session.set(WELCOME_STATE, 'skipped');
    deps.logger.info('welcome.skipped', { reason: 'policyCrm' });
    return 'skipped';
  }
  try {
    await deps.openTab(`${deps.extensionOrigin}${WELCOME_PAGE}`);
  } catch {
    // No window to open it in (a headless or closing browser): the settings page still connects.
    await deps.session.set(WELCOME_STATE, 'failed');
    deps.logger.warn('welcome.failed', {});
    return 'failed';
  }
  await deps.session.set(WELCOME_STATE, 'opened');
  deps.logger.info('welcome.opened', {});
  return 'opened';
}
