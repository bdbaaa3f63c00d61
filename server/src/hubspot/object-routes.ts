/**
 * `/crm/v3/objects/{type}`: create (with inline associations), read by id (`properties`,
 * `associations`, `archived`, `idProperty=email` for contacts), batch read, update, archive, list and
 * search, for the six objects of reference/hubspot-api.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ASSOCIATION_TYPES, type AssociationType, associationType } from './association-types';
import type { HubspotContext } from './hubspot-context';
import { contactExists, HubspotError, objectNotFound, validationError } from './hubspot-error';
import { requireScopes } from './hubspot-gate';
import type { HsObject } from './hubspot-store';
import {
  isObjectType,
  OBJECT_TYPES,
  type ObjectType,
  REQUIRED,
  requiredScopes,
  SINGULAR,
} from './object-types';
import { listOwners } from './pipelines-and-owners';
import { applyWrite, invalidProperties, propertyNames, serialise } from './property-values';
import { runHubspotSearch } from './run-hubspot-search';

export const MAX_LIST_LIMIT = 100;
export const MAX_BATCH_INPUTS = 100;

type Query = Record<string, string | string[] | undefined>;

/** `properties=a,b` or `properties=a&properties=b`. */
export function listParam(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const booleanParam = (query: Query, name: string): boolean => {
  const raw = query[name];
  return (Array.isArray(raw) ? raw[0] : raw) === 'true';
};

const textParam = (query: Query, name: string): string | undefined => {
  const raw = query[name];
  return Array.isArray(raw) ? raw[0] : raw;
};

/** The object type in the path. Wording and status for an unknown one are unconfirmed. */
export function objectTypeOf(name: string): ObjectType {
  if (!isObjectType(name))
    throw new HubspotError(400, `Unable to infer object type from: ${name}`, 'VALIDATION_ERROR');
  return name;
}

/** v3 association names: `contact_to_company`; the unlabelled twin of a primary type adds `_unlabeled` (unconfirmed). */
function v3TypeName(type: AssociationType): string {
  const base = `${SINGULAR[type.from]}_to_${SINGULAR[type.to]}`;
  const hasPrimary = ASSOCIATION_TYPES.some(
    (t) => t.from === type.from && t.to === type.to && t.label === 'Primary',
  );
  return type.isDefault && hasPrimary ? `${base}_unlabeled` : base;
}

export function associationsOf(
  ctx: HubspotContext,
  object: HsObject,
  toTypes: readonly string[] | undefined,
) {
  if (!toTypes) return undefined;
  const out: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const toType of new Set(toTypes)) {
    if (!isObjectType(toType)) continue;
    const results = ctx.store.associations(object.id, toType).flatMap((row) =>
      row.typeIds.flatMap((id) => {
        const type = associationType(id);
        return type ? [{ id: String(row.toId), type: v3TypeName(type) }] : [];
      }),
    );
    if (results.length > 0) out[toType] = { results };
  }
  return out;
}

const digits = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

/**
 * Finds a record by id (or, for contacts, by e-mail with `idProperty=email`). `archived` asks for an
 * archived record instead of a live one. Another `idProperty` than a unique one is refused (unconfirmed wording).
 */
function lookUp(
  ctx: HubspotContext,
  type: ObjectType,
  id: string,
  idProperty: string | undefined,
  archived: boolean,
): HsObject | undefined {
  if (idProperty !== undefined && idProperty !== 'hs_object_id') {
    if (type !== 'contacts' || idProperty !== 'email')
      throw validationError(`${idProperty} is not a unique property of ${type}; it cannot be an idProperty.`);
    if (archived) return undefined;
    // The primary address only: whether HubSpot also finds a contact by a secondary one is unconfirmed
    // (the reference's way to those is a search on hs_additional_emails).
    return ctx.store.contactByEmail(id);
  }
  const n = digits(id);
  const found = n === null ? undefined : ctx.store.get(type, n);
  return found && found.archived === archived ? found : undefined;
}

const writeContext = (ctx: HubspotContext) => ({ ownerIds: new Set(listOwners(ctx.db).map((o) => o.id)) });

