/**
 * The HubSpot personality's API (reference/hubspot-api.md), at HubSpot's own paths under `/crm`
 * (`/crm/v3/objects/…`, `/crm/v4/objects/…`, `/crm/v3/owners`, `/crm/v3/pipelines/deals`), so a
 * client whose base URL is this server's origin talks to it as it would to https://api.hubapi.com.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CorsHeaders } from '../security/request-guards';
import { registerAccountRoutes } from './account-routes';
import { registerAssociationRoutes } from './association-routes';
import type { HubspotContext } from './hubspot-context';
import { objectNotFound } from './hubspot-error';
import { registerObjectRoutes } from './object-routes';

export const HUBSPOT_PREFIX = '/crm';

export const HUBSPOT_CORS: CorsHeaders = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: [
    'X-HubSpot-RateLimit-Daily',
    'X-HubSpot-RateLimit-Daily-Remaining',
    'X-HubSpot-RateLimit-Interval-Milliseconds',
    'X-HubSpot-RateLimit-Max',
    'X-HubSpot-RateLimit-Remaining',
  ],
};

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export async function registerHubspotApi(
  app: FastifyInstance,
  ctx: HubspotContext,
  hooks: { gate: Hook; record: Hook | null },
): Promise<void> {
  await app.register(
    async (api) => {
      api.addHook('onRequest', hooks.gate);
      if (hooks.record) api.addHook('preHandler', hooks.record);
      // An unknown path under /crm asks for a token first, as every other API request does.
      api.setNotFoundHandler((_request, reply) => reply.status(404).send(objectNotFound().body()));
      // Route paths are declared without the prefix: `/v3/objects/:type` is /crm/v3/objects/:type.
      registerObjectRoutes(api, ctx);
      registerAssociationRoutes(api, ctx);
      registerAccountRoutes(api, ctx);
    },
    { prefix: HUBSPOT_PREFIX },
  );
}
