/** Consent, the privacy centre (overview, audit log, export, delete). */
import { deleteAccountRows } from '../../db/account-rows';
import type { Handlers } from '../create-router';
import { t } from '../i18n';
import { GMAIL_DATA_OPS } from '../outbox/outbox';
import { tabAccount, type WorkerContext } from '../worker-context';

type PrivacyHandlers = Pick<
  Handlers,
  'grantConsent' | 'withdrawConsent' | 'privacyOverview' | 'auditLog' | 'exportData' | 'deleteData'
>;

export function createPrivacyHandlers(ctx: WorkerContext): PrivacyHandlers {
  const { consent, outbox } = ctx;
  return {
    grantConsent: async (request, context) => {
      if (context.kind === 'sidebarPage') await tabAccount(ctx, context.tabId, request.account);
      try {
        await consent.grant(request.account, 'emailLogging', request);
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : t('errConsentNotSaved') };
      }
      // Writes held back for want of consent may go now.
      await outbox.retryDead(request.account, 'consentRequired');
      await ctx.changed(request.account);
      return { ok: true };
    },
    withdrawConsent: async (request, context) => {
      if (context.kind === 'sidebarPage') await tabAccount(ctx, context.tabId, request.account);
      await consent.withdraw(request.account, 'emailLogging');
      // Stops at once: queued transfers of Gmail data wait, visibly, until consent is given again.
      await outbox.hold(request.account, GMAIL_DATA_OPS, 'consentRequired');
      ctx.views.accountChanged(request.account, 'none');
      return { ok: true };
    },
    privacyOverview: async () => ctx.privacy.overview(),
    auditLog: async (request) => ({
      rows: (
        await ctx.audit.list(request.account, {
          ...(request.purpose ? { purpose: request.purpose } : {}),
          ...(request.from === undefined ? {} : { from: request.from }),
          ...(request.to === undefined ? {} : { to: request.to }),
        })
      ).map(({ account: _a, seq: _s, ...row }) => row),
    }),
    exportData: async (request) => ({ json: await ctx.privacy.exportData(request.account) }),
    deleteData: async (request) => {
      await deleteAccountRows(ctx.db, request.account);
      ctx.teammates.forget(request.account);
      ctx.views.accountChanged(request.account, 'none');
      return { ok: true };
    },
  };
}
