/** The options page's connection: show, test, connect, disconnect; the toolbar popup's overview. */

import { z } from 'zod/mini';
import { isStorageFull } from '../../db/storage-full';
import { lazySchema } from '../../shared/lazy-schema';
import { type ConnectionInfo, CRM_KINDS } from '../../shared/protocol';
import { accountAllowed } from '../../shared/settings';
import { startSyncAlarm } from '../alarms';
import type { Handlers } from '../create-router';
import { CACHE_TABLES } from '../privacy/data-rights/privacy-centre';
import { CRM_DATE_ORDER_SETTING } from '../sync/date-order';
import type { WorkerContext } from '../worker-context';

/** `read`, or — when storage is full and the database cannot be read — `fallback`. */
const whenFull = <T, F>(read: Promise<T>, fallback: () => F | Promise<F>): Promise<T | F> =>
  read.catch((error: unknown) => {
    if (!isStorageFull(error)) throw error;
    return fallback();
  });

type ConnectionHandlers = Pick<
  Handlers,
  'getConnection' | 'testConnection' | 'connect' | 'disconnect' | 'statusOverview' | 'dismissCacheLoss'
>;

/** Two connections reach the same CRM data (then the cache, its ids and its queued writes stay valid). */
type CrmIdentity = Pick<ConnectionInfo, 'kind' | 'baseUrl' | 'accountName'>;
const sameCrm = (a: CrmIdentity, b: CrmIdentity): boolean =>
  a.kind === b.kind &&
  a.baseUrl.replace(/\/+$/, '').toLowerCase() === b.baseUrl.replace(/\/+$/, '').toLowerCase() &&
  a.accountName === b.accountName;

/** storage.local: which CRM was connected last (no key), kept outside the database. */
const LAST_CRM = 'lastConnectedCrm';
const lastCrmSchema = lazySchema(() =>
  z.object({ kind: z.enum(CRM_KINDS), baseUrl: z.string(), accountName: z.string() }),
);
const pick = ({ kind, baseUrl, accountName }: CrmIdentity): CrmIdentity => ({ kind, baseUrl, accountName });

export function createConnectionHandlers(ctx: WorkerContext): ConnectionHandlers {
  const lastConnected = async () => {
    const parsed = lastCrmSchema.safeParse(await ctx.platform.local.get(LAST_CRM));
    return parsed.success ? parsed.data : null;
  };
  const { connection, crm, db } = ctx;
  /**
   * The cache mirrors one CRM: without it, or for another one, it is stale and must not be shown
   * (its ids would even name other records there), nor may its queued writes go to another CRM.
   * What Threadline learned about that CRM's data (the order it writes dates in) goes with it.
   * Consents and the audit log are the user's records, not the CRM's: they stay.
   */
  const forgetCrmData = async (): Promise<void> => {
    await db.transaction('rw', [...CACHE_TABLES.map((table) => db.table(table)), db.settings], async () => {
      for (const table of CACHE_TABLES) await db.table(table).clear();
      await db.settings.delete(CRM_DATE_ORDER_SETTING);
    });
    for (const { account } of await db.accounts.toArray()) ctx.views.accountChanged(account, 'none');
  };
  return {
    getConnection: async () => ({ info: await connection.info(), blocked: await crm.policyBlock() }),
    // The accounts seen in Gmail (an account outside the policy's domains is not Threadline's to
    // show), each with the same status line its sidebars get.
    statusOverview: async () => {
      // Storage full may leave the database unreadable (issue 17): answer with the connection as last
      // read (connection-store.ts), so the popup and the settings page can still say why sync is paused.
      // The paused accounts are known without the database; read only where the database failed.
      let pausedRead: Promise<string[]> | null = null;
      const paused = () => {
        pausedRead ??= ctx.storagePause.all().then((all) => Object.keys(all));
        return pausedRead;
      };
      const [info, blocked, policyState, seen] = await Promise.all([
        whenFull(connection.info(), () => connection.lastKnown()),
        whenFull(crm.policyBlock(), () => null),
        whenFull(ctx.policy.current(), () => ctx.policy.peek()),
        whenFull(db.accounts.toArray(), async () =>
          (await paused()).map((account) => ({ account, lastSeenAt: 0 })),
        ),
      ]);
      // No policy read yet (a worker woken on the full disk): only the paused accounts, each under
      // the admin's account domains read from Chrome's managed store alone; none if it cannot be read.
      const allowed = policyState
        ? (account: string) => accountAllowed(policyState.settings, account)
        : await ctx.policy.managedAccountDomains().then(async (domains) => {
            const pausedNow = new Set(await paused());
            return (account: string) =>
              domains !== null &&
              pausedNow.has(account) &&
              accountAllowed({ allowedAccountDomains: [...domains] }, account);
          });
      const shown = seen.filter((row) => allowed(row.account)).sort((a, b) => b.lastSeenAt - a.lastSeenAt);
      const accounts = await Promise.all(
        shown.map(async ({ account }) => ({ account, status: await ctx.status(account) })),
      );
      const cacheLost = (await ctx.cacheLoss.lostAt()) !== null;
      return { info, blocked, accounts, ...(cacheLost ? { cacheLost } : {}) };
    },
    dismissCacheLoss: async () => {
      await ctx.cacheLoss.dismiss();
      ctx.views.statusChanged();
      return { ok: true };
    },
    testConnection: async (request) => crm.check(request.connection),
    connect: async (request) => {
      const result = await crm.check(request.connection);
      if (!result.ok) return result;
      // After the browser lost the database the saved connection is gone, but the restored outbox
      // (outbox/outbox-mirror.ts) still belongs to the CRM connected before: never send it elsewhere.
      const before = (await connection.info()) ?? (await lastConnected());
      if (before && !sameCrm(before, result.info)) await forgetCrmData();
      await connection.save(result.info, request.connection.apiKey.trim());
      await ctx.platform.local.set(LAST_CRM, pick(result.info));
      crm.connected();
      await startSyncAlarm(ctx.platform.alarms);
      for (const { account } of await db.accounts.toArray()) void ctx.jobs.maybeSync(account, true);
      return result;
    },
    disconnect: async () => {
      await connection.clear();
      await ctx.platform.local.remove(LAST_CRM);
      crm.reset();
      await forgetCrmData();
      await ctx.platform.session.remove('crmHealth');
      crm.reset();
      ctx.views.statusChanged();
      return { ok: true };
    },
  };
}
