import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/open-database';
import { defined, exists, type JsonRecord, nextId, saveRecord } from '../db/record-store';
import { invalid, notFound } from '../http/copper-error';
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
import { recordSystemActivity } from './activities';
import { normaliseCloseDate } from './close-date';
import { customFields, id, minMaxModified, nullableText, readOnly, tags } from './fields';
import { addModifiedFilters, escapeLike } from './people';
import { answerSearch, registerGetById, updateRecord } from './record-routes';

export const OPPORTUNITY_STATUSES = ['Open', 'Won', 'Lost', 'Abandoned'] as const;

const opportunityInput = z.strictObject({
  name: nullableText(500),
  assignee_id: id.nullable().optional(),
  close_date: z.string().max(20).nullable().optional(),
  company_id: id.nullable().optional(),
  customer_source_id: id.nullable().optional(),
  details: nullableText(20_000),
  loss_reason_id: id.nullable().optional(),
  pipeline_id: id.optional(),
  pipeline_stage_id: id.optional(),
  primary_contact_id: id.nullable().optional(),
  priority: z.enum(['None', 'Low', 'Medium', 'High']).optional(),
  status: z.enum(OPPORTUNITY_STATUSES).optional(),
  tags,
  monetary_value: z.number().min(0).max(1e15).nullable().optional(),
  win_probability: z.number().int().min(0).max(100).nullable().optional(),
  custom_fields: customFields,
  ...readOnly,
});
type OpportunityInput = z.infer<typeof opportunityInput>;

export const opportunitiesSearch: SearchSpec = {
  table: 'opportunities',
  sortable: {
    name: 'name',
    date_modified: 'date_modified',
    date_created: 'date_created',
    monetary_value: 'monetary_value',
    status: 'status',
  },
  defaultSort: 'name',
};

const searchInput = z.strictObject({
  ...entityFilters,
  sort_by: sortByField(opportunitiesSearch),
  name: z.string().max(500).optional(),
  pipeline_ids: z.array(id).max(200).optional(),
  pipeline_stage_ids: z.array(id).max(500).optional(),
  status_ids: z.array(z.number().int().min(0).max(3)).max(4).optional(),
  company_ids: z.array(id).max(1000).optional(),
  ...minMaxModified,
});

interface Stage {
  id: number;
  pipeline_id: number;
  name: string;
  win_probability: number | null;
}

function stagesOf(db: Db, pipelineId: number): Stage[] {
  return db
    .prepare(
      'SELECT id, pipeline_id, name, win_probability FROM pipeline_stages WHERE pipeline_id = ? ORDER BY position',
    )
    .all(pipelineId) as Stage[];
}

function applyOpportunity(ctx: RouteContext, base: JsonRecord, input: Partial<OpportunityInput>): JsonRecord {
  const { db } = ctx;
  const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
  const next: JsonRecord = { ...base, ...defined(fields) };
  if (typeof next.name !== 'string' || next.name.trim() === '') throw invalid("Name: can't be blank");
  next.name = next.name.trim();
  if (typeof input.close_date === 'string')
    next.close_date = normaliseCloseDate(input.close_date, ctx.dateOrder);
  if (next.pipeline_id === null || next.pipeline_id === undefined) {
    const first = db.prepare('SELECT id FROM pipelines ORDER BY id LIMIT 1').get() as
      | { id: number }
      | undefined;
    if (!first) throw invalid('Pipeline: no pipeline exists');
    next.pipeline_id = first.id;
  }
  const stages = stagesOf(db, next.pipeline_id as number);
  if (stages.length === 0) throw invalid('Pipeline: does not exist');
  const pipelineChanged = input.pipeline_id !== undefined && input.pipeline_id !== base.pipeline_id;
  if (input.pipeline_stage_id === undefined && (pipelineChanged || next.pipeline_stage_id == null)) {
    next.pipeline_stage_id = stages[0]?.id;
  }
  const stage = stages.find((s) => s.id === next.pipeline_stage_id);
  if (!stage) throw invalid('Pipeline stage: does not belong to the pipeline');
  if (
    input.win_probability === undefined &&
    (input.pipeline_stage_id !== undefined || base.win_probability == null)
  ) {
    next.win_probability = stage.win_probability;
  }
  if (next.company_id != null && !exists(db, 'companies', next.company_id as number))
    throw invalid('Company: does not exist');
  if (next.primary_contact_id != null && !exists(db, 'people', next.primary_contact_id as number)) {
    throw invalid('Primary contact: does not exist');
  }
  if (input.company_id !== undefined) {
    next.company_name =
      next.company_id == null
        ? null
        : ((db.prepare('SELECT name FROM companies WHERE id = ?').get(next.company_id) as { name: string })
            .name ?? null);
  }
  return next;
}

