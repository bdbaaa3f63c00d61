/**
 * The sidebar port (`runtime.connect({ name: SIDEBAR_PORT })`): what the sidebar and the worker
 * say over it, and the view the worker pushes. Kept apart from protocol.ts so the content script,
 * which never opens this port, does not carry these schemas.
 */
import { z } from 'zod/mini';
import {
  activitySchema,
  cachedCompanySchema,
  cachedLeadSchema,
  opportunitySchema,
  personSchema,
} from './crm-model';
import { lazySchema } from './lazy-schema';
import { accountSchema, threadFactsSchema } from './protocol';
import { statusViewSchema } from './status-view';
import { laneConnectionSchema, laneKeySchema } from './tab-lane';
import { threadExtrasSchema } from './thread-extras';

export const SIDEBAR_PORT = 'threadline-sidebar';

/** The thread open in a tab (or none), with a sequence to order updates: the worker's own record. */
export const threadStateSchema = lazySchema(() =>
  z.strictObject({
    seq: z.number().check(z.int(), z.nonnegative()),
    account: z.nullable(accountSchema),
    thread: z.nullable(threadFactsSchema),
  }),
);
export type ThreadState = z.infer<typeof threadStateSchema>;

/** What the sidebar shows of the thread: its facts without the per-message lists it never reads. */
export const threadSummarySchema = lazySchema(() =>
  z.extend(z.omit(threadFactsSchema, { messageIds: true, messages: true }), {
    messageCount: z.number().check(z.int(), z.nonnegative()),
  }),
);
export type ThreadSummary = z.infer<typeof threadSummarySchema>;

/** The sidebar's picture of its tab: the open thread's summary, with a sequence to order updates. */
export const threadViewStateSchema = lazySchema(() =>
  z.strictObject({
    seq: z.number().check(z.int(), z.nonnegative()),
    account: z.nullable(accountSchema),
    thread: z.nullable(threadSummarySchema),
  }),
);
export type ThreadViewState = z.infer<typeof threadViewStateSchema>;

export const sidebarToWorkerSchema = lazySchema(() =>
  z.discriminatedUnion('type', [z.strictObject({ type: z.literal('subscribe') })]),
);
export type SidebarToWorker = z.infer<typeof sidebarToWorkerSchema>;

export const dealViewSchema = lazySchema(() =>
  z.strictObject({
    deal: opportunitySchema,
    pipelineName: z.nullable(z.string()),
    stageName: z.nullable(z.string()),
  }),
);
export type DealView = z.infer<typeof dealViewSchema>;

/** One outside participant of the open thread, as the sidebar shows them. */
export const contactCardSchema = lazySchema(() =>
  z.strictObject({
    address: z.string(),
    displayName: z.string(),
    state: z.enum(['person', 'lead', 'unknown', 'checking']),
    person: z.nullable(personSchema),
    /**
     * False while the person's phones, address and tags are not cached (issue 17: kept only for people
     * whose card was shown); they are fetched with the card's activities, and `person` holds them empty.
     */
    detailsKnown: z.boolean(),
    ownerName: z.nullable(z.string()),
    lead: z.nullable(cachedLeadSchema),
    company: z.nullable(cachedCompanySchema),
    deals: z.array(dealViewSchema),
    /** null: not fetched yet. */
    activities: z.nullable(z.array(activitySchema)),
    /** A write to this contact waits in the outbox; `writeError`: it failed for good. */
    pendingWrite: z.boolean(),
    writeError: z.nullable(z.string()),
    suggestion: z.nullable(
      z.strictObject({ name: z.string(), companyName: z.nullable(z.string()), companyKnown: z.boolean() }),
    ),
  }),
);
export type ContactCard = z.infer<typeof contactCardSchema>;

// The status moved to status-view.ts (the toolbar popup's message declares it too); re-exported here.
export { HEALTH_STATES, type Health, type StatusView, statusViewSchema } from './status-view';

/** The sending connection's running count (sidebar-hub.ts): what arrives after a later one is dropped. */
const counted = { n: lazySchema(() => z.optional(z.number().check(z.int(), z.positive()))) };

/**
 * Worker → sidebar. `view` is the ONE message a change paints from: the thread, its cards and the
 * status together (a thread open, a write, a sync step each send one). `cards` is null while they are
 * being built for a thread the worker has not looked up yet. `extras` follow the view, off the paint path.
 */
export const workerToSidebarSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('view'),
      state: threadViewStateSchema,
      cards: z.nullable(z.array(contactCardSchema)),
      status: z.nullable(statusViewSchema),
      ...counted,
    }),
    /** Links, tasks, pipelines, consent and settings for thread `threadId` (sent after its view). */
    z.strictObject({
      type: z.literal('extras'),
      seq: z.number(),
      threadId: z.string(),
      extras: threadExtrasSchema,
      ...counted,
    }),
    /** The "Search the CRM" shortcut was pressed in this tab. */
    z.strictObject({ type: z.literal('focusSearch'), ...counted }),
    /** This tab's lane key and this connection's id (tab-lane.ts): the sidebar takes its parent page's port only with the key. */
    z.strictObject({
      type: z.literal('laneKey'),
      key: laneKeySchema,
      connection: laneConnectionSchema,
      ...counted,
    }),
    /** The answer to the benchmark's `benchPing` (protocol.ts): rendered, nothing else. */
    z.strictObject({ type: z.literal('benchPong'), seq: z.number(), ...counted }),
  ]),
);
export type WorkerToSidebar = z.infer<typeof workerToSidebarSchema>;
export type SidebarView = Extract<WorkerToSidebar, { type: 'view' }>;

/** The summary the sidebar gets of a thread. */
export function summariseThread(state: ThreadState): ThreadViewState {
  if (!state.thread) return { seq: state.seq, account: state.account, thread: null };
  const { messageIds, messages: _messages, ...summary } = state.thread;
  return { seq: state.seq, account: state.account, thread: { ...summary, messageCount: messageIds.length } };
}
