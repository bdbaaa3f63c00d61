/**
 * Every message between Threadline's contexts, declared once (CONVENTIONS.md).
 *
 * Three channels:
 * - requests to the worker (`runtime.sendMessage`): `messages`, one entry per type with its senders,
 *   strict request schema and response schema; a handler that throws answers `workerErrorSchema`.
 *   Pages and the content script send them through `shared/worker-client.ts`.
 * - worker → content script (`tabs.sendMessage`): `tabMessages`, request and response each.
 * - the sidebar port (`runtime.connect({ name: SIDEBAR_PORT })`): `shared/sidebar-port.ts`.
 * Objects are strict (an unknown field is refused, not stripped); nothing crosses a boundary as `any`.
 */
// zod/mini: same validation, tree-shakable, so the content script stays a few kB (issue 2).
import { z } from 'zod/mini';
import { RECORD_TYPES } from './crm-model';
import { lazySchema } from './lazy-schema';
import { statusViewSchema } from './status-view';
import { laneKeySchema } from './tab-lane';

/** A content script's running count of its lane messages (tab-lane.ts). */
const laneSeqSchema = lazySchema(() => z.number().check(z.int(), z.nonnegative()));

/** Upper bounds keep a hostile or broken page from making the worker allocate without limit. */
const LIMITS = { participants: 20_000, messages: 5_000, text: 2_000, id: 256, address: 320 } as const;

export const participantSchema = lazySchema(() =>
  z.strictObject({
    name: z.string().check(z.maxLength(LIMITS.text)),
    address: z.string().check(z.minLength(1), z.maxLength(LIMITS.address)),
  }),
);
export type Participant = z.infer<typeof participantSchema>;

const idString = lazySchema(() => z.string().check(z.minLength(1), z.maxLength(LIMITS.id)));

/** One message of a thread: who and when, never the body (that is read only when logging `full`). */
export const messageFactsSchema = lazySchema(() =>
  z.strictObject({
    messageId: idString,
    from: participantSchema,
    recipients: z.array(participantSchema).check(z.maxLength(LIMITS.participants)),
    /** Unix seconds, when Gmail shows a parseable date. */
    date: z.nullable(z.number()),
  }),
);
export type MessageFacts = z.infer<typeof messageFactsSchema>;

export const threadFactsSchema = lazySchema(() =>
  z.strictObject({
    threadId: idString,
    subject: z.string().check(z.maxLength(LIMITS.text)),
    participants: z.array(participantSchema).check(z.maxLength(LIMITS.participants)),
    messageIds: z.array(idString).check(z.maxLength(LIMITS.messages)),
    messages: z.optional(z.array(messageFactsSchema).check(z.maxLength(LIMITS.messages))),
    /** Collapsed messages whose people Gmail did not expose (InboxSDK cannot read them until expanded). */
    unreadMessages: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(LIMITS.messages))),
  }),
);
export type ThreadFacts = z.infer<typeof threadFactsSchema>;

/** The Gmail account (address) the tab is signed in to; every piece of state is per account. */
export const accountSchema = lazySchema(() =>
  z.string().check(z.minLength(3), z.maxLength(LIMITS.address), z.includes('@')),
);

export const CRM_KINDS = ['local', 'copper', 'hubspot'] as const;
export type CrmKind = (typeof CRM_KINDS)[number];
export const connectionInputSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(CRM_KINDS),
    baseUrl: z.string().check(z.maxLength(500)),
    apiKey: z.string().check(z.minLength(1), z.maxLength(500)),
    email: z.string().check(z.minLength(3), z.maxLength(LIMITS.address), z.includes('@')),
    /** Requests per minute Threadline allows itself; defaults to just under Copper's 180. */
    requestsPerMinute: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000))),
    /** HubSpot: requests per 10 seconds, from the account tier chosen at connect (100, 190 or 250). */
    requestsPerWindow: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000))),
  }),
);
export type ConnectionInput = z.infer<typeof connectionInputSchema>;

/**
 * The settings in force, as the worker tells its pages (`getSettings`): what shared/settings.ts
 * decides from the defaults, the user's choices and the admin policy. Its type is `Settings`.
 */
