import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defined, type JsonRecord, nextId, nextModified, saveRecord } from '../db/record-store';
import { invalid } from '../http/copper-error';
import { parseInput, searchBody } from '../http/parse-input';
import {
  addCompare,
  entityFilters,
  newFilter,
  runSearch,
  type SearchSpec,
  sortByField,
} from '../http/run-search';
import type { RouteContext } from '../route-context';
import {
  address,
  customFields,
  id,
  minMaxModified,
  nullableText,
  phoneNumbers,
  readOnly,
  tags,
  urls,
} from './fields';
import { addModifiedFilters, escapeLike } from './people';
import { answerSearch, registerGetById, updateRecord } from './record-routes';

const companyInput = z.strictObject({
  name: nullableText(500),
  address,
  assignee_id: id.nullable().optional(),
  contact_type_id: id.nullable().optional(),
  details: nullableText(20_000),
  email_domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/i, 'is not a domain')
    .nullable()
    .optional(),
  phone_numbers: phoneNumbers,
  socials: urls,
  tags,
  websites: urls,
  custom_fields: customFields,
  ...readOnly,
});
type CompanyInput = z.infer<typeof companyInput>;

export const companiesSearch: SearchSpec = {
  table: 'companies',
  sortable: {
    name: 'name',
    date_modified: 'date_modified',
    date_created: 'date_created',
    email_domain: 'email_domain',
  },
  defaultSort: 'name',
};

const searchInput = z.strictObject({
  ...entityFilters,
  sort_by: sortByField(companiesSearch),
  name: z.string().max(500).optional(),
  // One string, as Copper documents.
  email_domains: z.string().max(253).optional(),
  ...minMaxModified,
});

function applyCompany(base: JsonRecord, input: Partial<CompanyInput>): JsonRecord {
  const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
  const next: JsonRecord = { ...base, ...defined(fields) };
  if (typeof next.name !== 'string' || next.name.trim() === '') throw invalid("Name: can't be blank");
  next.name = next.name.trim();
  return next;
}

const columns = (c: JsonRecord) => ({ name: c.name, email_domain: c.email_domain });

export function createCompany(ctx: RouteContext, input: Partial<CompanyInput>): JsonRecord {
  const now = ctx.clock.now();
  const company = applyCompany(
    {
      id: nextId(ctx.db, 'companies'),
      name: null,
      address: null,
      assignee_id: null,
      contact_type_id: null,
      details: null,
      email_domain: null,
      phone_numbers: [],
      socials: [],
      tags: [],
      websites: [],
      custom_fields: [],
      interaction_count: 0,
      date_created: now,
      date_modified: now,
    },
    input,
  );
  saveRecord(ctx.db, 'companies', columns(company), company);
  return company;
}

export function registerCompanies(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.post('/companies/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /companies/search');
    const filter = newFilter();
    if (input.name !== undefined)
      addCompare(filter, "name LIKE ? ESCAPE '\\'", `%${escapeLike(input.name)}%`);
    if (input.email_domains !== undefined)
      addCompare(filter, 'email_domain = ?', input.email_domains.trim().toLowerCase());
    addModifiedFilters(filter, input);
    return answerSearch(reply, runSearch(db, companiesSearch, input, filter));
  });

  registerGetById(app, ctx, '/companies', 'companies');

  app.post('/companies', async (request) => {
    const input = parseInput(companyInput, request.body, 'POST /companies');
    return db.transaction(() => createCompany(ctx, input))();
  });

  app.put<{ Params: { id: string } }>('/companies/:id', async (request) => {
    const input = parseInput(companyInput, request.body, 'PUT /companies/:id');
    return updateRecord(
      ctx,
      'companies',
      request.params.id,
      (current) => applyCompany(current, input),
      (next, current) => {
        saveRecord(db, 'companies', columns(next), next);
        // People show their company's name: keep it current.
        if (next.name !== current.name) renameCompanyOnPeople(ctx, next.id as number, next.name as string);
      },
    );
  });
}

function renameCompanyOnPeople(ctx: RouteContext, companyId: number, name: string): void {
  const rows = ctx.db.prepare('SELECT data FROM people WHERE company_id = ?').all(companyId) as {
    data: string;
  }[];
  const update = ctx.db.prepare('UPDATE people SET data = ?, date_modified = ? WHERE id = ?');
  for (const row of rows) {
    const person = JSON.parse(row.data) as JsonRecord;
    person.company_name = name;
    // A changed record must show up in delta syncs, so its date_modified moves too.
    person.date_modified = nextModified(person.date_modified as number, ctx.clock.now());
    update.run(JSON.stringify(person), person.date_modified, person.id);
  }
}
