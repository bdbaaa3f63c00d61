import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defined, getRecord, type JsonRecord, nextId, saveRecord } from '../db/record-store';
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
import { createCompany } from './companies';
import {
  address,
  customFields,
  emailEntry,
  id,
  minMaxModified,
  nullableText,
  phoneNumbers,
  readOnly,
  tags,
  urls,
} from './fields';
import { createOpportunity } from './opportunities';
import { addModifiedFilters, createPerson, escapeLike } from './people';
import { answerSearch, registerGetById, updateRecord } from './record-routes';

const LEAD_STATUSES = ['New', 'Unqualified', 'Contacted', 'Qualified'] as const;

const leadInput = z.strictObject({
  name: nullableText(500),
  first_name: nullableText(200),
  last_name: nullableText(200),
  prefix: nullableText(50),
  middle_name: nullableText(200),
  suffix: nullableText(50),
  address,
  assignee_id: id.nullable().optional(),
  company_name: nullableText(500),
  customer_source_id: id.nullable().optional(),
  details: nullableText(20_000),
  email: emailEntry.nullable().optional(),
  monetary_value: z.number().min(0).max(1e15).nullable().optional(),
  phone_numbers: phoneNumbers,
  socials: urls,
  status: z.enum(LEAD_STATUSES).optional(),
  status_id: id.optional(),
  tags,
  title: nullableText(500),
  websites: urls,
  custom_fields: customFields,
  ...readOnly,
});
type LeadInput = z.infer<typeof leadInput>;

export const leadsSearch: SearchSpec = {
  table: 'leads',
  sortable: { name: 'name', date_modified: 'date_modified', date_created: 'date_created', status: 'status' },
  defaultSort: 'name',
};

const searchInput = z.strictObject({
  ...entityFilters,
  sort_by: sortByField(leadsSearch),
  name: z.string().max(500).optional(),
  // One string, as Copper documents (DC, GB); some generated specs say an array (unconfirmed).
  emails: z.string().max(320).optional(),
  status_ids: z.array(id).max(10).optional(),
  ...minMaxModified,
});

const convertInput = z.strictObject({
  details: z
    .strictObject({
      person: z.record(z.string(), z.unknown()).optional(),
      company: z
        .union([z.strictObject({ id }), z.strictObject({ name: z.string().min(1).max(500) })])
        .optional(),
      opportunity: z
        .strictObject({
          name: z.string().min(1).max(500),
          pipeline_id: id.optional(),
          pipeline_stage_id: id.optional(),
          monetary_value: z.number().min(0).optional(),
        })
        .optional(),
    })
    .optional(),
});

function applyLead(base: JsonRecord, input: Partial<LeadInput>): JsonRecord {
  const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
  const next: JsonRecord = { ...base, ...defined(fields) };
  if ((typeof next.name !== 'string' || next.name.trim() === '') && (next.first_name || next.last_name)) {
    next.name = [next.first_name, next.last_name].filter(Boolean).join(' ');
  }
  if (typeof next.name !== 'string' || next.name.trim() === '') throw invalid("Name: can't be blank");
  next.name = next.name.trim();
  if (input.status !== undefined) next.status_id = LEAD_STATUSES.indexOf(input.status) + 1;
  return next;
}

const columns = (l: JsonRecord) => ({
  name: l.name,
  email: (l.email as { email?: string } | null)?.email ?? null,
  status: l.status,
});

export function registerLeads(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.post('/leads/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /leads/search');
    const filter = newFilter();
    if (input.name !== undefined)
      addCompare(filter, "name LIKE ? ESCAPE '\\'", `%${escapeLike(input.name)}%`);
    if (input.emails !== undefined) addCompare(filter, 'email = ?', input.emails.trim());
    addIn(
      filter,
      'status',
      input.status_ids?.map((n) => LEAD_STATUSES[n - 1] ?? ''),
    );
    addModifiedFilters(filter, input);
    return answerSearch(reply, runSearch(db, leadsSearch, input, filter));
  });

  registerGetById(app, ctx, '/leads', 'leads');

  app.post('/leads', async (request) => {
    const input = parseInput(leadInput, request.body, 'POST /leads');
    return db.transaction(() => {
      const now = ctx.clock.now();
      const lead = applyLead(
        {
          id: nextId(db, 'leads'),
          name: null,
          first_name: null,
          last_name: null,
          prefix: null,
          middle_name: null,
          suffix: null,
          address: null,
          assignee_id: null,
          company_name: null,
          customer_source_id: null,
          details: null,
          email: null,
          monetary_value: null,
          phone_numbers: [],
          socials: [],
          status: 'New',
          status_id: 1,
          tags: [],
          title: null,
          websites: [],
          custom_fields: [],
          interaction_count: 0,
          date_created: now,
          date_modified: now,
          date_last_contacted: null,
        },
        input,
      );
      saveRecord(db, 'leads', columns(lead), lead);
      return lead;
    })();
  });

  app.put<{ Params: { id: string } }>('/leads/:id', async (request) => {
    const input = parseInput(leadInput, request.body, 'PUT /leads/:id');
    return updateRecord(
      ctx,
      'leads',
      request.params.id,
      (current) => applyLead(current, input),
      (next) => saveRecord(db, 'leads', columns(next), next),
    );
  });

  /** Converts a lead into a person (and optionally a company and an opportunity); the lead is removed. */
  app.post<{ Params: { id: string } }>('/leads/:id/convert', async (request) => {
    const input = parseInput(convertInput, request.body, 'POST /leads/:id/convert');
    return db.transaction(() => {
      const lead = getRecord(db, 'leads', Number(request.params.id));
      if (!lead) throw notFound();
      const details = input.details ?? {};
      let company: JsonRecord | null = null;
      if (details.company && 'id' in details.company) {
        company = getRecord(db, 'companies', details.company.id) ?? null;
        if (!company) throw invalid('Company: does not exist');
      } else if (details.company && 'name' in details.company) {
        company = createCompany(ctx, { name: details.company.name });
      } else if (typeof lead.company_name === 'string' && lead.company_name.trim() !== '') {
        company = createCompany(ctx, { name: lead.company_name });
      }
      const email = lead.email as { email: string; category?: string } | null;
      const person = createPerson(ctx, {
        name: lead.name as string,
        title: (lead.title as string | null) ?? null,
        address: (lead.address as never) ?? null,
        emails: email ? [{ email: email.email, category: email.category ?? 'work' }] : [],
        phone_numbers: lead.phone_numbers as never,
        tags: lead.tags as string[],
        details: (lead.details as string | null) ?? null,
        ...(company ? { company_id: company.id as number } : {}),
      });
      const now = ctx.clock.now();
      person.leads_converted_from = [{ lead_id: lead.id, converted_timestamp: now }];
      person.date_lead_created = lead.date_created;
      db.prepare('UPDATE people SET data = ? WHERE id = ?').run(JSON.stringify(person), person.id);
      const opportunity = details.opportunity
        ? createOpportunity(ctx, {
            ...details.opportunity,
            primary_contact_id: person.id as number,
            ...(company ? { company_id: company.id as number } : {}),
          })
        : null;
      db.prepare('DELETE FROM leads WHERE id = ?').run(lead.id);
      return { person, company, opportunity };
    })();
  });
}