export const settingsSchema = lazySchema(() =>
  z.strictObject({
    crmKind: z.nullable(z.enum(CRM_KINDS)),
    crmBaseUrl: z.nullable(z.string()),
    extraAllowedCrmHosts: z.array(z.string()),
    /** Empty: every Google account. */
    allowedAccountDomains: z.array(z.string()),
    emailContentLevel: z.enum(['none', 'metadata', 'full']),
    autoLogDefault: z.boolean(),
    autoLogUserChangeable: z.boolean(),
    neverLog: z.array(z.string()),
    internalDomains: z.array(z.string()),
    retentionDays: z.number(),
    prohibitedDataMode: z.enum(['block', 'warn', 'off']),
    blockInboxSdkTelemetry: z.boolean(),
    emailTrackingAllowed: z.boolean(),
    disclosureTextUrl: z.nullable(z.string()),
  }),
);

/** A saved CRM connection, as the options page may see it (never the API key). */
export const connectionInfoSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(CRM_KINDS),
    baseUrl: z.string(),
    email: z.string(),
    accountName: z.string(),
    userName: z.string(),
    connectedAt: z.number(),
    requestsPerMinute: z.optional(z.number()),
    requestsPerWindow: z.optional(z.number()),
    /** Whether the CRM has leads Threadline can show and create (HubSpot: no). Absent: yes. */
    leads: z.optional(z.boolean()),
    /** Whether person tags can be written (HubSpot: no; its card shows the lifecycle stage there). Absent: yes. */
    tags: z.optional(z.boolean()),
  }),
);
export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

const connectionResult = lazySchema(() =>
  z.union([
    z.strictObject({ ok: z.literal(true), info: connectionInfoSchema }),
    z.strictObject({ ok: z.literal(false), error: z.string() }),
  ]),
);

export const searchResultSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(['person', 'company', 'lead', 'opportunity']),
    id: z.number(),
    title: z.string(),
    subtitle: z.string(),
  }),
);
export type SearchResult = z.infer<typeof searchResultSchema>;

export const recordRef = lazySchema(() =>
  z.strictObject({
    type: z.enum(RECORD_TYPES),
    id: z.number().check(z.int()),
  }),
);
const accountField = { account: accountSchema };
/**
 * A save of a note, task or deal: the sidebar's id for it, the same when the user saves the same
 * input again after no answer or a failure (the first may have been queued before the worker
 * stopped). The worker queues each id once (outbox/user-actions.ts).
 */
const actionIdField = { actionId: lazySchema(() => z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/))) };
const NOTE_MAX = 20_000;
/** A body read from Gmail for logging at content level `full` (truncated by the content script). */
export const BODY_MAX = 20_000;

export const privacyCountsSchema = lazySchema(() => z.record(z.string(), z.number()));
export const auditRowSchema = lazySchema(() =>
  z.strictObject({
    at: z.number(),
    purpose: z.string(),
    host: z.string(),
    method: z.string(),
    dataClasses: z.array(z.string()),
    recordIds: z.array(z.string()),
    bytes: z.number(),
  }),
);
export type AuditRowView = z.infer<typeof auditRowSchema>;
export const consentViewSchema = lazySchema(() =>
  z.strictObject({
    scope: z.string(),
    version: z.number(),
    textHash: z.string(),
    grantedAt: z.number(),
    withdrawnAt: z.nullable(z.number()),
    current: z.boolean(),
  }),
);
export type ConsentView = z.infer<typeof consentViewSchema>;

/** User settings the pages may change (where policy leaves them free). */
export const userSettingsPatchSchema = lazySchema(() =>
  z.strictObject({
    emailContentLevel: z.optional(z.enum(['none', 'metadata', 'full'])),
    autoLogDefault: z.optional(z.boolean()),
    neverLog: z.optional(z.array(z.string().check(z.maxLength(320))).check(z.maxLength(1000))),
    retentionDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
    prohibitedDataMode: z.optional(z.enum(['block', 'warn', 'off'])),
  }),
);

const ack = lazySchema(() => z.strictObject({ ok: z.literal(true) }));
/** What the prohibited-data guard found (kinds and where, never the values) and what may be done. */
const prohibitedAnswer = lazySchema(() =>
  z.strictObject({
    mode: z.enum(['block', 'warn']),
    findings: z.array(
      z.strictObject({
        kind: z.enum(['card', 'ssn', 'iban', 'routing']),
        /** Which message of the thread (1-based) and of how many; null for a note. */
        message: z.nullable(z.number()),
        of: z.nullable(z.number()),
        start: z.number(),
        end: z.number(),
      }),
    ),
  }),
);
const done = lazySchema(() =>
  z.union([
    z.strictObject({ ok: z.literal(true) }),
    z.strictObject({ ok: z.literal(false), error: z.string() }),
  ]),
);

