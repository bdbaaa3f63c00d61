/**
 * v4 associations [SPEC]: `PUT …/associations/default/{toType}/{toId}` (200), `PUT
 * …/associations/{toType}/{toId}` with a list of types (201), `GET …/associations/{toType}`
 * (`limit` ≤ 500, `after`), and the batch read `POST /crm/v4/associations/{from}/{to}/batch/read`
 * [BATCH-ASSOC]. `toObjectId` is a number in replies, as observed [CODE]. Reading needs the
 * from-object's read scope and writing its write scope (unconfirmed: HubSpot may also ask for the
 * other object's). Bodies beyond the reference's fields are unconfirmed.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ASSOCIATION_TYPES, associationType, defaultAssociationType } from './association-types';
import type { HubspotContext } from './hubspot-context';
import { objectNotFound, validationError } from './hubspot-error';
import { requireScopes } from './hubspot-gate';
import type { HsObject } from './hubspot-store';
import { objectTypeOf } from './object-routes';
import { OBJECT_TYPE_IDS, type ObjectType, requiredScopes, SINGULAR } from './object-types';

export const MAX_ASSOCIATION_LIMIT = 500;
/**
 * Batch read: inputs per request. The reference does not give HubSpot's maximum (unconfirmed):
 * 100, like the object batch endpoints, so a client that keeps to it works whatever the real cap is.
 */
export const MAX_ASSOCIATION_BATCH_INPUTS = 100;
/** Batch read: associations per id per page (unconfirmed; the single read's maximum). */
export const ASSOCIATION_BATCH_PAGE = MAX_ASSOCIATION_LIMIT;

/**
 * The documented body [BATCH-ASSOC]; any other field is refused as the search body's are
 * ("Invalid input JSON", unconfirmed wording).
 */
const batchReadShape = z.strictObject({
  inputs: z.array(z.strictObject({ id: z.string(), after: z.string().optional() })),
});

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

  /**
   * Batch read [BATCH-ASSOC]: each input's associations, a page of them per id, with `paging.next.after`
   * only when that id has more ("The 'paging' field will only be present if there are more pages").
   * An id that does not exist (or is archived) or has no association of `toType` is left out of
   * `results` and named in `errors` with a 207: which of the two readings HubSpot takes (207 with
   * errors, or simply absent) is unconfirmed, and the error's wording is this server's.
   */
  api.post<{ Params: { fromType: string; toType: string } }>(
    '/v4/associations/:fromType/:toType/batch/read',
    async (request, reply) => {
      const fromType = objectTypeOf(request.params.fromType);
      const toType = objectTypeOf(request.params.toType);
      requireScopes(ctx.scopes, requiredScopes(fromType, 'read'));
      const parsed = batchReadShape.safeParse(request.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? issue.path.join('.') : '';
        throw validationError(
          `Invalid input JSON: ${where ? `${where}: ` : ''}${issue?.message ?? 'not valid'}`,
        );
      }
      const { inputs } = parsed.data;
      if (inputs.length > MAX_ASSOCIATION_BATCH_INPUTS)
        throw validationError(
          `Too many inputs: ${inputs.length}. A batch takes at most ${MAX_ASSOCIATION_BATCH_INPUTS}.`,
        );
      const startedAt = new Date(ctx.nowMs()).toISOString();
      const results: Record<string, unknown>[] = [];
      const missing: string[] = [];
      for (const input of inputs) {
        if (input.after !== undefined && !/^\d+$/.test(input.after))
          throw validationError(`after ${JSON.stringify(input.after)} is not a valid paging cursor.`);
        const id = /^\d{1,15}$/.test(input.id) ? Number(input.id) : null;
        const from = id === null ? undefined : ctx.store.get(fromType, id);
        const rows =
          from && !from.archived
            ? ctx.store
                .associations(from.id, toType)
                .filter((row) => input.after === undefined || row.toId >= Number(input.after))
            : [];
        if (rows.length === 0) {
          missing.push(input.id);
          continue;
        }
        const next = rows[ASSOCIATION_BATCH_PAGE];
        results.push({
          from: { id: input.id },
          to: rows.slice(0, ASSOCIATION_BATCH_PAGE).map((row) => ({
            toObjectId: row.toId,
            associationTypes: row.typeIds.map((typeId) => ({
              category: 'HUBSPOT_DEFINED',
              typeId,
              label: associationType(typeId)?.label ?? null,
            })),
          })),
          ...(next ? { paging: { next: { after: String(next.toId) } } } : {}),
        });
      }
      const done = {
        status: 'COMPLETE',
        results,
        startedAt,
        completedAt: new Date(ctx.nowMs()).toISOString(),
      };
      if (missing.length === 0) return done;
      reply.status(207);
      return {
        ...done,
        numErrors: missing.length,
        errors: missing.map((id) => ({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `No ${SINGULAR[toType]} is associated with ${SINGULAR[fromType]} ${id}.`,
          context: { fromObjectId: [id] },
        })),
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
