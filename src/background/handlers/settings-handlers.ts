/** Settings (read, and the user's own where policy leaves them free), sync now, retry failed writes. */
import type { Handlers } from '../create-router';
import { t } from '../i18n';
import { tabAccount, type WorkerContext } from '../worker-context';

type SettingsHandlers = Pick<Handlers, 'getSettings' | 'setUserSettings' | 'syncNow' | 'retryWrites'>;

export function createSettingsHandlers(ctx: WorkerContext): SettingsHandlers {
  const { policy, db } = ctx;
  return {
    getSettings: async (request) => {
      const { settings, locked, warnings } = await (request.fresh ? policy.reload() : policy.current());
      return { settings: { ...settings }, locked, warnings };
    },
    setUserSettings: async (request) => {
      const { locked } = await policy.current();
      const refused = Object.keys(request.patch).filter((k) => locked.includes(k as never));
      if (refused.length > 0) return { ok: false, error: t('errManagedSetting') };
      const current = ((await db.settings.get('userSettings'))?.value ?? {}) as Record<string, unknown>;
      await db.settings.put({ name: 'userSettings', value: { ...current, ...request.patch } });
      await policy.reload();
      for (const { account } of await db.accounts.toArray()) ctx.views.accountChanged(account, 'none');
      return { ok: true };
    },
    syncNow: async (request) => {
      void ctx.jobs.maybeSync(request.account, true);
      return { ok: true };
    },
    retryWrites: async (request, context) => {
      // The sidebar asks for its own tab's account; the popup is in no Gmail tab (the router's
      // account gate checks the account it names against the policy).
      if (context.kind !== 'popupPage') await tabAccount(ctx, context.tabId, request.account);
      await ctx.outbox.retryDead(request.account);
      await ctx.changed(request.account);
      return { ok: true };
    },
  };
}
