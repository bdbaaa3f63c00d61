import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/open-database';
import {
  defined,
  exists,
  getRecord,
  type JsonRecord,
  nextId,
  nextModified,
  saveRecord,
} from '../db/record-store';
import { CopperError, invalid, notFound } from '../http/copper-error';
import { parseInput, searchBody } from '../http/parse-input';
import { addCompare, newFilter, pagingFields, runSearch, type SearchSpec } from '../http/run-search';
import type { RouteContext } from '../route-context';
import { type ResourceType, readOnly, resourceRef, unixSeconds } from './fields';
import { answerSearch, registerGetById } from './record-routes';

export const PARENT_TABLES: Record<ResourceType, string> = {
  person: 'people',
  company: 'companies',
  lead: 'leads',
  opportunity: 'opportunities',
  task: 'tasks',
  project: 'projects',
};

export function parentExists(db: Db, type: ResourceType, parentId: number): boolean {
  return type !== 'project' && exists(db, PARENT_TABLES[type], parentId);
}

const typeRef = z.strictObject({ id: z.number().int().min(0), category: z.enum(['user', 'system']) });

const activityInput = z.strictObject({
  parent: resourceRef,
  type: typeRef,
  details: z.string().max(100_000).nullable().optional(),
  activity_date: unixSeconds.optional(),
  ...readOnly,
});

const activityUpdate = z.strictObject({
  details: z.string().max(100_000).nullable().optional(),
  activity_date: unixSeconds.optional(),
  parent: resourceRef.optional(),
  type: typeRef.optional(),
  ...readOnly,
});

export const activitiesSearch: SearchSpec = {
  table: 'activities',
  sortable: { activity_date: 'activity_date', date_modified: 'date_modified', date_created: 'date_created' },
  defaultSort: 'activity_date',
  defaultDirection: 'desc',
};

const searchInput = z.strictObject({
  ...pagingFields,
  parent: resourceRef.optional(),
  activity_types: z.array(typeRef).max(100).optional(),
  minimum_activity_date: unixSeconds.optional(),
  maximum_activity_date: unixSeconds.optional(),
  full_result: z.boolean().optional(),
});

const columns = (a: JsonRecord) => {
  const parent = a.parent as { type: string; id: number };
  const type = a.type as { category: string; id: number };
  return {
    parent_type: parent.type,
    parent_id: parent.id,
    type_category: type.category,
    type_id: type.id,
    activity_date: a.activity_date,
  };
};

/** A read-only system activity (e.g. Pipeline Stage Changed = 3), as Copper writes on its own. */
export function recordSystemActivity(
  ctx: RouteContext,
  input: {
    parent: { type: ResourceType; id: number };
    typeId: number;
    userId: number | null;
    oldValue: unknown;
    newValue: unknown;
  },
): void {
  const now = ctx.clock.now();
  const activity: JsonRecord = {
    id: nextId(ctx.db, 'activities'),
    parent: input.parent,
    type: { id: input.typeId, category: 'system' },
    user_id: input.userId,
    details: null,
    activity_date: now,
    old_value: input.oldValue ?? null,
    new_value: input.newValue ?? null,
    date_created: now,
    date_modified: now,
  };
  saveRecord(ctx.db, 'activities', columns(activity), activity);
}

function requireUserType(db: Db, type: { id: number; category: string }): void {
  if (type.category !== 'user') throw invalid('Type: only user activity types can be created');
  const row = db
    .prepare("SELECT is_disabled FROM activity_types WHERE category = 'user' AND id = ?")
    .get(type.id) as { is_disabled: number } | undefined;
  if (!row) throw invalid('Type: does not exist');
  if (row.is_disabled) throw invalid('Type: is disabled');
}

export function registerActivities(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.get('/activity_types', async () => {
    const rows = db
      .prepare(
        'SELECT id, category, name, is_disabled, count_as_interaction FROM activity_types ORDER BY category DESC, id',
      )
      .all() as {
      id: number;
      category: string;
      name: string;
      is_disabled: number;
      count_as_interaction: number;
    }[];
    const shape = (r: (typeof rows)[number]) => ({
      id: r.id,
      category: r.category,
      name: r.name,
      is_disabled: r.is_disabled === 1,
      count_as_interaction: r.count_as_interaction === 1,
    });
    return {
      user: rows.filter((r) => r.category === 'user').map(shape),
      system: rows.filter((r) => r.category === 'system').map(shape),
    };
  });

  app.post('/activities', async (request) => {
    const input = parseInput(activityInput, request.body, 'POST /activities');
    return db.transaction(() => {
      requireUserType(db, input.type);
      if (!parentExists(db, input.parent.type, input.parent.id)) throw invalid('Parent: does not exist');
      const now = ctx.clock.now();
      const activity: JsonRecord = {
        id: nextId(db, 'activities'),
        parent: input.parent,
        type: input.type,
        user_id: request.crmUser?.id ?? null,
        details: input.details ?? null,
        activity_date: input.activity_date ?? now,
        old_value: null,
        new_value: null,
        date_created: now,
        date_modified: now,
      };
      saveRecord(db, 'activities', columns(activity), activity);
      return activity;
    })();
  });

  app.post('/activities/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /activities/search');
    const filter = newFilter();
    if (input.parent) {
      addCompare(filter, 'parent_type = ?', input.parent.type);
      addCompare(filter, 'parent_id = ?', input.parent.id);
    }
    if (input.activity_types) {
      if (input.activity_types.length === 0) filter.where.push('0');
      else {
        filter.where.push(
          `(${input.activity_types.map(() => '(type_category = ? AND type_id = ?)').join(' OR ')})`,
        );
        filter.params.push(...input.activity_types.flatMap((t) => [t.category, t.id]));
      }
    }
    addCompare(filter, 'activity_date >= ?', input.minimum_activity_date);
    addCompare(filter, 'activity_date <= ?', input.maximum_activity_date);
    return answerSearch(reply, runSearch(db, activitiesSearch, input, filter));
  });

  registerGetById(app, ctx, '/activities', 'activities');

  app.put<{ Params: { id: string } }>('/activities/:id', async (request) => {
    const input = parseInput(activityUpdate, request.body, 'PUT /activities/:id');
    return db.transaction(() => {
      const current = getRecord(db, 'activities', Number(request.params.id));
      if (!current) throw notFound();
      if ((current.type as { category: string }).category === 'system') {
        throw new CopperError(403, 'System activities are read-only');
      }
      if (input.type) requireUserType(db, input.type);
      if (input.parent && !parentExists(db, input.parent.type, input.parent.id))
        throw invalid('Parent: does not exist');
      const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
      const next: JsonRecord = { ...current, ...defined(fields) };
      next.date_modified = nextModified(current.date_modified as number, ctx.clock.now());
      saveRecord(db, 'activities', columns(next), next);
      return next;
    })();
  });

  app.delete<{ Params: { id: string } }>('/activities/:id', async (request) => {
    const activityId = Number(request.params.id);
    const current = getRecord(db, 'activities', activityId);
    if (!current) throw notFound();
    if ((current.type as { category: string }).category === 'system') {
      throw new CopperError(403, 'System activities are read-only');
    }
    db.prepare('DELETE FROM activities WHERE id = ?').run(activityId);
    return { id: activityId, is_deleted: true };
  });
}
