/**
 * Which Gmail account each tab speaks for. The account a content script reports comes from Gmail's
 * page, and any script in the page's main world can change what the page says (issue 14). So the
 * worker pins a tab's account at its first contact and refuses every later message from that tab
 * (content script or sidebar) that names another account; a tab keeps its account until it closes.
 * Every message is also checked against the allowed account domains of the policy in force now.
 * The router applies this to every message that names an account, so no handler can forget it.
 *
 * Pins live in `storage.session` (a restarted worker keeps them; the browser's end clears them).
 * What this cannot do: tell which account is really signed in when the FIRST contact is already
 * forged. The allowed account domains still bound that case: an account outside them gets nothing.
 */
import type { KeyValueArea } from '../platform';
import { serialPerKey } from '../serial-per-key';

export type AccountVerdict =
  | { ok: true }
  | { ok: false; reason: 'another account than the tab' | 'account not allowed by policy' };

export interface AccountBinding {
  /**
   * Pins `account` to the tab if it has none yet, then checks it. `mayBeOutside`: the message only
   * asks whether the account is allowed (hostStatus), so an account outside the domains is answered.
   */
  check(
    tabId: number,
    account: string,
    allowed: boolean | Promise<boolean>,
    mayBeOutside: boolean,
  ): Promise<AccountVerdict>;
  /** The tab closed: its next page may be another account. */
  forget(tabId: number): Promise<void>;
}

const key = (tabId: number) => `accountOfTab:${tabId}`;

export function createAccountBinding(session: KeyValueArea): AccountBinding {
  // Pinning is a read-then-write: one at a time per tab, so two first messages cannot both pin.
  const pins = serialPerKey<number>();
  // A pin never changes until its tab closes: this worker keeps the ones it has seen, so a message
  // costs no storage read on the hot path (a restarted worker reads them back from the session).
  const known = new Map<number, string>();
  return {
    check: (tabId, account, allowed, mayBeOutside) =>
      pins.run(tabId, async () => {
        const wanted = account.trim().toLowerCase();
        const pinned = known.get(tabId) ?? (await session.get(key(tabId)));
        if (typeof pinned === 'string') {
          known.set(tabId, pinned);
          if (pinned !== wanted) return { ok: false, reason: 'another account than the tab' };
        } else {
          await session.set(key(tabId), wanted);
          known.set(tabId, wanted);
        }
        if (!(await allowed) && !mayBeOutside) return { ok: false, reason: 'account not allowed by policy' };
        return { ok: true };
      }),
    forget: (tabId) =>
      pins.run(tabId, () => {
        known.delete(tabId);
        return session.remove(key(tabId));
      }),
  };
}
