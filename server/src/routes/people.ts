import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/open-database';
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
import {
  address,
  customFields,
  emailAddress,
  emails,
  id,
  minMaxModified,
  nullableText,
  phoneNumbers,
  readOnly,
  tags,
  unixSeconds,
  urls,
} from './fields';
import { answerSearch, registerGetById, updateRecord } from './record-routes';

const personFields = {
  name: nullableText(500),
  first_name: nullableText(200),
  last_name: nullableText(200),
  prefix: nullableText(50),
  middle_name: nullableText(200),
  suffix: nullableText(50),
  address,
  assignee_id: id.nullable().optional(),
  company_id: id.nullable().optional(),
  company_name: nullableText(500),
  contact_type_id: id.nullable().optional(),
  details: nullableText(20_000),
  emails,
  phone_numbers: phoneNumbers,
  socials: urls,
  tags,
  title: nullableText(500),
  websites: urls,
  custom_fields: customFields,
  date_last_contacted: unixSeconds.nullable().optional(),
};
const personInput = z.strictObject({ ...personFields, ...readOnly });
type PersonInput = z.infer<typeof personInput>;

export const peopleSearch: SearchSpec = {
  table: 'people',
  sortable: {
    name: 'name',
    first_name: "json_extract(data, '$.first_name')",
    last_name: "json_extract(data, '$.last_name')",
    title: "json_extract(data, '$.title')",
    date_modified: 'date_modified',
    date_created: 'date_created',
  },
  defaultSort: 'name',
};

const searchInput = z.strictObject({
  ...entityFilters,
  sort_by: sortByField(peopleSearch),
  emails: z.array(z.string().max(320)).max(200).optional(),
  name: z.string().max(500).optional(),
  phone_number: z.string().max(50).optional(),
  company_ids: z.array(id).max(1000).optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
  ...minMaxModified,
});

const joinName = (p: {
  first_name?: string | null;
  middle_name?: string | null;
  last_name?: string | null;
}): string => [p.first_name, p.middle_name, p.last_name].filter((s) => s && s.trim() !== '').join(' ');

function splitName(name: string): { first_name: string; last_name: string | null } {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1
    ? { first_name: parts.slice(0, -1).join(' '), last_name: parts.at(-1) ?? null }
    : { first_name: name.trim(), last_name: null };
}

const digits = (phones: unknown): string =>
  Array.isArray(phones)
    ? phones.map((p) => String((p as { number?: unknown }).number ?? '').replace(/\D/g, '')).join(' ')
    : '';

function companyName(db: Db, companyId: unknown): string | null {
  if (typeof companyId !== 'number') return null;
  const row = db.prepare('SELECT name FROM companies WHERE id = ?').get(companyId) as
    | { name: string }
    | undefined;
  if (!row) throw invalid('Company: does not exist');
  return row.name;
}

/** Writes a person and its unique e-mail index; 422 if an address belongs to someone else. */
export function savePerson(db: Db, person: JsonRecord): void {
  const list = (person.emails as { email: string }[]) ?? [];
  const seen = new Set<string>();
  for (const { email } of list) {
    const key = email.toLowerCase();
    if (seen.has(key)) throw invalid(`Emails: ${email} is listed twice`);
    seen.add(key);
    const owner = db.prepare('SELECT person_id FROM person_emails WHERE email = ?').get(email) as
      | { person_id: number }
      | undefined;
    if (owner && owner.person_id !== person.id) throw invalid(`Emails: ${email} has already been taken`);
  }
  db.prepare('DELETE FROM person_emails WHERE person_id = ?').run(person.id);
  const insert = db.prepare('INSERT INTO person_emails (email, person_id) VALUES (?, ?)');
  for (const { email } of list) insert.run(email, person.id);
  saveRecord(
    db,
    'people',
    { name: person.name, company_id: person.company_id, phones: digits(person.phone_numbers) },
    person,
  );
}

function applyPerson(db: Db, base: JsonRecord, input: Partial<PersonInput>): JsonRecord {
  const { id: _i, date_created: _c, date_modified: _m, interaction_count: _n, ...fields } = input;
  const next: JsonRecord = { ...base, ...defined(fields) };
  const nameGiven = typeof input.name === 'string' && input.name.trim() !== '';
  const partsGiven =
    input.first_name !== undefined || input.last_name !== undefined || input.middle_name !== undefined;
  if (nameGiven && !partsGiven) Object.assign(next, splitName(input.name ?? ''));
  if (!nameGiven && partsGiven) next.name = joinName(next as Parameters<typeof joinName>[0]);
  if (typeof next.name !== 'string' || next.name.trim() === '') throw invalid("Name: can't be blank");
  next.name = next.name.trim();
  if (input.company_id !== undefined) next.company_name = companyName(db, input.company_id);
  return next;
}