const columns = (o: JsonRecord) => ({
  name: o.name,
  pipeline_id: o.pipeline_id,
  pipeline_stage_id: o.pipeline_stage_id,
  status: o.status,
  company_id: o.company_id,
  primary_contact_id: o.primary_contact_id,
  monetary_value: o.monetary_value,
});

export function createOpportunity(ctx: RouteContext, input: Partial<OpportunityInput>): JsonRecord {
  const now = ctx.clock.now();
  const opportunity = applyOpportunity(
    ctx,
    {
      id: nextId(ctx.db, 'opportunities'),
      name: null,
      assignee_id: null,
      close_date: null,
      company_id: null,
      company_name: null,
      customer_source_id: null,
      details: null,
      loss_reason_id: null,
      pipeline_id: null,
      pipeline_stage_id: null,
      primary_contact_id: null,
      priority: 'None',
      status: 'Open',
      tags: [],
      interaction_count: 0,
      monetary_value: null,
      win_probability: null,
      custom_fields: [],
      date_created: now,
      date_modified: now,
      date_stage_changed: now,
      date_last_contacted: null,
    },
    input,
  );
  // Copper documents primary_contact_id as required on create (reference/copper-api.md, "Create /
  // update bodies"). Unconfirmed: the exact wording (modelled on "Name: can't be blank") and which
  // error comes first when several apply.
  if (opportunity.primary_contact_id == null) throw invalid("Primary contact: can't be blank");
  saveRecord(ctx.db, 'opportunities', columns(opportunity), opportunity);
  return opportunity;
}

export function registerOpportunities(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.get('/pipelines', async () => {
    const pipelines = db.prepare('SELECT id, name FROM pipelines ORDER BY id').all() as {
      id: number;
      name: string;
    }[];
    return pipelines.map((p) => ({
      ...p,
      stages: stagesOf(db, p.id).map(({ id: stageId, name, win_probability }) => ({
        id: stageId,
        name,
        win_probability,
      })),
    }));
  });

  app.get('/pipeline_stages', async () =>
    db
      .prepare(
        'SELECT id, name, pipeline_id, win_probability FROM pipeline_stages ORDER BY pipeline_id, position',
      )
      .all(),
  );

  app.get<{ Params: { id: string } }>('/pipeline_stages/pipeline/:id', async (request) => {
    const stages = stagesOf(db, Number(request.params.id));
    if (stages.length === 0) throw notFound();
    return stages;
  });

  app.post('/opportunities/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /opportunities/search');
    const filter = newFilter();
    if (input.name !== undefined)
      addCompare(filter, "name LIKE ? ESCAPE '\\'", `%${escapeLike(input.name)}%`);
    addIn(filter, 'pipeline_id', input.pipeline_ids);
    addIn(filter, 'pipeline_stage_id', input.pipeline_stage_ids);
    addIn(
      filter,
      'status',
      input.status_ids?.map((s) => OPPORTUNITY_STATUSES[s]),
    );
    addIn(filter, 'company_id', input.company_ids);
    addModifiedFilters(filter, input);
    return answerSearch(reply, runSearch(db, opportunitiesSearch, input, filter));
  });

  registerGetById(app, ctx, '/opportunities', 'opportunities');

  app.post('/opportunities', async (request) => {
    const input = parseInput(opportunityInput, request.body, 'POST /opportunities');
    return db.transaction(() => createOpportunity(ctx, input))();
  });

  app.put<{ Params: { id: string } }>('/opportunities/:id', async (request) => {
    const input = parseInput(opportunityInput, request.body, 'PUT /opportunities/:id');
    const user = request.crmUser;
    return updateRecord(
      ctx,
      'opportunities',
      request.params.id,
      (current) => applyOpportunity(ctx, current, input),
      (next, current) => {
        if (next.pipeline_stage_id !== current.pipeline_stage_id) {
          next.date_stage_changed = ctx.clock.now();
          // Copper records stage moves as a read-only system activity (type 3) on the opportunity.
          recordSystemActivity(ctx, {
            parent: { type: 'opportunity', id: next.id as number },
            typeId: 3,
            userId: user?.id ?? null,
            oldValue: current.pipeline_stage_id,
            newValue: next.pipeline_stage_id,
          });
        }
        saveRecord(db, 'opportunities', columns(next), next);
      },
    );
  });
}
