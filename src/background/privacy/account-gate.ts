/**
 * The router's account check (issue 14), applied to EVERY message that names a Gmail account before
 * its handler runs: from a Gmail tab (content script or sidebar), the account must be the one
 * pinned to the tab (account-binding.ts) and inside the allowed account domains of the policy in
 * force now; from the options page or the toolbar popup (extension pages, in no Gmail tab), a
 * request that makes Threadline fetch or send for an account (Sync now, Try again) must name an
 * allowed account. Privacy-centre requests (export, delete, audit log, consent) stay open for
 * every account: they are the user's rights over data already stored.
 */
import type { AnyRequest, RequestType, SenderKind } from '../../shared/protocol';
import { accountAllowed, type Settings } from '../../shared/settings';
import type { SenderContext } from '../classify-sender';
import type { AccountBinding } from './account-binding';

/** Asks whether the account is allowed at all: answered (with "no") for an account outside the domains. */
const ASKS_IF_ALLOWED: ReadonlySet<RequestType> = new Set(['hostStatus']);
/** Our own pages outside Gmail: no tab is pinned to an account for them. */
const EXTENSION_PAGES: ReadonlySet<SenderKind> = new Set(['optionsPage', 'popupPage']);
/** Extension-page requests that make the worker talk to the CRM for the account. */
const PAGE_EGRESS: ReadonlySet<RequestType> = new Set(['syncNow', 'retryWrites']);

/** Why the message is refused for its account, or null if it may go to its handler. */
export type AccountGate = (request: AnyRequest, context: SenderContext) => Promise<string | null>;

export function createAccountGate(deps: {
  accounts: AccountBinding;
  settings: () => Promise<{ settings: Settings }>;
}): AccountGate {
  return async (request, context) => {
    if (!('account' in request)) return null;
    const { account } = request;
    // The policy and the tab's pinned account are read together (a woken worker's first message
    // waits for both).
    const allowed = deps.settings().then(({ settings }) => accountAllowed(settings, account));
    allowed.catch(() => undefined); // a failed read refuses below; not an unhandled rejection
    if (EXTENSION_PAGES.has(context.kind)) {
      return PAGE_EGRESS.has(request.type) && !(await allowed) ? 'account not allowed by policy' : null;
    }
    if (context.tabId === null) return 'message needs a tab';
    const verdict = await deps.accounts.check(
      context.tabId,
      account,
      allowed,
      ASKS_IF_ALLOWED.has(request.type),
    );
    return verdict.ok ? null : verdict.reason;
  };
}
