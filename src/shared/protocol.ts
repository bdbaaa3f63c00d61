/**
 * Every message between Threadline's contexts, declared once (CONVENTIONS.md).
 *
 * Two channels:
 * - one-shot requests (`runtime.sendMessage`): `requestSchemas` / `responseSchemas`, keyed by `type`;
 *   `requestSenders` says which context may send each one.
 * - the sidebar port (`runtime.connect({ name: SIDEBAR_PORT })`): `sidebarToWorkerSchema` and
 *   `workerToSidebarSchema`.
 * Everything is validated with zod on receipt; nothing crosses a boundary as `any`.
 */
// zod/mini: same validation, tree-shakable, so the content script stays a few kB (issue 2).
import { z } from 'zod/mini';

/** Upper bounds keep a hostile or broken page from making the worker allocate without limit. */
const LIMITS = { participants: 20_000, messages: 5_000, text: 2_000, id: 256, address: 320 } as const;

export const participantSchema = z.object({
  name: z.string().check(z.maxLength(LIMITS.text)),
  address: z.string().check(z.minLength(1), z.maxLength(LIMITS.address)),
});
export type Participant = z.infer<typeof participantSchema>;

export const threadFactsSchema = z.object({
  threadId: z.string().check(z.minLength(1), z.maxLength(LIMITS.id)),
  subject: z.string().check(z.maxLength(LIMITS.text)),
  participants: z.array(participantSchema).check(z.maxLength(LIMITS.participants)),
  messageIds: z
    .array(z.string().check(z.minLength(1), z.maxLength(LIMITS.id)))
    .check(z.maxLength(LIMITS.messages)),
});
export type ThreadFacts = z.infer<typeof threadFactsSchema>;

/** The Gmail account (address) the tab is signed in to; every piece of state is per account. */
export const accountSchema = z.string().check(z.minLength(3), z.maxLength(LIMITS.address), z.includes('@'));

export const CRM_KINDS = ['local', 'copper'] as const;
export const connectionInputSchema = z.object({
  kind: z.enum(CRM_KINDS),
  baseUrl: z.string().check(z.maxLength(500)),
  apiKey: z.string().check(z.minLength(1), z.maxLength(500)),
  email: z.string().check(z.minLength(3), z.maxLength(LIMITS.address), z.includes('@')),
  /** Requests per minute Threadline allows itself; defaults to just under Copper's 180. */
  requestsPerMinute: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000))),
});
export type ConnectionInput = z.infer<typeof connectionInputSchema>;

/** A saved CRM connection, as the options page may see it (never the API key). */
export const connectionInfoSchema = z.object({
  kind: z.enum(CRM_KINDS),
  baseUrl: z.string(),
  email: z.string(),
  accountName: z.string(),
  userName: z.string(),
  connectedAt: z.number(),
  requestsPerMinute: z.optional(z.number()),
});
export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