/** The contexts a message can come from, as the worker classifies `runtime.MessageSender`. */
export type SenderKind = 'gmailContentScript' | 'sidebarPage' | 'optionsPage' | 'popupPage';

/**
 * One message's declaration. Its schemas are `lazySchema`s like every other here: made when first
 * used, not when a context loads this file (every context loads it and uses a few of the 35
 * messages).
 */
interface Declaration {
  /** The contexts that may send it; the router refuses every other. */
  senders: readonly SenderKind[];
  /** A strict object whose `type` is the message's own name (checked by the type below). */
  request: z.ZodMiniType;
  response: z.ZodMiniType;
}
/** Each request's `type` literal must be its key: a copy-paste slip fails the type check. */
type KeysMatch<T> = {
  [K in keyof T]: T[K] extends { request: z.ZodMiniType<{ type: K }> } ? T[K] : never;
};
const declare = <const T extends Record<string, Declaration>>(messages: T & KeysMatch<T>): T => messages;

/**
 * Every request to the worker (`runtime.sendMessage`), declared ONCE: who may send it, what it
 * carries, what it answers. The router, the worker client and the types are all derived from this
 * table: adding a message is one entry here and one handler.
 */
export const messages = declare({
  threadOpened: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('threadOpened'),
        account: accountSchema,
        thread: threadFactsSchema,
        /** The content script's count: the same open comes by the tab lane and on its port (tab-lane.ts). */
        seq: z.optional(laneSeqSchema),
      }),
    ),
    response: ack,
  },
  threadClosed: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('threadClosed'),
        account: accountSchema,
        threadId: z.string().check(z.minLength(1), z.maxLength(LIMITS.id)),
        seq: z.optional(laneSeqSchema),
      }),
    ),
    response: ack,
  },
  /** Sent by @inboxsdk/core's content script; the shape is theirs (reference/inboxsdk.md). */
  inboxsdk__injectPageWorld: {
    senders: ['gmailContentScript'],
    request: lazySchema(() => z.strictObject({ type: z.literal('inboxsdk__injectPageWorld') })),
    response: lazySchema(() => z.boolean()),
  },
  /** The content script asks whether Threadline runs for this Gmail account (admin policy). */
  hostStatus: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('hostStatus'),
        account: accountSchema,
        /**
         * Asked again by a page back from the back/forward cache: for its page start only (a thread
         * the tab's pages in between left open closes). The tab's lane stays as it is (null here):
         * a new key would only replace the one the tab's next page still holds.
         */
        again: z.optional(z.literal(true)),
      }),
    ),
    response: lazySchema(() =>
      z.strictObject({
        enabled: z.boolean(),
        contentLevel: z.enum(['none', 'metadata', 'full']),
        /** The tab lane's key for this document (tab-lane.ts); null where Threadline stays inert. */
        lane: z.nullable(laneKeySchema),
      }),
    ),
  },
  // --- sidebar ---
  addContact: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('addContact'),
        account: accountSchema,
        address: z.string().check(z.minLength(3), z.maxLength(LIMITS.address)),
        name: z.string().check(z.minLength(1), z.maxLength(500)),
        kind: z.enum(['person', 'lead']),
        companyName: z.nullable(z.string().check(z.maxLength(500))),
      }),
    ),
    response: done,
  },
  updatePerson: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('updatePerson'),
        account: accountSchema,
        personId: z.number().check(z.int(), z.positive()),
        patch: z.strictObject({
          title: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
          phones: z.optional(
            z
              .array(
                z.strictObject({
                  value: z.string().check(z.maxLength(50)),
                  category: z.string().check(z.maxLength(50)),
                }),
              )
              .check(z.maxLength(20)),
          ),
          tags: z.optional(
            z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(50)),
          ),
        }),
      }),
    ),
    response: done,
  },
  searchCrm: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('searchCrm'),
        account: accountSchema,
        query: z.string().check(z.maxLength(200)),
      }),
    ),
    response: lazySchema(() => z.strictObject({ results: z.array(searchResultSchema) })),
  },
  syncNow: {
    senders: ['sidebarPage', 'optionsPage', 'popupPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('syncNow'), account: accountSchema })),
    response: ack,
  },
  retryWrites: {
    senders: ['sidebarPage', 'popupPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('retryWrites'), account: accountSchema })),
    response: ack,
  },
  // --- toolbar popup (issue 18) ---
  /**
   * The saved connection (as `getConnection` answers it) and the status of every Gmail account
   * Threadline has seen and the policy allows, most recently seen first (the sidebar's status line).
   */
  statusOverview: {
    // The options page too: it shows when sync is paused for lack of storage (issue 17).
    senders: ['popupPage', 'optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('statusOverview') })),
    response: lazySchema(() =>
      z.strictObject({
        info: z.nullable(connectionInfoSchema),
        blocked: z.nullable(z.string()),
        accounts: z.array(z.strictObject({ account: z.string(), status: statusViewSchema })),
        /** The browser lost Threadline's database (StatusView.cacheLost); no account may be left to say it. */
        cacheLost: z.optional(z.boolean()),
      }),
    ),
  },
  /** The user read the notice that the browser lost Threadline's database. */
  dismissCacheLoss: {
    senders: ['sidebarPage', 'optionsPage', 'popupPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('dismissCacheLoss') })),
    response: ack,
  },
  // --- options page ---
  getConnection: {
    senders: ['optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('getConnection') })),
    /** `blocked`: why the admin policy in force stops the saved connection (plain words), or null. */
    response: lazySchema(() =>
      z.strictObject({ info: z.nullable(connectionInfoSchema), blocked: z.nullable(z.string()) }),
    ),
  },
  testConnection: {
    senders: ['optionsPage'],
    request: lazySchema(() =>
      z.strictObject({ type: z.literal('testConnection'), connection: connectionInputSchema }),
    ),
    response: connectionResult,
  },
  connect: {
    senders: ['optionsPage'],
    request: lazySchema(() =>
      z.strictObject({ type: z.literal('connect'), connection: connectionInputSchema }),
    ),
    response: connectionResult,
  },
  disconnect: {
    senders: ['optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('disconnect') })),
    response: ack,
  },
  getSettings: {
    senders: ['optionsPage', 'sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('getSettings'),
        /**
         * Read the admin policy again first: a page told by Chrome that the policy changed asks this
         * way, since the worker may not have handled the same event yet.
         */
        fresh: z.optional(z.literal(true)),
      }),
    ),
    response: lazySchema(() =>
      z.strictObject({
        settings: settingsSchema,
        /** The settings an admin policy decides (their names). */
        locked: z.array(z.keyof(settingsSchema)),
        warnings: z.array(z.string()),
      }),
    ),
  },
  // --- threads and records (issue 5) ---
  linkThread: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('linkThread'),
        ...accountField,
        threadId: idString,
        record: recordRef,
      }),
    ),
    response: done,
  },
  unlinkThread: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('unlinkThread'),
        ...accountField,
        threadId: idString,
        record: recordRef,
      }),
    ),
    response: done,
  },
  /** Log every message of the open thread on these records (and link them). */
  logThread: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('logThread'),
        ...accountField,
        threadId: idString,
        records: z.array(recordRef).check(z.minLength(1), z.maxLength(20)),
        /** After the guard found prohibited data in a body: remove it, or (mode `warn`) send anyway. */
        prohibited: z.optional(z.enum(['redact', 'send'])),
      }),
    ),
    response: lazySchema(() =>
      z.union([
        /** `unread`: messages left unlogged until Gmail gives their bodies (level "full"). */
        z.strictObject({ ok: z.literal(true), queued: z.number(), unread: z.number() }),
        z.strictObject({
          ok: z.literal(false),
          error: z.string(),
          needsConsent: z.optional(z.boolean()),
          prohibited: z.optional(prohibitedAnswer),
        }),
      ]),
    ),
  },
  addNote: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('addNote'),
        ...accountField,
        ...actionIdField,
        record: recordRef,
        text: z.string().check(z.minLength(1), z.maxLength(NOTE_MAX)),
        /** The user saw the guard's warning and chose to send anyway (mode `warn` only). */
        acknowledgeProhibited: z.optional(z.boolean()),
      }),
    ),
    response: lazySchema(() =>
      z.union([
        z.strictObject({ ok: z.literal(true) }),
        z.strictObject({ ok: z.literal(false), error: z.string(), prohibited: z.optional(prohibitedAnswer) }),
      ]),
    ),
  },
  createTask: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('createTask'),
        ...accountField,
        ...actionIdField,
        name: z.string().check(z.minLength(1), z.maxLength(500)),
        related: z.nullable(recordRef),
        dueDate: z.nullable(z.number()),
        priority: z.enum(['None', 'High']),
      }),
    ),
    response: done,
  },
  setTaskStatus: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('setTaskStatus'),
        ...accountField,
        taskId: z.number().check(z.int()),
        status: z.enum(['Open', 'Completed']),
      }),
    ),
    response: done,
  },
  createDeal: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('createDeal'),
        ...accountField,
        ...actionIdField,
        threadId: z.nullable(idString),
        name: z.string().check(z.minLength(1), z.maxLength(500)),
        pipelineId: z.number().check(z.int()),
        stageId: z.number().check(z.int()),
        value: z.nullable(z.number().check(z.minimum(0), z.maximum(1e15))),
        closeDate: z.nullable(z.number()),
        /** The CRM's date order as the user said it in the deal form (asked once, when not known). */
        dateOrder: z.optional(z.enum(['monthFirst', 'dayFirst'])),
        primaryContactId: z.nullable(z.number().check(z.int())),
        companyId: z.nullable(z.number().check(z.int())),
      }),
    ),
    response: done,
  },
  updateDeal: {
    senders: ['sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('updateDeal'),
        ...accountField,
        dealId: z.number().check(z.int(), z.positive()),
        stageId: z.optional(z.number().check(z.int())),
        status: z.optional(z.enum(['Open', 'Won', 'Lost', 'Abandoned'])),
      }),
    ),
    response: done,
  },
  grantConsent: {
    senders: ['sidebarPage', 'optionsPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('grantConsent'),
        ...accountField,
        version: z.number().check(z.int()),
        textHash: z.string().check(z.length(64)),
      }),
    ),
    response: done,
  },
  withdrawConsent: {
    senders: ['sidebarPage', 'optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('withdrawConsent'), ...accountField })),
    response: ack,
  },
  setUserSettings: {
    senders: ['optionsPage', 'sidebarPage'],
    request: lazySchema(() =>
      z.strictObject({ type: z.literal('setUserSettings'), patch: userSettingsPatchSchema }),
    ),
    response: done,
  },
  // --- content script: inbox rows and compose ---
  rowBadges: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('rowBadges'),
        ...accountField,
        rows: z
          .array(
            z.strictObject({
              threadId: idString,
              addresses: z.array(z.string().check(z.maxLength(LIMITS.address))).check(z.maxLength(50)),
            }),
          )
          .check(z.maxLength(500)),
      }),
    ),
    response: lazySchema(() =>
      z.strictObject({
        badges: z.array(
          z.strictObject({ threadId: z.string(), contact: z.boolean(), dealStage: z.nullable(z.string()) }),
        ),
      }),
    ),
  },
  composeDefaults: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('composeDefaults'),
        ...accountField,
        threadId: z.nullable(idString),
      }),
    ),
    response: lazySchema(() => z.strictObject({ logToCrm: z.boolean(), allowed: z.boolean() })),
  },
  composeSent: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('composeSent'),
        ...accountField,
        threadId: idString,
        messageId: idString,
        subject: z.string().check(z.maxLength(LIMITS.text)),
        recipients: z.array(participantSchema).check(z.maxLength(500)),
        body: z.nullable(z.string().check(z.maxLength(BODY_MAX))),
      }),
    ),
    response: lazySchema(() => z.strictObject({ logged: z.number() })),
  },
  // --- privacy centre (options page) ---
  privacyOverview: {
    senders: ['optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('privacyOverview') })),
    response: lazySchema(() =>
      z.strictObject({
        accounts: z.array(
          z.strictObject({
            account: z.string(),
            counts: privacyCountsSchema,
            consents: z.array(consentViewSchema),
          }),
        ),
        disclosure: z.strictObject({ version: z.number(), textHash: z.string() }),
      }),
    ),
  },
  auditLog: {
    senders: ['optionsPage'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('auditLog'),
        ...accountField,
        purpose: z.optional(z.string().check(z.maxLength(50))),
        from: z.optional(z.number()),
        to: z.optional(z.number()),
      }),
    ),
    response: lazySchema(() => z.strictObject({ rows: z.array(auditRowSchema) })),
  },
  exportData: {
    senders: ['optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('exportData'), ...accountField })),
    response: lazySchema(() => z.strictObject({ json: z.string() })),
  },
  deleteData: {
    senders: ['optionsPage'],
    request: lazySchema(() => z.strictObject({ type: z.literal('deleteData'), ...accountField })),
    response: ack,
  },
  /**
   * The messaging floor of `npm run bench`: the same path a thread open takes (content script →
   * router → the tab's sidebar port → the sidebar's DOM), with a constant payload and no work.
   * Only the e2e build's content script sends it.
   */
  benchPing: {
    senders: ['gmailContentScript'],
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('benchPing'),
        seq: z.number().check(z.int(), z.nonnegative()),
      }),
    ),
    response: ack,
  },
});