function checkRequired(type: ObjectType, properties: Record<string, string>): void {
  const missing = REQUIRED[type].filter((name) => properties[name] === undefined);
  if (type === 'companies' && properties.name === undefined && properties.domain === undefined)
    missing.push('name');
  if (missing.length > 0)
    throw invalidProperties(
      // REQUIRED_PROPERTY and its message are unconfirmed; status and category are the reference's.
      missing.map((name) => ({ name, code: 'REQUIRED_PROPERTY', message: `${name} is required` })),
    );
}

/** A contact's primary e-mail is unique among live contacts [I-409]. */
function checkUniqueEmail(
  ctx: HubspotContext,
  properties: Record<string, string>,
  self: number | null,
): void {
  if (properties.email === undefined) return;
  const other = ctx.store.contactByEmail(properties.email);
  if (other && other.id !== self) throw contactExists(String(other.id));
}

interface InlineAssociation {
  to: { id: string };
  types: { associationCategory: string; associationTypeId: number }[];
}

/** Inline `associations` of a create [SPEC]: each type must start at this object; the target must exist. */
function parseInlineAssociations(ctx: HubspotContext, from: ObjectType, raw: unknown) {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: associations must be an array.');
  const out: { to: HsObject; typeId: number }[] = [];
  for (const item of raw as InlineAssociation[]) {
    const toId = digits(String(item?.to?.id ?? ''));
    if (!Array.isArray(item?.types) || item.types.length === 0)
      throw validationError('Invalid input JSON: each association needs to.id and types.');
    for (const spec of item.types) {
      const type = associationType(Number(spec?.associationTypeId));
      if (!type || type.from !== from || spec.associationCategory !== 'HUBSPOT_DEFINED')
        throw validationError(
          `${spec?.associationCategory} ${spec?.associationTypeId} is not a valid association type from ${from}.`,
        );
      const to = toId === null ? undefined : ctx.store.get(type.to, toId);
      if (!to || to.archived)
        throw validationError(`${type.to} ${item.to?.id} does not exist: the association cannot be made.`);
      out.push({ to, typeId: type.id });
    }
  }
  return out;
}

const bodyObject = (body: unknown): Record<string, unknown> => {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw validationError('Invalid input JSON: the body must be a JSON object.');
  return body as Record<string, unknown>;
};