const connectionResult = z.union([
  z.object({ ok: z.literal(true), info: connectionInfoSchema }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export const searchResultSchema = z.object({
  kind: z.enum(['person', 'company', 'lead', 'opportunity']),
  id: z.number(),
  title: z.string(),
  subtitle: z.string(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const requestSchemas = {
  threadOpened: z.object({
    type: z.literal('threadOpened'),
    account: accountSchema,
    thread: threadFactsSchema,
  }),
  threadClosed: z.object({
    type: z.literal('threadClosed'),
    account: accountSchema,
    threadId: z.string().check(z.minLength(1), z.maxLength(LIMITS.id)),
  }),
  /** Sent by @inboxsdk/core's content script; the shape is theirs (reference/inboxsdk.md). */
  inboxsdk__injectPageWorld: z.object({ type: z.literal('inboxsdk__injectPageWorld') }),
  /** The content script asks whether Threadline runs for this Gmail account (admin policy). */
  hostStatus: z.object({ type: z.literal('hostStatus'), account: accountSchema }),
  // --- sidebar ---
  addContact: z.object({
    type: z.literal('addContact'),
    account: accountSchema,
    address: z.string().check(z.minLength(3), z.maxLength(LIMITS.address)),
    name: z.string().check(z.minLength(1), z.maxLength(500)),
    kind: z.enum(['person', 'lead']),
    companyName: z.nullable(z.string().check(z.maxLength(500))),
  }),
  updatePerson: z.object({
    type: z.literal('updatePerson'),
    account: accountSchema,
    personId: z.number().check(z.int(), z.positive()),
    patch: z.object({
      title: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
      phones: z.optional(
        z
          .array(
            z.object({
              value: z.string().check(z.maxLength(50)),
              category: z.string().check(z.maxLength(50)),
            }),
          )
          .check(z.maxLength(20)),
      ),
      tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(50))),
    }),
  }),
  searchCrm: z.object({
    type: z.literal('searchCrm'),
    account: accountSchema,
    query: z.string().check(z.maxLength(200)),
  }),
  syncNow: z.object({ type: z.literal('syncNow'), account: accountSchema }),
  retryWrites: z.object({ type: z.literal('retryWrites'), account: accountSchema }),
  // --- options page ---
  getConnection: z.object({ type: z.literal('getConnection') }),
  testConnection: z.object({ type: z.literal('testConnection'), connection: connectionInputSchema }),
  connect: z.object({ type: z.literal('connect'), connection: connectionInputSchema }),
  disconnect: z.object({ type: z.literal('disconnect') }),
  getSettings: z.object({ type: z.literal('getSettings') }),
} as const;

const ack = z.object({ ok: z.literal(true) });
const done = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export const responseSchemas = {
  threadOpened: ack,
  threadClosed: ack,
  inboxsdk__injectPageWorld: z.boolean(),
  hostStatus: z.object({ enabled: z.boolean() }),
  addContact: done,
  updatePerson: done,
  searchCrm: z.object({ results: z.array(searchResultSchema) }),
  syncNow: ack,
  retryWrites: ack,
  getConnection: z.object({ info: z.nullable(connectionInfoSchema) }),
  testConnection: connectionResult,
  connect: connectionResult,
  disconnect: ack,
  getSettings: z.object({
    settings: z.record(z.string(), z.unknown()),
    locked: z.array(z.string()),
    warnings: z.array(z.string()),
  }),
} as const satisfies Record<RequestType, z.ZodMiniType>;

export type RequestType = keyof typeof requestSchemas;
export type RequestOf<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
export type ResponseOf<T extends RequestType> = z.infer<(typeof responseSchemas)[T]>;

/** The contexts a message can come from, as the worker classifies `runtime.MessageSender`. */
export type SenderKind = 'gmailContentScript' | 'sidebarPage' | 'optionsPage';

export const requestSenders: Record<RequestType, readonly SenderKind[]> = {
  threadOpened: ['gmailContentScript'],
  threadClosed: ['gmailContentScript'],
  inboxsdk__injectPageWorld: ['gmailContentScript'],
  hostStatus: ['gmailContentScript'],
  addContact: ['sidebarPage'],
  updatePerson: ['sidebarPage'],
  searchCrm: ['sidebarPage'],
  syncNow: ['sidebarPage', 'optionsPage'],
  retryWrites: ['sidebarPage'],
  getConnection: ['optionsPage'],
  testConnection: ['optionsPage'],
  connect: ['optionsPage'],
  disconnect: ['optionsPage'],
  getSettings: ['optionsPage', 'sidebarPage'],
};

export const requestSchema = z.discriminatedUnion('type', [
  requestSchemas.threadOpened,
  requestSchemas.threadClosed,
  requestSchemas.inboxsdk__injectPageWorld,
  requestSchemas.hostStatus,
  requestSchemas.addContact,
  requestSchemas.updatePerson,
  requestSchemas.searchCrm,
  requestSchemas.syncNow,
  requestSchemas.retryWrites,
  requestSchemas.getConnection,
  requestSchemas.testConnection,
  requestSchemas.connect,
  requestSchemas.disconnect,
  requestSchemas.getSettings,
]);
export type AnyRequest = z.infer<typeof requestSchema>;

/** A short, content-free description of why a value failed validation (paths and codes only). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
