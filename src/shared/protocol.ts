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
import { RECORD_TYPES } from './crm-model';

/** Upper bounds keep a hostile or broken page from making the worker allocate without limit. */
const LIMITS = { participants: 20_000, messages: 5_000, text: 2_000, id: 256, address: 320 } as const;

export const participantSchema = z.object({
  name: z.string().check(z.maxLength(LIMITS.text)),
  address: z.string().check(z.minLength(1), z.maxLength(LIMITS.address)),
});
export type Participant = z.infer<typeof participantSchema>;

const idString = z.string().check(z.minLength(1), z.maxLength(LIMITS.id));

/** One message of a thread: who and when, never the body (that is read only when logging `full`). */
export const messageFactsSchema = z.object({
  messageId: idString,
  from: participantSchema,
  recipients: z.array(participantSchema).check(z.maxLength(LIMITS.participants)),
  /** Unix seconds, when Gmail shows a parseable date. */
  date: z.nullable(z.number()),
});
export type MessageFacts = z.infer<typeof messageFactsSchema>;

export const threadFactsSchema = z.object({
  threadId: idString,
  subject: z.string().check(z.maxLength(LIMITS.text)),
  participants: z.array(participantSchema).check(z.maxLength(LIMITS.participants)),
  messageIds: z.array(idString).check(z.maxLength(LIMITS.messages)),
  messages: z.optional(z.array(messageFactsSchema).check(z.maxLength(LIMITS.messages))),
  /** Collapsed messages whose people Gmail did not expose (InboxSDK cannot read them until expanded). */
  unreadMessages: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(LIMITS.messages))),
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

export const recordRef = z.object({
  type: z.enum(RECORD_TYPES),
  id: z.number().check(z.int()),
});
const accountField = { account: accountSchema };
const NOTE_MAX = 20_000;
/** A body read from Gmail for logging at content level `full` (truncated by the content script). */
export const BODY_MAX = 20_000;

export const privacyCountsSchema = z.record(z.string(), z.number());
export const auditRowSchema = z.object({
  at: z.number(),
  purpose: z.string(),
  host: z.string(),
  method: z.string(),
  dataClasses: z.array(z.string()),
  recordIds: z.array(z.string()),
  bytes: z.number(),
});
export type AuditRowView = z.infer<typeof auditRowSchema>;
export const consentViewSchema = z.object({
  scope: z.string(),
  version: z.number(),
  textHash: z.string(),
  grantedAt: z.number(),
  withdrawnAt: z.nullable(z.number()),
  current: z.boolean(),
});
export type ConsentView = z.infer<typeof consentViewSchema>;