export type RequestType = keyof typeof messages;
type RequestSchema<T extends RequestType> = (typeof messages)[T]['request'];
type ResponseSchema<T extends RequestType> = (typeof messages)[T]['response'];
export type RequestOf<T extends RequestType> = z.infer<RequestSchema<T>>;
export type ResponseOf<T extends RequestType> = z.infer<ResponseSchema<T>>;
export type AnyRequest = { [T in RequestType]: RequestOf<T> }[RequestType];

export const REQUEST_TYPES = Object.keys(messages) as RequestType[];
const isRequestType = (type: unknown): type is RequestType =>
  typeof type === 'string' && Object.hasOwn(messages, type);

/** The declared request schema of `type` (what the router validates with). */
export const requestSchemaOf = <T extends RequestType>(type: T): RequestSchema<T> => messages[type].request;
/** The declared response schema of `type` (what the worker client checks answers against). */
export const responseSchemaOf = <T extends RequestType>(type: T): ResponseSchema<T> =>
  messages[type].response;

export type ParsedRequest =
  | { ok: true; request: AnyRequest; senders: readonly SenderKind[] }
  | { ok: false; reason: string };

const typeOf = (message: unknown): unknown =>
  typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;

/** Who may send the message's type, by its `type` alone (none for an unknown type); nothing is parsed. */
export function sendersOf(message: unknown): readonly SenderKind[] {
  const type = typeOf(message);
  return isRequestType(type) ? messages[type].senders : [];
}

