/** The Copper personality's API (reference/copper-api.md) under /developer_api/v1. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../route-context';
import { registerAccount } from './account';
import { registerActivities } from './activities';
import { registerCompanies } from './companies';
import { registerLeads } from './leads';
import { registerOpportunities } from './opportunities';
import { registerPeople } from './people';
import { registerRelated } from './related';
import { registerTasks } from './tasks';

export const API_PREFIX = '/developer_api/v1';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export async function registerCopperApi(
  app: FastifyInstance,
  ctx: RouteContext,
  hooks: { gate: Hook; record: Hook | null },
): Promise<void> {
  await app.register(
    async (api) => {
      api.addHook('onRequest', hooks.gate);
      if (hooks.record) api.addHook('preHandler', hooks.record);
      // An unknown path under the API prefix asks for a key first, as every other API request does.
      api.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found' }));
      registerPeople(api, ctx);
      registerCompanies(api, ctx);
      registerLeads(api, ctx);
      registerOpportunities(api, ctx);
      registerActivities(api, ctx);
      registerTasks(api, ctx);
      registerAccount(api, ctx);
      registerRelated(api, ctx);
    },
    { prefix: API_PREFIX },
  );
}
