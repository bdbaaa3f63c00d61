/**
 * The sidebar port (`runtime.connect({ name: SIDEBAR_PORT })`): what the sidebar and the worker
 * say over it, and the view the worker pushes. Kept apart from protocol.ts so the content script,
 * which never opens this port, does not carry these schemas.
 */
import { z } from 'zod/mini';
import { activitySchema, companySchema, leadSchema, opportunitySchema, personSchema } from './crm-model';
import { accountSchema, threadFactsSchema } from './protocol';
import { threadExtrasSchema } from './thread-extras';

export const SIDEBAR_PORT = 'threadline-sidebar';

/** What the sidebar shows: the thread open in its tab (or none), with a sequence to order updates. */
export const threadStateSchema = z.object({
  seq: z.number().check(z.int(), z.nonnegative()),
  account: z.nullable(accountSchema),
  thread: z.nullable(threadFactsSchema),
});
export type ThreadState = z.infer<typeof threadStateSchema>;

export const sidebarToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe') }),
]);
export type SidebarToWorker = z.infer<typeof sidebarToWorkerSchema>;

export const dealViewSchema = z.object({
  deal: opportunitySchema,
  pipelineName: z.nullable(z.string()),
  stageName: z.nullable(z.string()),
});
export type DealView = z.infer<typeof dealViewSchema>;

/** One outside participant of the open thread, as the sidebar shows them. */
export const contactCardSchema = z.object({
  address: z.string(),
  displayName: z.string(),
  state: z.enum(['person', 'lead', 'unknown', 'checking']),
  person: z.nullable(personSchema),
  ownerName: z.nullable(z.string()),
  lead: z.nullable(leadSchema),
  company: z.nullable(companySchema),
  deals: z.array(dealViewSchema),
  /** null: not fetched yet. */
  activities: z.nullable(z.array(activitySchema)),
  /** A write to this contact waits in the outbox; `writeError`: it failed for good. */
  pendingWrite: z.boolean(),
  writeError: z.nullable(z.string()),
  suggestion: z.nullable(
    z.object({ name: z.string(), companyName: z.nullable(z.string()), companyKnown: z.boolean() }),
  ),
});
export type ContactCard = z.infer<typeof contactCardSchema>;

export const HEALTH_STATES = [
  'notConnected',
  'ok',
  'unauthorized',
  'unreachable',
  'rateLimited',
  'server',
] as const;
export type Health = (typeof HEALTH_STATES)[number];

export const statusViewSchema = z.object({
  health: z.enum(HEALTH_STATES),
  message: z.nullable(z.string()),
  sync: z.object({
    running: z.boolean(),
    initial: z.boolean(),
    entity: z.nullable(z.string()),
    fetched: z.number(),
    total: z.nullable(z.number()),
    lastSyncAt: z.nullable(z.number()),
  }),
  pendingWrites: z.number(),
  failedWrites: z.number(),
  /** Why writes failed, in plain words with what they were (at most three, distinct). */
  failedReasons: z.optional(z.array(z.string())),
  /** Some settings are set by an administrator's policy. */
  managed: z.boolean(),
});
export type StatusView = z.infer<typeof statusViewSchema>;

export const workerToSidebarSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('threadState'), state: threadStateSchema }),
  /** Cards for the outside participants of the thread `threadId` (sent after threadState). */
  z.object({
    type: z.literal('cards'),
    seq: z.number(),
    threadId: z.nullable(z.string()),
    contacts: z.array(contactCardSchema),
  }),
  /** Links, tasks, pipelines, consent and settings for thread `threadId` (sent after its cards). */
  z.object({
    type: z.literal('extras'),
    seq: z.number(),
    threadId: z.string(),
    extras: threadExtrasSchema,
  }),
  z.object({ type: z.literal('status'), status: statusViewSchema }),
  /** The "Search the CRM" shortcut was pressed in this tab. */
  z.object({ type: z.literal('focusSearch') }),
]);
export type WorkerToSidebar = z.infer<typeof workerToSidebarSchema>;
