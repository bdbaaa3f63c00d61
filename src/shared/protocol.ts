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
} as const;

const ack = z.object({ ok: z.literal(true) });
export const responseSchemas = {
  threadOpened: ack,
  threadClosed: ack,
  inboxsdk__injectPageWorld: z.boolean(),
} as const satisfies Record<RequestType, z.ZodMiniType>;

export type RequestType = keyof typeof requestSchemas;
export type RequestOf<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
export type ResponseOf<T extends RequestType> = z.infer<(typeof responseSchemas)[T]>;

/** The contexts a message can come from, as the worker classifies `runtime.MessageSender`. */
export type SenderKind = 'gmailContentScript' | 'extensionPage';

export const requestSenders: Record<RequestType, readonly SenderKind[]> = {
  threadOpened: ['gmailContentScript'],
  threadClosed: ['gmailContentScript'],
  inboxsdk__injectPageWorld: ['gmailContentScript'],
};

export const requestSchema = z.discriminatedUnion('type', [
  requestSchemas.threadOpened,
  requestSchemas.threadClosed,
  requestSchemas.inboxsdk__injectPageWorld,
]);
export type AnyRequest = z.infer<typeof requestSchema>;

// --- the sidebar port -------------------------------------------------------------------------

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

export const workerToSidebarSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('threadState'), state: threadStateSchema }),
]);
export type WorkerToSidebar = z.infer<typeof workerToSidebarSchema>;

/** A short, content-free description of why a value failed validation (paths and codes only). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
