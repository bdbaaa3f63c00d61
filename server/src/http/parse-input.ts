import type { z } from 'zod';
import { CopperError, invalid } from './copper-error';

const fieldLabel = (path: readonly PropertyKey[]): string => {
  const name = String(path.findLast((p) => typeof p === 'string') ?? 'Body');
  return name
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
};

/**
 * Validates a request body. Unknown fields, wrong types and bad values are answered with Copper's
 * 422 shape ("Invalid input: Validation errors: Name: can't be blank"); nothing is written.
 */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new CopperError(422, 'Invalid input: the request body must be a JSON object');
  }
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const parts = result.error.issues.slice(0, 10).map((issue) => {
    if (issue.code === 'unrecognized_keys') return `Unknown field(s): ${issue.keys.join(', ')}`;
    const label = fieldLabel(issue.path);
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${label}: can't be blank`;
    if (issue.code === 'too_small' && issue.origin === 'string') return `${label}: can't be blank`;
    return `${label}: ${issue.message}`;
  });
  throw invalid([...new Set(parts)].join(', '));
}