/** Validates a message against its own type's strict schema: unknown types and unknown fields are refused. */
export function parseRequest(message: unknown): ParsedRequest {
  const type = typeOf(message);
  if (!isRequestType(type)) return { ok: false, reason: 'unknown message type' };
  const parsed = requestSchemaOf(type).safeParse(message);
  if (!parsed.success) return { ok: false, reason: `bad shape: ${describeIssues(parsed.error)}` };
  return { ok: true, request: parsed.data as AnyRequest, senders: messages[type].senders };
}

/**
 * The answer of a handler that threw: the caller gets an error, not a silence it would retry.
 * `message` is for the user (plain words, never content); `retry` says whether trying again may help.
 */
export const workerErrorSchema = lazySchema(() =>
  z.strictObject({
    threadlineError: z.strictObject({
      message: z.string().check(z.maxLength(LIMITS.text)),
      retry: z.boolean(),
    }),
  }),
);
export type WorkerErrorAnswer = z.infer<typeof workerErrorSchema>;

/**
 * Worker → content script (`tabs.sendMessage`), request and response each. `focusSidebar`: the
 * "Search the CRM" shortcut gives the sidebar frame the focus. `readBodies`: plain-text bodies for
 * logging at content level `full`.
 */
export const tabMessages = {
  focusSidebar: {
    request: lazySchema(() => z.strictObject({ type: z.literal('focusSidebar') })),
    response: lazySchema(() => z.boolean()),
  },
  readBodies: {
    request: lazySchema(() =>
      z.strictObject({
        type: z.literal('readBodies'),
        threadId: idString,
        messageIds: z.array(idString).check(z.maxLength(LIMITS.messages)),
      }),
    ),
    response: lazySchema(() =>
      z.strictObject({
        bodies: z.array(
          z.strictObject({ messageId: idString, text: z.string().check(z.maxLength(BODY_MAX)) }),
        ),
      }),
    ),
  },
} as const satisfies Record<string, { request: z.ZodMiniType; response: z.ZodMiniType }>;
export type TabMessageType = keyof typeof tabMessages;
export type TabRequestOf<T extends TabMessageType> = z.infer<(typeof tabMessages)[T]['request']>;
export type TabResponseOf<T extends TabMessageType> = z.infer<(typeof tabMessages)[T]['response']>;
export const focusSidebarSchema = tabMessages.focusSidebar.request;
export const readBodiesSchema = tabMessages.readBodies.request;
export const readBodiesAnswerSchema = tabMessages.readBodies.response;

/** A short, content-free description of why a value failed validation (paths and codes only). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
