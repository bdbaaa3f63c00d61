/** What the sidebar shows about the open thread besides its contacts (sent with the cards). */
import { z } from 'zod/mini';
import { pipelineSchema, RECORD_TYPES } from './crm-model';
import { lazySchema } from './lazy-schema';

export const threadExtrasSchema = lazySchema(() =>
  z.strictObject({
    links: z.array(
      z.strictObject({
        type: z.enum(RECORD_TYPES),
        id: z.number(),
        title: z.string(),
        /** The link waits in the outbox. */
        pending: z.boolean(),
      }),
    ),
    /** Messages of the thread logged (or queued) on at least one record. */
    loggedMessages: z.number(),
    messageCount: z.number(),
    tasks: z.array(
      z.strictObject({
        id: z.number(),
        name: z.string(),
        relatedKey: z.nullable(z.string()),
        dueDate: z.nullable(z.number()),
        priority: z.enum(['None', 'High']),
        status: z.enum(['Open', 'Completed']),
        pending: z.boolean(),
      }),
    ),
    pipelines: z.array(pipelineSchema),
    /** How the CRM writes dates (learned from its data or said once by the user); null: ask in the deal form. */
    crmDateOrder: z.nullable(z.enum(['monthFirst', 'dayFirst'])),
    consent: z.strictObject({ emailLogging: z.boolean(), version: z.number() }),
    settings: z.strictObject({
      emailContentLevel: z.enum(['none', 'metadata', 'full']),
      autoLog: z.boolean(),
      autoLogChangeable: z.boolean(),
      prohibitedDataMode: z.enum(['block', 'warn', 'off']),
      /** The organisation's own notice (DisclosureTextUrl), linked under the disclosure. */
      disclosureUrl: z.nullable(z.string()),
    }),
  }),
);
export type ThreadExtras = z.infer<typeof threadExtrasSchema>;
