import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CopperError, invalid } from './copper-error';
import {
  type DocumentedEndpoint,
  QUERY_PAGING,
  unrecognisedFields,
  unrecognisedMessage,
} from './documented-fields';

const fieldLabel = (path: readonly PropertyKey[]): string => {
  const name = String(path.findLast((p) => typeof p === 'string') ?? 'Body');
  return name
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
};

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    root,
  );

const shapeKeys = (schema: z.ZodType): readonly string[] | null => {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : null;
};

/**
 * Validates a request body. First against THE table of documented fields (documented-fields.ts):
 * anything else is Copper's 422 "Base: Unrecognized attributes specified: …". A documented field
 * this server does not implement is accepted and ignored. Then wrong types and bad values get
 * Copper's 422 shape ("Invalid input: Validation errors: Name: can't be blank"); nothing is written.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  body: unknown,
  endpoint: DocumentedEndpoint,
): z.infer<S> {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new CopperError(422, 'Invalid input: the request body must be a JSON object');
  }
  const input = (body ?? {}) as Record<string, unknown>;
  const unknown = unrecognisedFields(endpoint, input);
  if (unknown.length > 0) throw invalid(unrecognisedMessage(unknown));
  const implemented = shapeKeys(schema);
  const kept = implemented
    ? Object.fromEntries(Object.entries(input).filter(([key]) => implemented.includes(key)))
    : input;
  const result = schema.safeParse(kept);
  if (result.success) return result.data;
  const parts = result.error.issues.slice(0, 10).map((issue) => {
    if (issue.code === 'unrecognized_keys') return unrecognisedMessage(issue.keys);
    const label = fieldLabel(issue.path);
    if (issue.code === 'invalid_type' && valueAt(kept, issue.path) === undefined)
      return `${label}: can't be blank`;
    if (issue.code === 'too_small' && issue.origin === 'string') return `${label}: can't be blank`;
    return `${label}: ${issue.message}`;
  });
  // Copper joins several errors with a newline.
  throw invalid([...new Set(parts)].join('\n'));
}

/** The admin API's bodies (not Copper's): unknown fields refused by the schema itself. */
export function parseAdminInput<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw invalid(result.error.issues.map((i) => `${fieldLabel(i.path)}: ${i.message}`).join('\n'));
}

/**
 * A search's body with the paging Copper also takes from the query string (n8n and Airbyte send
 * `?page_size=…&page_number=…`); the body wins when both say.
 */
export function searchBody(request: FastifyRequest): unknown {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const fromQuery = Object.fromEntries(
    QUERY_PAGING.filter((key) => typeof query[key] === 'string').map((key) => [key, query[key]]),
  );
  const body = request.body;
  if (Object.keys(fromQuery).length === 0) return body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) return body;
  return { ...fromQuery, ...((body ?? {}) as object) };
}