/** User settings the pages may change (where policy leaves them free). */
export const userSettingsPatchSchema = z.object({
  emailContentLevel: z.optional(z.enum(['none', 'metadata', 'full'])),
  defaultVisibility: z.optional(z.enum(['private', 'team'])),
  autoLogDefault: z.optional(z.boolean()),
  neverLog: z.optional(z.array(z.string().check(z.maxLength(320))).check(z.maxLength(1000))),
  retentionDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
  prohibitedDataMode: z.optional(z.enum(['block', 'warn', 'off'])),
});

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
  // --- threads and records (issue 5) ---
  linkThread: z.object({
    type: z.literal('linkThread'),
    ...accountField,
    threadId: idString,
    record: recordRef,
  }),
  unlinkThread: z.object({
    type: z.literal('unlinkThread'),
    ...accountField,
    threadId: idString,
    record: recordRef,
  }),
  /** Log every message of the open thread on these records (and link them). */
  logThread: z.object({
    type: z.literal('logThread'),
    ...accountField,
    threadId: idString,
    records: z.array(recordRef).check(z.minLength(1), z.maxLength(20)),
    visibility: z.enum(['private', 'team']),
    /** After the guard found prohibited data in a body: remove it, or (mode `warn`) send anyway. */
    prohibited: z.optional(z.enum(['redact', 'send'])),
  }),
  addNote: z.object({
    type: z.literal('addNote'),
    ...accountField,
    record: recordRef,
    text: z.string().check(z.minLength(1), z.maxLength(NOTE_MAX)),
    /** The user saw the guard's warning and chose to send anyway (mode `warn` only). */
    acknowledgeProhibited: z.optional(z.boolean()),
  }),
  createTask: z.object({
    type: z.literal('createTask'),
    ...accountField,
    name: z.string().check(z.minLength(1), z.maxLength(500)),
    related: z.nullable(recordRef),
    dueDate: z.nullable(z.number()),
    priority: z.enum(['None', 'High']),
  }),
  setTaskStatus: z.object({
    type: z.literal('setTaskStatus'),
    ...accountField,
    taskId: z.number().check(z.int()),
    status: z.enum(['Open', 'Completed']),
  }),
  createDeal: z.object({
    type: z.literal('createDeal'),
    ...accountField,
    threadId: z.nullable(idString),
    name: z.string().check(z.minLength(1), z.maxLength(500)),
    pipelineId: z.number().check(z.int()),
    stageId: z.number().check(z.int()),
    value: z.nullable(z.number().check(z.minimum(0), z.maximum(1e15))),
    closeDate: z.nullable(z.number()),
    primaryContactId: z.nullable(z.number().check(z.int())),
    companyId: z.nullable(z.number().check(z.int())),
  }),
  updateDeal: z.object({
    type: z.literal('updateDeal'),
    ...accountField,
    dealId: z.number().check(z.int(), z.positive()),
    stageId: z.optional(z.number().check(z.int())),
    status: z.optional(z.enum(['Open', 'Won', 'Lost', 'Abandoned'])),
  }),
  grantConsent: z.object({
    type: z.literal('grantConsent'),
    ...accountField,
    version: z.number().check(z.int()),
    textHash: z.string().check(z.length(64)),
  }),
  withdrawConsent: z.object({ type: z.literal('withdrawConsent'), ...accountField }),
  setUserSettings: z.object({ type: z.literal('setUserSettings'), patch: userSettingsPatchSchema }),
  // --- content script: inbox rows and compose ---
  rowBadges: z.object({
    type: z.literal('rowBadges'),
    ...accountField,
    rows: z
      .array(
        z.object({
          threadId: idString,
          addresses: z.array(z.string().check(z.maxLength(LIMITS.address))).check(z.maxLength(50)),
        }),
      )
      .check(z.maxLength(500)),
  }),
  composeDefaults: z.object({
    type: z.literal('composeDefaults'),
    ...accountField,
    threadId: z.nullable(idString),
  }),
  composeSent: z.object({
    type: z.literal('composeSent'),
    ...accountField,
    threadId: idString,
    messageId: idString,
    subject: z.string().check(z.maxLength(LIMITS.text)),
    recipients: z.array(participantSchema).check(z.maxLength(500)),
    body: z.nullable(z.string().check(z.maxLength(BODY_MAX))),
  }),
  // --- privacy centre (options page) ---
  privacyOverview: z.object({ type: z.literal('privacyOverview') }),
  auditLog: z.object({
    type: z.literal('auditLog'),
    ...accountField,
    purpose: z.optional(z.string().check(z.maxLength(50))),
    from: z.optional(z.number()),
    to: z.optional(z.number()),
  }),
  exportData: z.object({ type: z.literal('exportData'), ...accountField }),
  deleteData: z.object({ type: z.literal('deleteData'), ...accountField }),
} as const;

/** Worker → content script: the "Search the CRM" shortcut; give the sidebar frame the focus. */
export const focusSidebarSchema = z.object({ type: z.literal('focusSidebar') });

/** Worker → content script (tabs.sendMessage): bodies for logging at content level `full`. */
export const readBodiesSchema = z.object({
  type: z.literal('readBodies'),
  threadId: idString,
  messageIds: z.array(idString).check(z.maxLength(LIMITS.messages)),
});
export const readBodiesAnswerSchema = z.object({
  bodies: z.array(z.object({ messageId: idString, text: z.string().check(z.maxLength(BODY_MAX)) })),
});

