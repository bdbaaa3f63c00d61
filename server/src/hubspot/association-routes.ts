/**
 * v4 associations [SPEC]: `PUT …/associations/default/{toType}/{toId}` (200), `PUT
 * …/associations/{toType}/{toId}` with a list of types (201), `GET …/associations/{toType}`
 * (`limit` ≤ 500, `after`). `toObjectId` is a number in replies, as observed [CODE]. Reading needs
 * the from-object's read scope and writing its write scope (unconfirmed: HubSpot may also ask for
 * the other object's). Bodies beyond the reference's fields are unconfirmed.
 */
import type { FastifyInstance } from 'fastify';
import { ASSOCIATION_TYPES, associationType, defaultAssociationType } from './association-types';
import type { HubspotContext } from './hubspot-context';
import { objectNotFound, validationError } from './hubspot-error';
import { requireScopes } from './hubspot-gate';
import type { HsObject } from './hubspot-store';
import { objectTypeOf } from './object-routes';
import { OBJECT_TYPE_IDS, type ObjectType, requiredScopes } from './object-types';

export const MAX_ASSOCIATION_LIMIT = 500;

type Pair = { fromType: string; fromId: string; toType: string; toId: string };

function live(ctx: HubspotContext, type: ObjectType, id: string): HsObject {
  const found = /^\d{1,15}$/.test(id) ? ctx.store.get(type, Number(id)) : undefined;
  if (!found || found.archived) throw objectNotFound();
  return found;
}

export function registerAssociationRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  const ends = (params: Pair, access: 'read' | 'write') => {
    const fromType = objectTypeOf(params.fromType);
    const toType = objectTypeOf(params.toType);
    requireScopes(ctx.scopes, requiredScopes(fromType, access));
    return { fromType, toType, from: live(ctx, fromType, params.fromId), to: live(ctx, toType, params.toId) };
  };

  api.put<{ Params: Pair }>(
    '/v4/objects/:fromType/:fromId/associations/default/:toType/:toId',
    async (request) => {
      const { fromType, toType, from, to } = ends(request.params, 'write');
      const type = defaultAssociationType(fromType, toType);
      if (!type) throw validationError(`There is no default association from ${fromType} to ${toType}.`);
      const startedAt = new Date(ctx.nowMs()).toISOString();
      ctx.store.associate(fromType, from.id, toType, to.id, type.id);
      const spec = (id: number) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: id });
      return {
        status: 'COMPLETE',
        results: [
          { from: { id: String(from.id) }, to: { id: String(to.id) }, associationSpec: spec(type.id) },
          { from: { id: String(to.id) }, to: { id: String(from.id) }, associationSpec: spec(type.reverse) },
        ],
        startedAt,
        completedAt: new Date(ctx.nowMs()).toISOString(),
      };
    },
  );

  api.put<{ Params: Pair }>(
    '/v4/objects/:fromType/:fromId/associations/:toType/:toId',
    async (request, reply) => {
      const { fromType, toType, from, to } = ends(request.params, 'write');
      const body = request.body;
      if (!Array.isArray(body) || body.length === 0)
        throw validationError(
          'Invalid input JSON: the body must be a list of {associationCategory, associationTypeId}.',
        );
      const types = (body as { associationCategory?: unknown; associationTypeId?: unknown }[]).map((spec) => {
        const type = associationType(Number(spec?.associationTypeId));
        if (
          !type ||
          type.from !== fromType ||
          type.to !== toType ||
          spec.associationCategory !== 'HUBSPOT_DEFINED'
        )
          throw validationError(
            `${String(spec?.associationCategory)} ${String(spec?.associationTypeId)} is not a valid association type from ${fromType} to ${toType}.`,
          );
        return type;
      });
      ctx.store.transaction(() => {
        for (const type of types) ctx.store.associate(fromType, from.id, toType, to.id, type.id);
      });
      reply.status(201);
      return {
        fromObjectTypeId: OBJECT_TYPE_IDS[fromType],
        fromObjectId: from.id,
        toObjectTypeId: OBJECT_TYPE_IDS[toType],
        toObjectId: to.id,
        labels: types.flatMap((t) => (t.label ? [t.label] : [])),
      };
    },
  );

  api.get<{
    Params: { fromType: string; fromId: string; toType: string };
    Querystring: Record<string, string | undefined>;
  }>('/v4/objects/:fromType/:fromId/associations/:toType', async (request) => {
    const fromType = objectTypeOf(request.params.fromType);
    const toType = objectTypeOf(request.params.toType);
    requireScopes(ctx.scopes, requiredScopes(fromType, 'read'));
    const from = live(ctx, fromType, request.params.fromId);
    const limit = Number(request.query.limit ?? MAX_ASSOCIATION_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ASSOCIATION_LIMIT)
      throw validationError(`limit must be an integer from 1 to ${MAX_ASSOCIATION_LIMIT}.`);
    const after = request.query.after;
    if (after !== undefined && !/^\d+$/.test(after))
      throw validationError(`after ${JSON.stringify(after)} is not a valid paging cursor.`);
    const rows = ctx.store
      .associations(from.id, toType)
      .filter((row) => after === undefined || row.toId >= Number(after));
    const next = rows[limit];
    return {
      results: rows.slice(0, limit).map((row) => ({
        toObjectId: row.toId,
        associationTypes: row.typeIds.map((id) => {
          const type = ASSOCIATION_TYPES.find((t) => t.id === id);
          return { category: 'HUBSPOT_DEFINED', typeId: id, label: type?.label ?? null };
        }),
      })),
      ...(next ? { paging: { next: { after: String(next.toId) } } } : {}),
    };
  });
}
