/** The content script's thread messages: a thread opened or closed, InboxSDK's page world, host status. */
import { logFailure } from '../../shared/logger';
import { accountAllowed } from '../../shared/settings';
import type { Handlers } from '../create-router';
import { autoLog } from '../threads/auto-log';
import { requireTab, type WorkerContext } from '../worker-context';

type ThreadHandlers = Pick<
  Handlers,
  'hostStatus' | 'threadOpened' | 'threadClosed' | 'inboxsdk__injectPageWorld'
>;

/**
 * A thread open's account note and sync check start this long after its view went out, off the
 * sidebar's render of that view: both read the cache (IndexedDB) and storage. Builds taking turns in
 * the browser, 200 warm opens each, p50 / p95 ms: that work and the auto-log pass at once 12.8 / 33.2;
 * both 50 ms later 10.2 / 25.8; this (only the note and sync check later) 10.6 / 31.6. So the p50
 * gain holds; the p95 gain of deferring both is not shown for this form. The auto-log pass does not
 * wait: it reads the messages' bodies from Gmail's page, which has them only while the thread is
 * open; with auto-logging off (the default) it ends at the settings, which are in memory.
 */
export const AFTER_OPEN_DELAY_MS = 50;

/**
 * An account's note and sync check run for at most one thread open in this long. Each reads storage
 * and the cache (four trips to the browser's storage, about a millisecond of the worker's time), and
 * their answers change on a scale of minutes: the note is written once an hour, the cache is stale
 * after SYNC_PERIOD_MINUTES (alarms.ts), whose alarm syncs it anyway. A new worker checks at its
 * first open.
 */
export const AFTER_OPEN_EVERY_MS = 60_000;

/** Runs a thread open's account note and sync check later (tests hold it and let it go). */
export type AfterOpen = (run: () => void) => void;

export const afterOpenDelay: AfterOpen = (run) => void setTimeout(run, AFTER_OPEN_DELAY_MS);

export function createThreadHandlers(
  ctx: WorkerContext,
  afterOpen: AfterOpen = afterOpenDelay,
): ThreadHandlers {
  const { policy, views, logger } = ctx;
  /** When each account's note and sync check were last handed to `afterOpen`, in this worker. */
  const checkedAt = new Map<string, number>();
  const checkDue = (account: string): boolean => {
    const last = checkedAt.get(account);
    const now = ctx.nowMs();
    if (last !== undefined && now >= last && now - last < AFTER_OPEN_EVERY_MS) return false;
    checkedAt.set(account, now);
    return true;
  };
  return {
    hostStatus: async (request, context) => {
      const tabId = requireTab(context.tabId);
      // A thread another page of the tab left open closes before this page's sidebar can ask for the
      // tab's view (the sidebar is made after this answer). A failure to read the tab's state is
      // logged; the page is answered all the same.
      const [{ settings }, left] = await Promise.all([
        policy.current(),
        ctx.store.pageStarted(tabId, context.documentId).catch((error: unknown) => {
          logFailure(logger.warn, 'tabState.pageStartFailed')(error);
          return null;
        }),
      ]);
      if (left) await views.show(tabId, left);
      const enabled = accountAllowed(settings, request.account);
      return {
        enabled,
        contentLevel: settings.emailContentLevel,
        lane: enabled && request.again !== true ? await ctx.lanes.issue(context) : null,
      };
    },
    threadOpened: async (request, context) => {
      const tabId = requireTab(context.tabId);
      const { account, thread } = request;
      // The router refused an account outside the allowed domains, or another than the tab's.
      // ONE view: the cards are built from the cache while the tab's state is saved.
      const outside = await views.opened(
        tabId,
        account,
        thread,
        ctx.store.open(tabId, account, thread, context.documentId),
      );
      void autoLog(
        { ...ctx, settings: () => policy.current(), teammatesOf: ctx.teammates.of },
        account,
        thread,
        outside.map((p) => p.address),
        (threadId, ids) => ctx.readBodies(tabId, threadId, ids),
      )
        .then((queued) => {
          // A count only: tests and diagnostics learn that the pass ended, never what it held.
          logger.debug('autolog.done', { queued });
          return queued > 0 ? ctx.changed(account) : undefined;
        })
        .catch(logFailure(logger.error, 'autolog.failed'));
      if (checkDue(account)) {
        afterOpen(() => {
          void ctx.jobs
            .noteAccount(account)
            .then(() => ctx.jobs.maybeSync(account))
            .catch(logFailure(logger.error, 'sync.failed'));
        });
      }
      return { ok: true };
    },
    threadClosed: async (request, context) => {
      const tabId = requireTab(context.tabId);
      const state = await ctx.store.close(tabId, request.account, request.threadId, context.documentId);
      if (state) await views.show(tabId, state);
      return { ok: true };
    },
    inboxsdk__injectPageWorld: async (_request, context) => {
      await ctx.platform.injectPageWorld({
        tabId: requireTab(context.tabId),
        documentId: context.documentId,
        frameId: context.frameId,
      });
      return true;
    },
  };
}
