import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defined, type JsonRecord, nextId, saveRecord } from '../db/record-store';
import { invalid } from '../http/copper-error';
import { parseInput, searchBody } from '../http/parse-input';
import {
  addCompare,
  addIn,
  entityFilters,
  newFilter,
  runSearch,
  type SearchSpec,
  sortByField,
} from '../http/run-search';
import type { RouteContext } from '../route-context';
import { parentExists } from './activities';
import {
  customFields,
  id,
  minMaxModified,
  nullableText,
  readOnly,
  resourceRef,
  tags,
  unixSeconds,
} from './fields';
import { addModifiedFilters, escapeLike } from './people';
import { answerSearch, registerGetById, updateRecord } from './record-routes';

const taskInput = z.strictObject({
  name: nullableText(500),
  related_resource: resourceRef.nullable().optional(),
  assignee_id: id.nullable().optional(),
  due_date: unixSeconds.nullable().optional(),
  reminder_date: unixSeconds.nullable().optional(),
  completed_date: unixSeconds.nullable().optional(),
  priority: z.enum(['None', 'High']).optional(),
  status: z.enum(['Open', 'Completed']).optional(),
  details: nullableText(20_000),
  tags,
  custom_fields: customFields,
  ...readOnly,
});
type TaskInput = z.infer<typeof taskInput>;

export const tasksSearch: SearchSpec = {
  table: 'tasks',
  sortable: {
    name: 'name',
    due_date: 'due_date',
    date_modified: 'date_modified',
    date_created: 'date_created',
  },
  defaultSort: 'date_modified',
};

const searchInput = z.strictObject({
  ...entityFilters,
  sort_by: sortByField(tasksSearch),
  name: z.string().max(500).optional(),
  related_resource: resourceRef.optional(),
  statuses: z
    .array(z.enum(['Open', 'Completed']))
    .max(2)
    .optional(),
  assignee_ids: z.array(id).max(200).optional(),
  ...minMaxModified,
});

function applyTask(ctx: RouteContext, base: JsonRecord, input: Partial<TaskInput>): JsonRecord {
  const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
  const next: JsonRecord = { ...base, ...defined(fields) };
  if (typeof next.name !== 'string' || next.name.trim() === '') throw invalid("Name: can't be blank");
  next.name = next.name.trim();
  const related = next.related_resource as { type: Parameters<typeof parentExists>[1]; id: number } | null;
  if (input.related_resource && related && !parentExists(ctx.db, related.type, related.id)) {
    throw invalid('Related resource: does not exist');
  }
  if (input.status === 'Completed' && base.status !== 'Completed' && input.completed_date === undefined) {
    next.completed_date = ctx.clock.now();
  }
  if (input.status === 'Open' && input.completed_date === undefined) next.completed_date = null;
  return next;
}

const columns = (t: JsonRecord) => {
  const related = t.related_resource as { type: string; id: number } | null;
  return {
    name: t.name,
    related_type: related?.type ?? null,
    related_id: related?.id ?? null,
    status: t.status,
    due_date: t.due_date,
  };
};

export function registerTasks(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.post('/tasks', async (request) => {
    const input = parseInput(taskInput, request.body, 'POST /tasks');
    return db.transaction(() => {
      const now = ctx.clock.now();
      const task = applyTask(
        ctx,
        {
          id: nextId(db, 'tasks'),
          name: null,
          related_resource: null,
          assignee_id: request.crmUser?.id ?? null,
          due_date: null,
          reminder_date: null,
          completed_date: null,
          priority: 'None',
          status: 'Open',
          details: null,
          tags: [],
          custom_fields: [],
          date_created: now,
          date_modified: now,
        },
        input,
      );
      saveRecord(db, 'tasks', columns(task), task);
      return task;
    })();
  });

  app.post('/tasks/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /tasks/search');
    const filter = newFilter();
    if (input.name !== undefined)
      addCompare(filter, "name LIKE ? ESCAPE '\\'", `%${escapeLike(input.name)}%`);
    if (input.related_resource) {
      addCompare(filter, 'related_type = ?', input.related_resource.type);
      addCompare(filter, 'related_id = ?', input.related_resource.id);
    }
    addIn(filter, 'status', input.statuses);
    addIn(filter, "json_extract(data, '$.assignee_id')", input.assignee_ids);
    addModifiedFilters(filter, input);
    return answerSearch(reply, runSearch(db, tasksSearch, input, filter));
  });

  registerGetById(app, ctx, '/tasks', 'tasks');

  app.put<{ Params: { id: string } }>('/tasks/:id', async (request) => {
    const input = parseInput(taskInput, request.body, 'PUT /tasks/:id');
    return updateRecord(
      ctx,
      'tasks',
      request.params.id,
      (current) => applyTask(ctx, current, input),
      (next) => saveRecord(db, 'tasks', columns(next), next),
    );
  });
}
