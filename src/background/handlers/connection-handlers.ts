/** The options page's connection: show, test, connect, disconnect; the toolbar popup's overview. */

import { accountAllowed } from '../../shared/settings';
import { startSyncAlarm } from '../alarms';
import type { Handlers } from '../create-router';
import { CACHE_TABLES } from '../privacy/data-rights/privacy-centre';
import type { WorkerContext } from '../worker-context';

type ConnectionHandlers = Pick<
  Handlers,
  'getConnection' | 'testConnection' | 'connect' | 'disconnect' | 'statusOverview'
>;

export function createConnectionHandlers(ctx: WorkerContext): ConnectionHandlers {
  const { connection, crm, db } = ctx;
  return {
    getConnection: async () => ({ info: await connection.info(), blocked: await crm.policyBlock() }),
    // The accounts seen in Gmail (an account outside the policy's domains is not Threadline's to
    // show), each with the same status line its sidebars get.
    statusOverview: async () => {
      const [info, blocked, { settings }, seen] = await Promise.all([
        connection.info(),
        crm.policyBlock(),
        ctx.policy.current(),
        db.accounts.toArray(),
      ]);
      const shown = seen
        .filter((row) => accountAllowed(settings, row.account))
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt);
      const accounts = await Promise.all(
        shown.map(async ({ account }) => ({ account, status: await ctx.status(account) })),
      );
      return { info, blocked, accounts };
    },
    testConnection: async (request) => crm.check(request.connection),
    connect: async (request) => {
      const result = await crm.check(request.connection);
      if (!result.ok) return result;
      await connection.save(result.info, request.connection.apiKey.trim());
      crm.connected();
      await startSyncAlarm(ctx.platform.alarms);
      for (const { account } of await db.accounts.toArray()) void ctx.jobs.maybeSync(account, true);
      return result;
    },
    disconnect: async () => {
      await connection.clear();
      crm.reset();
      // The cache mirrors that CRM: without the connection it is stale and must not be shown.
      // Consents and the audit log are the user's records, not the CRM's: they stay.
      await db.transaction(
        'rw',
        CACHE_TABLES.map((table) => db.table(table)),
        async () => {
          for (const table of CACHE_TABLES) await db.table(table).clear();
        },
      );
      await ctx.platform.session.remove('crmHealth');
      crm.reset();
      for (const { account } of await db.accounts.toArray()) ctx.views.accountChanged(account, 'none');
      ctx.views.statusChanged();
      return { ok: true };
    },
  };
}
