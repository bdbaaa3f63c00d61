import type { FastifyInstance, FastifyReply } from 'fastify';
import { getRecord, type JsonRecord, nextModified } from '../db/record-store';
import { notFound } from '../http/copper-error';
import type { RouteContext } from '../route-context';

/** `GET /<path>/:id` for a record table: the record, or Copper's 404. */
export function registerGetById(app: FastifyInstance, ctx: RouteContext, path: string, table: string): void {
  app.get<{ Params: { id: string } }>(`${path}/:id`, async (request) =>
    requireRecord(ctx, table, request.params.id),
  );
}

export function requireRecord(ctx: RouteContext, table: string, id: string | number): JsonRecord {
  const record = getRecord(ctx.db, table, Number(id));
  if (!record) throw notFound();
  return record;
}

/**
 * An update in one transaction: read the record (404 if missing), apply the change, move
 * `date_modified` on (every update changes it), save. Returns the saved record.
 */
export function updateRecord(
  ctx: RouteContext,
  table: string,
  id: string | number,
  apply: (current: JsonRecord) => JsonRecord,
  save: (next: JsonRecord, current: JsonRecord) => void,
): JsonRecord {
  return ctx.db.transaction(() => {
    const current = requireRecord(ctx, table, id);
    const next = apply(current);
    next.date_modified = nextModified(current.date_modified as number, ctx.clock.now());
    save(next, current);
    return next;
  })();
}

/** A search's page of records, with the total in X-PW-TOTAL as Copper does. */
export function answerSearch(
  reply: FastifyReply,
  result: { records: JsonRecord[]; total: number },
): JsonRecord[] {
  reply.header('X-PW-TOTAL', String(result.total));
  return result.records;
}
