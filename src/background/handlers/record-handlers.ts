/**
 * The sidebar's thread and record writes (link, log, notes, tasks, deals) and the content script's
 * inbox and compose messages. The commands themselves live in `threads/thread-commands.ts`.
 */
import type { SenderContext } from '../classify-sender';
import type { Handlers } from '../create-router';
import { createRowBadges } from '../read-models/row-badges';
import { tabAccount, type WorkerContext } from '../worker-context';

type RecordHandlers = Pick<
  Handlers,
  | 'linkThread'
  | 'unlinkThread'
  | 'logThread'
  | 'addNote'
  | 'createTask'
  | 'setTaskStatus'
  | 'createDeal'
  | 'updateDeal'
  | 'rowBadges'
  | 'composeDefaults'
  | 'composeSent'
>;

export function createRecordHandlers(ctx: WorkerContext): RecordHandlers {
  const { commands } = ctx;
  const rowBadges = createRowBadges(ctx.db, ctx.views.versionOf);
  /** A sidebar request about its own tab's account: refused for any other account. */
  const fromTab =
    <R extends { account: string }, A>(handler: (request: R, tabId: number | null) => Promise<A>) =>
    async (request: R, context: SenderContext): Promise<A> => {
      await tabAccount(ctx, context.tabId, request.account);
      return handler(request, context.tabId);
    };
  return {
    linkThread: fromTab(commands.linkThread),
    unlinkThread: fromTab(commands.unlinkThread),
    logThread: fromTab(commands.logThread),
    addNote: fromTab(commands.addNote),
    createTask: fromTab(commands.createTask),
    setTaskStatus: fromTab(commands.setTaskStatus),
    createDeal: fromTab(commands.createDeal),
    updateDeal: fromTab(commands.updateDeal),
    // The router already refused another account than the tab's, or one the policy does not allow.
    rowBadges: async (request) => rowBadges(request, await ctx.teammates.of(request.account)),
    composeDefaults: (request) => commands.composeDefaults(request),
    composeSent: (request) => commands.composeSent(request),
  };
}