export function registerObjectRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  type TypeParams = { Params: { type: string }; Querystring: Query };
  type IdParams = { Params: { type: string; id: string }; Querystring: Query };
  const allow = (type: ObjectType, access: 'read' | 'write') =>
    requireScopes(ctx.scopes, requiredScopes(type, access));
  const read = (request: FastifyRequest<{ Params: { type: string } }>) => {
    const type = objectTypeOf(request.params.type);
    allow(type, 'read');
    return type;
  };
  const write = (request: FastifyRequest<{ Params: { type: string } }>) => {
    const type = objectTypeOf(request.params.type);
    allow(type, 'write');
    return type;
  };

  api.get<TypeParams>('/v3/objects/:type', async (request) => {
    const type = read(request);
    const { query } = request;
    const limit = Number(textParam(query, 'limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      throw validationError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}.`);
    const after = textParam(query, 'after');
    const from = after === undefined ? 0 : digits(after);
    if (from === null) throw validationError(`after ${JSON.stringify(after)} is not a valid paging cursor.`);
    const page = ctx.store.page(type, booleanParam(query, 'archived'), from, limit + 1);
    const names = propertyNames(type, listParam(query, 'properties'));
    const assoc = listParam(query, 'associations');
    const next = page[limit];
    return {
      results: page.slice(0, limit).map((o) => {
        const associations = associationsOf(ctx, o, assoc);
        return serialise(o, { properties: names, ...(associations ? { associations } : {}) });
      }),
      ...(next ? { paging: { next: { after: String(next.id) } } } : {}),
    };
  });

  api.get<IdParams>('/v3/objects/:type/:id', async (request) => {
    const type = read(request);
    const { query } = request;
    const found = lookUp(
      ctx,
      type,
      request.params.id,
      textParam(query, 'idProperty'),
      booleanParam(query, 'archived'),
    );
    if (!found) throw objectNotFound();
    const associations = associationsOf(ctx, found, listParam(query, 'associations'));
    return serialise(found, {
      properties: propertyNames(type, listParam(query, 'properties')),
      ...(associations ? { associations } : {}),
    });
  });

  api.post<TypeParams>('/v3/objects/:type', async (request, reply) => {
    const type = write(request);
    const body = bodyObject(request.body);
    const properties = applyWrite(type, body.properties ?? {}, {}, writeContext(ctx));
    checkRequired(type, properties);
    const links = parseInlineAssociations(ctx, type, body.associations);
    const created = ctx.store.transaction(() => {
      if (type === 'contacts') checkUniqueEmail(ctx, properties, null);
      const now = ctx.nowMs();
      const object = ctx.store.insert(type, properties, { created: now, updated: now });
      for (const link of links) ctx.store.associate(type, object.id, link.to.type, link.to.id, link.typeId);
      return object;
    });
    reply.status(201);
    return serialise(created, { properties: propertyNames(type, [...Object.keys(properties)]) });
  });

  api.patch<IdParams>('/v3/objects/:type/:id', async (request) => {
    const type = write(request);
    const body = bodyObject(request.body);
    const found = lookUp(ctx, type, request.params.id, textParam(request.query, 'idProperty'), false);
    if (!found) throw objectNotFound();
    const properties = applyWrite(type, body.properties ?? {}, found.properties, writeContext(ctx));
    const updated = ctx.store.transaction(() => {
      if (type === 'contacts') checkUniqueEmail(ctx, properties, found.id);
      return ctx.store.update(found, properties, ctx.nowMs());
    });
    return serialise(updated, { properties: propertyNames(type, Object.keys(properties)) });
  });

  /**
   * DELETE archives (restorable for 90 days in HubSpot) [SPEC] and answers 204. Archiving an archived
   * record again answers 204 too; an id that never existed 404 (both unconfirmed).
   */
  api.delete<IdParams>('/v3/objects/:type/:id', async (request, reply) => {
    const type = write(request);
    const n = digits(request.params.id);
    const found = n === null ? undefined : ctx.store.get(type, n);
    if (!found) throw objectNotFound();
    if (!found.archived) ctx.store.archive(found, ctx.nowMs());
    return reply.status(204).send();
  });

  api.post<TypeParams>('/v3/objects/:type/batch/read', async (request, reply) => {
    const type = read(request);
    const body = bodyObject(request.body);
    const inputs = body.inputs;
    if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: inputs must be an array.');
    if (inputs.length > MAX_BATCH_INPUTS)
      throw validationError(`Too many inputs: ${inputs.length}. A batch takes at most ${MAX_BATCH_INPUTS}.`);
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
    const names = propertyNames(
      type,
      Array.isArray(body.properties)
        ? body.properties.filter((p): p is string => typeof p === 'string')
        : undefined,
    );
    const archived = booleanParam(request.query, 'archived');
    const startedAt = new Date(ctx.nowMs()).toISOString();
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    const seen = new Set<number>();
    for (const input of inputs as { id?: unknown }[]) {
      const id = String(input?.id ?? '');
      const found = lookUp(ctx, type, id, idProperty, archived);
      if (!found) missing.push(id);
      else if (!seen.has(found.id)) {
        seen.add(found.id);
        results.push(serialise(found, { properties: names }));
      }
    }
    const done = { status: 'COMPLETE', results, startedAt, completedAt: new Date(ctx.nowMs()).toISOString() };
    if (missing.length === 0) return done;
    // The spec's 207 with errors for ids that do not exist; the error's wording is unconfirmed.
    reply.status(207);
    return {
      ...done,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        },
      ],
    };
  });

  api.post<TypeParams>('/v3/objects/:type/search', { config: { hubspotSearch: true } }, async (request) => {
    const type = read(request);
    return runHubspotSearch(type, request.body, ctx.store.all(type), true);
  });
}

export { OBJECT_TYPES };
