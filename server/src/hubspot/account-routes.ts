/** `GET /crm/v3/owners` and `GET /crm/v3/pipelines/deals` [SPEC, PIPE]. */
import type { FastifyInstance } from 'fastify';
import type { HubspotContext } from './hubspot-context';
import { validationError } from './hubspot-error';
import { requireScopes } from './hubspot-gate';
import { requiredScopes } from './object-types';
import { ACCOUNT_CREATED_MS, HUBSPOT_PIPELINES, listOwners } from './pipelines-and-owners';

export const MAX_OWNERS_LIMIT = 100;

export function registerAccountRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  const created = new Date(ACCOUNT_CREATED_MS).toISOString();

  api.get<{ Querystring: Record<string, string | undefined> }>('/v3/owners', async (request) => {
    requireScopes(ctx.scopes, ['crm.objects.owners.read']);
    const { email, after, archived } = request.query;
    const limit = Number(request.query.limit ?? MAX_OWNERS_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OWNERS_LIMIT)
      throw validationError(`limit must be an integer from 1 to ${MAX_OWNERS_LIMIT}.`);
    if (after !== undefined && !/^\d+$/.test(after))
      throw validationError(`after ${JSON.stringify(after)} is not a valid paging cursor.`);
    // No owner is archived here: `archived=true` lists none.
    const owners =
      archived === 'true'
        ? []
        : listOwners(ctx.db).filter(
            (o) =>
              (email === undefined || o.email.toLowerCase() === email.toLowerCase()) &&
              (after === undefined || Number(o.id) >= Number(after)),
          );
    const next = owners[limit];
    return {
      results: owners.slice(0, limit).map((o) => ({
        id: o.id,
        email: o.email,
        firstName: o.firstName,
        lastName: o.lastName,
        userId: o.userId,
        type: 'PERSON',
        createdAt: created,
        updatedAt: created,
        archived: false,
      })),
      ...(next ? { paging: { next: { after: next.id } } } : {}),
    };
  });

  api.get('/v3/pipelines/deals', async () => {
    requireScopes(ctx.scopes, requiredScopes('deals', 'read'));
    return {
      results: HUBSPOT_PIPELINES.map((p, i) => ({
        id: p.id,
        label: p.label,
        displayOrder: i,
        archived: false,
        createdAt: created,
        updatedAt: created,
        stages: p.stages.map((s, j) => ({
          id: s.id,
          label: s.label,
          displayOrder: j,
          // `probability` is in the spec; `isClosed` is observed [CODE], not in the spec.
          metadata: { probability: s.probability, isClosed: String(s.isClosed) },
          archived: false,
          createdAt: created,
          updatedAt: created,
        })),
      })),
    };
  });
}
