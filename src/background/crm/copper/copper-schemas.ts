/**
 * Copper Developer API v1 response shapes (reference/copper-api.md), only the fields Threadline
 * reads. Unknown fields are dropped, missing optional ones default, and dates are accepted as unix
 * seconds or mm/dd/yyyy strings.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema';

const optText = lazySchema(() => z.optional(z.nullable(z.string())));
const optId = lazySchema(() => z.optional(z.nullable(z.number())));
const optList = <T extends z.ZodMiniType>(item: T) => z.optional(z.nullable(z.array(item)));

/** Unix seconds from a Copper date: seconds, milliseconds, mm/dd/yyyy or an ISO string. */
export function copperDateToSeconds(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value))
    return value > 1e11 ? Math.floor(value / 1000) : Math.floor(value);
  if (typeof value !== 'string' || value.trim() === '') return null;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (us) return Math.floor(Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2])) / 1000);
  if (/^\d+$/.test(value.trim())) return copperDateToSeconds(Number(value));
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : Math.floor(parsed / 1000);
}

const copperDate = lazySchema(() => z.optional(z.nullable(z.union([z.number(), z.string()]))));

export const copperAddress = lazySchema(() =>
  z.optional(
    z.nullable(
      z.object({ street: optText, city: optText, state: optText, postal_code: optText, country: optText }),
    ),
  ),
);
const copperEmail = lazySchema(() => z.object({ email: z.string(), category: optText }));
const copperPhone = lazySchema(() => z.object({ number: z.string(), category: optText }));

export const copperPerson = lazySchema(() =>
  z.object({
    id: z.number(),
    name: optText,
    first_name: optText,
    last_name: optText,
    title: optText,
    company_id: optId,
    company_name: optText,
    emails: optList(copperEmail),
    phone_numbers: optList(copperPhone),
    address: copperAddress,
    tags: optList(z.string()),
    assignee_id: optId,
    date_last_contacted: copperDate,
    date_modified: copperDate,
  }),
);
export type CopperPerson = z.infer<typeof copperPerson>;

export const copperLead = lazySchema(() =>
  z.object({
    id: z.number(),
    name: optText,
    first_name: optText,
    last_name: optText,
    title: optText,
    company_name: optText,
    email: z.optional(z.nullable(copperEmail)),
    phone_numbers: optList(copperPhone),
    status: optText,
    assignee_id: optId,
    date_modified: copperDate,
  }),
);
export type CopperLead = z.infer<typeof copperLead>;

export const copperCompany = lazySchema(() =>
  z.object({
    id: z.number(),
    name: optText,
    email_domain: optText,
    address: copperAddress,
    phone_numbers: optList(copperPhone),
    tags: optList(z.string()),
    date_modified: copperDate,
  }),
);
export type CopperCompany = z.infer<typeof copperCompany>;

export const copperOpportunity = lazySchema(() =>
  z.object({
    id: z.number(),
    name: optText,
    pipeline_id: optId,
    pipeline_stage_id: optId,
    status: optText,
    company_id: optId,
    primary_contact_id: optId,
    monetary_value: z.optional(z.nullable(z.number())),
    close_date: copperDate,
    details: optText,
    date_modified: copperDate,
  }),
);
export type CopperOpportunity = z.infer<typeof copperOpportunity>;

export const copperPipelines = lazySchema(() =>
  z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      stages: optList(
        z.object({ id: z.number(), name: z.string(), win_probability: z.optional(z.nullable(z.number())) }),
      ),
    }),
  ),
);

export const copperActivity = lazySchema(() =>
  z.object({
    id: z.number(),
    parent: z.object({ id: z.number(), type: z.string() }),
    type: z.object({ id: z.number(), category: z.string() }),
    details: optText,
    activity_date: copperDate,
    date_modified: copperDate,
  }),
);

export const copperTask = lazySchema(() =>
  z.object({
    id: z.number(),
    name: optText,
    related_resource: z.optional(z.nullable(z.object({ id: z.number(), type: z.string() }))),
    due_date: copperDate,
    priority: optText,
    status: optText,
    date_modified: copperDate,
  }),
);
export type CopperTask = z.infer<typeof copperTask>;

const copperActivityType = lazySchema(() =>
  z.object({
    id: z.number(),
    category: z.string(),
    name: z.string(),
    is_disabled: z.optional(z.nullable(z.boolean())),
  }),
);
export const copperActivityTypes = lazySchema(() =>
  z.object({
    user: optList(copperActivityType),
    system: optList(copperActivityType),
  }),
);

export const copperUser = lazySchema(() => z.object({ id: z.number(), name: optText, email: z.string() }));
export const copperAccount = lazySchema(() => z.object({ id: z.number(), name: z.string() }));