export function createPerson(ctx: RouteContext, input: Partial<PersonInput>): JsonRecord {
  const now = ctx.clock.now();
  const base: JsonRecord = {
    id: nextId(ctx.db, 'people'),
    name: null,
    first_name: null,
    last_name: null,
    prefix: null,
    middle_name: null,
    suffix: null,
    address: null,
    assignee_id: null,
    company_id: null,
    company_name: null,
    contact_type_id: null,
    details: null,
    emails: [],
    phone_numbers: [],
    socials: [],
    tags: [],
    title: null,
    websites: [],
    custom_fields: [],
    date_created: now,
    date_modified: now,
    date_last_contacted: null,
    interaction_count: 0,
    leads_converted_from: [],
    date_lead_created: null,
  };
  const person = applyPerson(ctx.db, base, input);
  savePerson(ctx.db, person);
  return person;
}

export function registerPeople(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.post('/people/fetch_by_email', async (request) => {
    const { email } = parseInput(
      z.strictObject({ email: emailAddress }),
      request.body,
      'POST /people/fetch_by_email',
    );
    const row = db.prepare('SELECT person_id FROM person_emails WHERE email = ?').get(email) as
      | { person_id: number }
      | undefined;
    const person = row ? getRecord(db, 'people', row.person_id) : undefined;
    if (!person) throw notFound();
    return person;
  });

  app.post('/people/search', async (request, reply) => {
    const input = parseInput(searchInput, searchBody(request), 'POST /people/search');
    const filter = newFilter();
    if (input.emails) {
      const list = input.emails.map((e) => e.trim());
      filter.where.push(
        `id IN (SELECT person_id FROM person_emails WHERE email IN (${list.map(() => '?').join(',') || 'NULL'}))`,
      );
      filter.params.push(...list);
    }
    if (input.name !== undefined)
      addCompare(filter, "name LIKE ? ESCAPE '\\'", `%${escapeLike(input.name)}%`);
    if (input.phone_number !== undefined) {
      addCompare(filter, 'phones LIKE ?', `%${input.phone_number.replace(/\D/g, '') || '\u0000'}%`);
    }
    addIn(filter, 'company_id', input.company_ids);
    for (const tag of input.tags ?? [])
      addCompare(filter, "EXISTS (SELECT 1 FROM json_each(data, '$.tags') WHERE value = ?)", tag);
    addModifiedFilters(filter, input);
    return answerSearch(reply, runSearch(db, peopleSearch, input, filter));
  });

  registerGetById(app, ctx, '/people', 'people');

  app.post('/people', async (request) => {
    const input = parseInput(personInput, request.body, 'POST /people');
    return db.transaction(() => createPerson(ctx, input))();
  });

  app.put<{ Params: { id: string } }>('/people/:id', async (request) => {
    const input = parseInput(personInput, request.body, 'PUT /people/:id');
    return updateRecord(
      ctx,
      'people',
      request.params.id,
      (current) => applyPerson(db, current, input),
      (next) => savePerson(db, next),
    );
  });

  app.delete<{ Params: { id: string } }>('/people/:id', async (request) => {
    const personId = Number(request.params.id);
    return db.transaction(() => {
      if (!getRecord(db, 'people', personId)) throw notFound();
      db.prepare('DELETE FROM person_emails WHERE person_id = ?').run(personId);
      db.prepare('DELETE FROM people WHERE id = ?').run(personId);
      db.prepare(
        "DELETE FROM related_links WHERE (a_type = 'person' AND a_id = ?) OR (b_type = 'person' AND b_id = ?)",
      ).run(personId, personId);
      return { id: personId, is_deleted: true };
    })();
  });
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function addModifiedFilters(
  filter: ReturnType<typeof newFilter>,
  input: {
    minimum_modified_date?: number | undefined;
    maximum_modified_date?: number | undefined;
    minimum_created_date?: number | undefined;
    maximum_created_date?: number | undefined;
  },
): void {
  addCompare(filter, 'date_modified >= ?', input.minimum_modified_date);
  addCompare(filter, 'date_modified <= ?', input.maximum_modified_date);
  addCompare(filter, 'date_created >= ?', input.minimum_created_date);
  addCompare(filter, 'date_created <= ?', input.maximum_created_date);
}
