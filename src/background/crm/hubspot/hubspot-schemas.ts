/**
 * HubSpot's answers as reference/hubspot-api.md documents them, read with zod. Every id is a digit
 * string, every property value a string or null ("Records, value formats"); an association's
 * `toObjectId` is a string in the spec and a number in real replies, so both are read and compared
 * as strings.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema';

/** HubSpot ids: digit strings. Threadline's model keeps numbers, so at most 15 digits (exact in a double). */
export const hubspotId = lazySchema(() => z.string().check(z.regex(/^\d{1,15}$/)));

export const hubspotRecord = lazySchema(() =>
  z.object({
    id: hubspotId,
    properties: z.record(z.string(), z.nullable(z.string())),
    createdAt: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
    archived: z.optional(z.boolean()),
  }),
);
export type HubspotRecord = z.infer<typeof hubspotRecord>;

const nextPage = lazySchema(() =>
  z.optional(z.object({ next: z.optional(z.object({ after: z.string() })) })),
);

/** A list, search or batch answer: the elements are parsed one by one (hubspot-read.ts). */
export const hubspotResults = lazySchema(() =>
  z.object({
    results: z.array(z.unknown()),
    total: z.optional(z.number()),
    paging: nextPage,
  }),
);

export const hubspotOwner = lazySchema(() =>
  z.object({
    id: hubspotId,
    email: z.optional(z.nullable(z.string())),
    firstName: z.optional(z.nullable(z.string())),
    lastName: z.optional(z.nullable(z.string())),
    userId: z.optional(z.nullable(z.number())),
    type: z.optional(z.string()),
    archived: z.optional(z.boolean()),
  }),
);
export type HubspotOwner = z.infer<typeof hubspotOwner>;

const stage = lazySchema(() =>
  z.object({
    id: z.string().check(z.minLength(1), z.maxLength(200)),
    label: z.string(),
    displayOrder: z.optional(z.number()),
    archived: z.optional(z.boolean()),
    // `probability` is required on deal stages (spec); `isClosed` is only observed (CODE): optional.
    metadata: z.optional(
      z.object({ probability: z.optional(z.nullable(z.string())), isClosed: z.optional(z.string()) }),
    ),
  }),
);
export const hubspotPipeline = lazySchema(() =>
  z.object({
    id: z.string().check(z.minLength(1), z.maxLength(200)),
    label: z.string(),
    displayOrder: z.optional(z.number()),
    archived: z.optional(z.boolean()),
    stages: z.array(stage),
  }),
);
export type HubspotPipeline = z.infer<typeof hubspotPipeline>;

/** An id HubSpot may write as a digit string (spec) or a number (real v4 replies, CODE). */
const looseId = lazySchema(() => z.union([hubspotId, z.number().check(z.int(), z.minimum(0))]));

const associationTypes = lazySchema(() =>
  z.optional(
    z.array(
      z.object({
        category: z.optional(z.string()),
        typeId: z.number().check(z.int()),
        label: z.optional(z.nullable(z.string())),
      }),
    ),
  ),
);

export const hubspotAssociation = lazySchema(() =>
  z.object({
    toObjectId: looseId,
    associationTypes,
  }),
);

/**
 * One element of the v4 batch read of associations (reference, "Associations", BATCH-ASSOC):
 * `{from:{id}, to:[{toObjectId, associationTypes}], paging?}`, `paging` only when the id has more.
 */
export const hubspotBatchAssociation = lazySchema(() =>
  z.object({
    from: z.object({ id: looseId }),
    to: z.array(z.object({ toObjectId: looseId, associationTypes })),
    paging: nextPage,
  }),
);

/** The error body: every field optional (ERR, SPEC). */
export const hubspotError = lazySchema(() =>
  z.object({
    status: z.optional(z.string()),
    message: z.optional(z.string()),
    category: z.optional(z.string()),
    errorType: z.optional(z.string()),
    policyName: z.optional(z.string()),
    errors: z.optional(
      z.array(
        z.object({
          message: z.optional(z.string()),
          code: z.optional(z.string()),
          context: z.optional(z.record(z.string(), z.optional(z.array(z.string())))),
        }),
      ),
    ),
  }),
);
