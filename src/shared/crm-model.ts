/**
 * Threadline's own model of CRM records. Each CRM adapter maps its API's shapes into these, so the
 * cache, the sync engine and the sidebar never see a vendor's field names. Dates are unix seconds.
 */
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';

const str = (max = 2000) => z.string().check(z.maxLength(max));
const nstr = (max = 2000) => z.nullable(str(max));
const id = lazySchema(() => z.number().check(z.int()));

export const postalAddressSchema = lazySchema(() =>
  z.strictObject({
    street: nstr(500),
    city: nstr(200),
    state: nstr(200),
    postalCode: nstr(50),
    country: nstr(100),
  }),
);
export type PostalAddress = z.infer<typeof postalAddressSchema>;

export const labelledSchema = lazySchema(() => z.strictObject({ value: str(320), category: str(50) }));
export type Labelled = z.infer<typeof labelledSchema>;

export const personSchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    title: nstr(500),
    companyId: z.nullable(id),
    companyName: nstr(500),
    emails: z.array(labelledSchema),
    phones: z.array(labelledSchema),
    address: z.nullable(postalAddressSchema),
    tags: z.array(str(100)),
    ownerId: z.nullable(id),
    lastContactedAt: z.nullable(z.number()),
    modifiedAt: z.number(),
  }),
);
export type Person = z.infer<typeof personSchema>;

export const leadSchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    title: nstr(500),
    companyName: nstr(500),
    email: nstr(320),
    phones: z.array(labelledSchema),
    status: nstr(50),
    ownerId: z.nullable(id),
    modifiedAt: z.number(),
  }),
);
export type Lead = z.infer<typeof leadSchema>;

export const companySchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    domain: nstr(253),
    address: z.nullable(postalAddressSchema),
    phones: z.array(labelledSchema),
    tags: z.array(str(100)),
    modifiedAt: z.number(),
  }),
);
export type Company = z.infer<typeof companySchema>;

/**
 * What the cache keeps, and a card shows, of companies and leads (issue 17): no card or search shows
 * a company's address, phones or tags, or a lead's phones, so they are not cached.
 */
export const CACHED_COMPANY_OMITS = { address: true, phones: true, tags: true } as const;
export const cachedCompanySchema = lazySchema(() => z.omit(companySchema, CACHED_COMPANY_OMITS));
export type CachedCompany = z.infer<typeof cachedCompanySchema>;
export const CACHED_LEAD_OMITS = { phones: true } as const;
export const cachedLeadSchema = lazySchema(() => z.omit(leadSchema, CACHED_LEAD_OMITS));
export type CachedLead = z.infer<typeof cachedLeadSchema>;

export const OPPORTUNITY_STATUSES = ['Open', 'Won', 'Lost', 'Abandoned'] as const;
export const opportunitySchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    pipelineId: z.nullable(id),
    stageId: z.nullable(id),
    status: z.enum(OPPORTUNITY_STATUSES),
    companyId: z.nullable(id),
    primaryContactId: z.nullable(id),
    value: z.nullable(z.number()),
    closeDate: z.nullable(z.number()),
    modifiedAt: z.number(),
  }),
);
export type Opportunity = z.infer<typeof opportunitySchema>;

export const pipelineSchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    stages: z.array(z.strictObject({ id, name: str(500), winProbability: z.nullable(z.number()) })),
  }),
);
export type Pipeline = z.infer<typeof pipelineSchema>;

export const activitySchema = lazySchema(() =>
  z.strictObject({
    id,
    parentType: str(50),
    parentId: id,
    typeName: str(200),
    details: nstr(20_000),
    at: z.number(),
  }),
);
export type Activity = z.infer<typeof activitySchema>;

export const crmUserSchema = lazySchema(() => z.strictObject({ id, name: str(500), email: str(320) }));
export type CrmUser = z.infer<typeof crmUserSchema>;

export const RECORD_TYPES = ['person', 'company', 'lead', 'opportunity'] as const;
export const recordRefSchema = lazySchema(() => z.strictObject({ type: z.enum(RECORD_TYPES), id }));
export type RecordRef = z.infer<typeof recordRefSchema>;
export const recordKeyOf = (ref: RecordRef): string => `${ref.type}:${ref.id}`;

export const taskSchema = lazySchema(() =>
  z.strictObject({
    id,
    name: str(500),
    related: z.nullable(recordRefSchema),
    dueDate: z.nullable(z.number()),
    priority: z.enum(['None', 'High']),
    status: z.enum(['Open', 'Completed']),
    modifiedAt: z.number(),
  }),
);
export type Task = z.infer<typeof taskSchema>;