const ack = z.object({ ok: z.literal(true) });
/** What the prohibited-data guard found (kinds and where, never the values) and what may be done. */
const prohibitedAnswer = z.object({
  mode: z.enum(['block', 'warn']),
  findings: z.array(
    z.object({
      kind: z.enum(['card', 'ssn', 'iban', 'routing']),
      /** Which message of the thread (1-based) and of how many; null for a note. */
      message: z.nullable(z.number()),
      of: z.nullable(z.number()),
      start: z.number(),
      end: z.number(),
    }),
  ),
});
const done = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export const responseSchemas = {
  threadOpened: ack,
  threadClosed: ack,
  inboxsdk__injectPageWorld: z.boolean(),
  hostStatus: z.object({ enabled: z.boolean(), contentLevel: z.enum(['none', 'metadata', 'full']) }),
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
  linkThread: done,
  unlinkThread: done,
  logThread: z.union([
    z.object({ ok: z.literal(true), queued: z.number() }),
    z.object({
      ok: z.literal(false),
      error: z.string(),
      needsConsent: z.optional(z.boolean()),
      prohibited: z.optional(prohibitedAnswer),
    }),
  ]),
  addNote: z.union([
    z.object({ ok: z.literal(true) }),
    z.object({ ok: z.literal(false), error: z.string(), prohibited: z.optional(prohibitedAnswer) }),
  ]),
  createTask: done,
  setTaskStatus: done,
  createDeal: done,
  updateDeal: done,
  grantConsent: done,
  withdrawConsent: ack,
  setUserSettings: done,
  rowBadges: z.object({
    badges: z.array(
      z.object({ threadId: z.string(), contact: z.boolean(), dealStage: z.nullable(z.string()) }),
    ),
  }),
  composeDefaults: z.object({ logToCrm: z.boolean(), allowed: z.boolean() }),
  composeSent: z.object({ logged: z.number() }),
  privacyOverview: z.object({
    accounts: z.array(
      z.object({ account: z.string(), counts: privacyCountsSchema, consents: z.array(consentViewSchema) }),
    ),
    disclosure: z.object({ version: z.number(), textHash: z.string() }),
  }),
  auditLog: z.object({ rows: z.array(auditRowSchema) }),
  exportData: z.object({ json: z.string() }),
  deleteData: ack,
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
  linkThread: ['sidebarPage'],
  unlinkThread: ['sidebarPage'],
  logThread: ['sidebarPage'],
  addNote: ['sidebarPage'],
  createTask: ['sidebarPage'],
  setTaskStatus: ['sidebarPage'],
  createDeal: ['sidebarPage'],
  updateDeal: ['sidebarPage'],
  grantConsent: ['sidebarPage', 'optionsPage'],
  withdrawConsent: ['sidebarPage', 'optionsPage'],
  setUserSettings: ['optionsPage', 'sidebarPage'],
  rowBadges: ['gmailContentScript'],
  composeDefaults: ['gmailContentScript'],
  composeSent: ['gmailContentScript'],
  privacyOverview: ['optionsPage'],
  auditLog: ['optionsPage'],
  exportData: ['optionsPage'],
  deleteData: ['optionsPage'],
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
  requestSchemas.linkThread,
  requestSchemas.unlinkThread,
  requestSchemas.logThread,
  requestSchemas.addNote,
  requestSchemas.createTask,
  requestSchemas.setTaskStatus,
  requestSchemas.createDeal,
  requestSchemas.updateDeal,
  requestSchemas.grantConsent,
  requestSchemas.withdrawConsent,
  requestSchemas.setUserSettings,
  requestSchemas.rowBadges,
  requestSchemas.composeDefaults,
  requestSchemas.composeSent,
  requestSchemas.privacyOverview,
  requestSchemas.auditLog,
  requestSchemas.exportData,
  requestSchemas.deleteData,
]);
export type AnyRequest = z.infer<typeof requestSchema>;

/** A short, content-free description of why a value failed validation (paths and codes only). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
