import { z } from 'zod';
import { numeric } from '../http/run-search';

/** Field schemas shared by Copper's record types. Strings are bounded; unknown keys are rejected. */
export const text = (max = 2000) => z.string().max(max);
export const nullableText = (max = 2000) => z.string().max(max).nullable().optional();
export const id = numeric(z.number().int().positive());

export const address = z
  .strictObject({
    street: nullableText(500),
    city: nullableText(200),
    state: nullableText(200),
    postal_code: nullableText(50),
    country: nullableText(100),
  })
  .nullable()
  .optional();

const categorised = <T extends z.ZodType>(field: string, value: T) =>
  z.strictObject({ [field]: value, category: z.string().max(50).optional() } as Record<string, z.ZodType>);

export const emailAddress = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'is not a valid email');
export const emailEntry = z.strictObject({ email: emailAddress, category: z.string().max(50).optional() });
export const emails = z.array(emailEntry).max(50).optional();
export const phoneNumbers = z
  .array(categorised('number', z.string().max(50)))
  .max(50)
  .optional();
export const urls = z
  .array(categorised('url', z.string().max(2000)))
  .max(50)
  .optional();
export const tags = z.array(z.string().max(100)).max(100).optional();
export const customFields = z
  .array(
    z.strictObject({
      custom_field_definition_id: id,
      value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.number()), z.null()]),
    }),
  )
  .max(200)
  .optional();
export const unixSeconds = numeric(z.number().int().min(0).max(99_999_999_999));
export const minMaxModified = {
  minimum_modified_date: unixSeconds.optional(),
  maximum_modified_date: unixSeconds.optional(),
  minimum_created_date: unixSeconds.optional(),
  maximum_created_date: unixSeconds.optional(),
};

export const resourceType = z.enum(['person', 'company', 'lead', 'opportunity', 'task', 'project']);
export type ResourceType = z.infer<typeof resourceType>;
export const resourceRef = z.strictObject({ id, type: resourceType });

/** Fields the API computes; accepted in update bodies (clients echo records back) and ignored. */
export const readOnly = {
  id: z.unknown().optional(),
  date_created: z.unknown().optional(),
  date_modified: z.unknown().optional(),
  interaction_count: z.unknown().optional(),
};
