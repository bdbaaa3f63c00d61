/** The benchmark's messaging floor: echo a constant to the tab's sidebar, doing nothing else. */
import type { Handlers } from '../create-router';
import { requireTab, type WorkerContext } from '../worker-context';

export function createBenchHandlers(ctx: WorkerContext): Pick<Handlers, 'benchPing'> {
  return {
    benchPing: async (request, context) => {
      ctx.hub.send(requireTab(context.tabId), { type: 'benchPong', seq: request.seq });
      return { ok: true };
    },
  };
}
