/**
 * The status of one Gmail account's Threadline (CRM health, sync progress, pending and failed
 * writes), as the worker reads it (background/read-models/status.ts). The sidebar gets it with every
 * view (sidebar-port.ts), the toolbar popup with `statusOverview` (protocol.ts): one declaration for
 * both, in its own module so protocol.ts and sidebar-port.ts do not import each other.
 */
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';

export const HEALTH_STATES = [
  'notConnected',
  'ok',
  'unauthorized',
  'unreachable',
  'rateLimited',
  'server',
  /** The admin policy in force does not allow the saved connection (or could not be read). */
  'policyBlocked',
] as const;
export type Health = (typeof HEALTH_STATES)[number];

export const statusViewSchema = lazySchema(() =>
  z.strictObject({
    health: z.enum(HEALTH_STATES),
    message: z.nullable(z.string()),
    sync: z.strictObject({
      running: z.boolean(),
      initial: z.boolean(),
      entity: z.nullable(z.string()),
      fetched: z.number(),
      total: z.nullable(z.number()),
      lastSyncAt: z.nullable(z.number()),
      /** Records the CRM answered that did not fit the documented shape and were skipped (issue 13). */
      skipped: z.optional(z.number()),
    }),
    pendingWrites: z.number(),
    /**
     * Sync is paused because the browser refused to store more (issue 17): nothing queued is lost, and
     * sync resumes by itself when space returns.
     */
    storageFull: z.optional(z.boolean()),
    /**
     * The browser deleted Threadline's database and it was created again, empty (sync/cache-loss.ts):
     * changes that waited to be sent from this computer may be lost. Shown until dismissed.
     */
    cacheLost: z.optional(z.boolean()),
    failedWrites: z.number(),
    /** Why writes failed, in plain words with what they were (at most three, distinct). */
    failedReasons: z.optional(z.array(z.string())),
    /** Some settings are set by an administrator's policy. */
    managed: z.boolean(),
    /** false when the connected CRM has no leads (HubSpot, ConnectionInfo.leads): "Add as lead" is not offered. Absent: it has. */
    leads: z.optional(z.literal(false)),
    /** false when person tags cannot be written (HubSpot, ConnectionInfo.tags): the edit form has no tags field and the card labels them "Lifecycle stage". Absent: they can. */
    tags: z.optional(z.literal(false)),
  }),
);
export type StatusView = z.infer<typeof statusViewSchema>;
