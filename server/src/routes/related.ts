import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalid, notFound } from '../http/copper-error';
import { parseInput } from '../http/parse-input';
import type { RouteContext } from '../route-context';
import { PARENT_TABLES, parentExists } from './activities';
import { type ResourceType, resourceRef, resourceType } from './fields';

/** URL segment (plural, as Copper's paths) → resource type. */
const ENTITY_PATHS: Record<string, ResourceType> = {
  people: 'person',
  companies: 'company',
  leads: 'lead',
  opportunities: 'opportunity',
  tasks: 'task',
};

export function registerRelated(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  const resolve = (entity: string, rawId: string): { type: ResourceType; id: number } => {
    const type = ENTITY_PATHS[entity];
    const recordId = Number(rawId);
    if (!type || !Number.isInteger(recordId) || !parentExists(db, type, recordId)) throw notFound();
    return { type, id: recordId };
  };

  const list = (from: { type: ResourceType; id: number }, onlyType?: ResourceType) =>
    (
      db
        .prepare(
          `SELECT b_type AS type, b_id AS id FROM related_links WHERE a_type = ? AND a_id = ?${onlyType ? ' AND b_type = ?' : ''} ORDER BY b_type, b_id`,
        )
        .all(...[from.type, from.id, ...(onlyType ? [onlyType] : [])]) as { type: string; id: number }[]
    ).map((r) => ({ id: r.id, type: r.type }));

  app.get<{ Params: { entity: string; id: string } }>('/:entity/:id/related', async (request) =>
    list(resolve(request.params.entity, request.params.id)),
  );

  app.get<{ Params: { entity: string; id: string; type: string } }>(
    '/:entity/:id/related/:type',
    async (request) => {
      const from = resolve(request.params.entity, request.params.id);
      const wanted = ENTITY_PATHS[request.params.type] ?? resourceType.safeParse(request.params.type).data;
      if (!wanted) throw notFound();
      return list(from, wanted);
    },
  );

  app.post<{ Params: { entity: string; id: string } }>('/:entity/:id/related', async (request) => {
    const from = resolve(request.params.entity, request.params.id);
    const { resource } = parseInput(
      z.strictObject({ resource: resourceRef }),
      request.body,
      'POST /:entity/:id/related',
    );
    if (!(resource.type in PARENT_TABLES) || !parentExists(db, resource.type, resource.id)) {
      throw invalid('Resource: does not exist');
    }
    if (resource.type === from.type && resource.id === from.id)
      throw invalid('Resource: cannot relate a record to itself');
    const link = db.prepare(
      'INSERT OR IGNORE INTO related_links (a_type, a_id, b_type, b_id) VALUES (?, ?, ?, ?)',
    );
    db.transaction(() => {
      link.run(from.type, from.id, resource.type, resource.id);
      link.run(resource.type, resource.id, from.type, from.id);
    })();
    return { id: from.id, type: from.type, resource };
  });

  app.delete<{ Params: { entity: string; id: string } }>('/:entity/:id/related', async (request) => {
    const from = resolve(request.params.entity, request.params.id);
    const { resource } = parseInput(
      z.strictObject({ resource: resourceRef }),
      request.body,
      'DELETE /:entity/:id/related',
    );
    const unlink = db.prepare(
      'DELETE FROM related_links WHERE a_type = ? AND a_id = ? AND b_type = ? AND b_id = ?',
    );
    db.transaction(() => {
      unlink.run(from.type, from.id, resource.type, resource.id);
      unlink.run(resource.type, resource.id, from.type, from.id);
    })();
    return { id: from.id, type: from.type, resource };
  });
}
