/**
 * A scripted fake of exactly the @inboxsdk/core surface the adapter uses (`SdkSurface` in
 * src/content/gmail-host/inboxsdk-host.ts, derived from the package's own declarations, so an SDK
 * upgrade that changes it fails the type check here too). Unit tests only.
 *
 * It is as strict as InboxSDK 2.2.x, read from its source, and no stricter:
 * - `load()` rejects with a URIError in a pop-out window (`/popout`, platform-implementation-js/main.ts).
 * - Handler registries (lib/handler-registry.ts): a handler registered late hears every target that is
 *   still alive, asynchronously (asap); a new target is handed to the registered handlers at once; a
 *   target leaves the registry on `destroy`. There is NO replay of destroyed views.
 * - `Global.addSidebarContentPanel` waits for Gmail's side panel (gmail-driver.ts): the test decides
 *   when, and whether it resolves to a panel, to null, or rejects (the 60 s wait timed out).
 * - `getThreadIDAsync()` resolves when the test says so (it can take a request to Gmail).
 * - A message view that is not loaded (collapsed or hidden, gmail-message-view.ts): `getMessageIDAsync`
 *   rejects, `getBodyElement` and `getDateString` throw, `getSender` works only on a collapsed stub
 *   (it shows the sender) and throws on a hidden one; `getRecipientsFull` finds no recipients. It
 *   emits `load` when the user expands it.
 * - Compose (views/compose-view.ts, gmail-compose-view.ts): Send emits `presending`, then Gmail takes
 *   the window away (an inline reply's element is re-used for the next draft, InboxSDK PR #297, so its
 *   fields read empty), then `sent` arrives with ids that resolve asynchronously, then `destroy`. The
 *   test can also play the reported disorders: `destroy` before `sent`, a `sent` with another
 *   thread's id (#788), a `sent` before `presending` (#805).
 * - A thread view replaced by the next: the order of the old view's `destroy` and the new view's
 *   handler is not documented (unconfirmed), so the test picks either.
 */
import type { ContactNameOptional } from '@inboxsdk/core';
import type {
  ComposeViewSurface,
  ContentPanelSurface,
  MessageViewSurface,
  SdkSurface,
  SentEvent,
  ThreadRowSurface,
  ThreadViewSurface,
} from '../../src/content/gmail-host/inboxsdk-host';

type LoadOptions = { eventTracking?: boolean; globalErrorLogging?: boolean };

/** A minimal typed emitter: the events a view emits, and what each passes to its listeners. */
class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(data: Events[keyof Events]) => unknown>>();
  on<K extends keyof Events>(event: K, listener: (data: Events[K]) => unknown): this {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (data: Events[keyof Events]) => unknown);
    this.#listeners.set(event, set);
    return this;
  }
  emit<K extends keyof Events>(event: K, data: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(data);
  }
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}

/** InboxSDK's HandlerRegistry: late handlers hear live targets asynchronously; destroyed ones are gone. */
class Registry<T extends { on(event: 'destroy', listener: () => void): unknown }> {
  readonly #targets: T[] = [];
  readonly #handlers: ((target: T) => void)[] = [];
  register(handler: (target: T) => void): () => void {
    queueMicrotask(() => {
      this.#handlers.push(handler);
      for (const target of [...this.#targets]) handler(target);
    });
    return () => {
      const at = this.#handlers.indexOf(handler);
      if (at >= 0) this.#handlers.splice(at, 1);
    };
  }
  add(target: T): void {
    this.#targets.push(target);
    target.on('destroy', () => {
      const at = this.#targets.indexOf(target);
      if (at >= 0) this.#targets.splice(at, 1);
    });
    for (const handler of [...this.#handlers]) handler(target);
  }
  get handlerCount(): number {
    return this.#handlers.length;
  }
}

/** A promise the test settles. */
export class Gate<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export interface FakeMessageSpec {
  messageId: string;
  from: { name: string; emailAddress: string };
  to: ContactNameOptional[];
  date?: string;
  body?: string;
  /** expanded (loaded), collapsed (a stub showing the sender) or hidden (inside "N older messages"). */
  state?: 'expanded' | 'collapsed' | 'hidden';
}

export class FakeMessageView
  extends Emitter<{ load: { messageView: FakeMessageView }; destroy: undefined }>
  implements MessageViewSurface
{
  #state: 'expanded' | 'collapsed' | 'hidden';
  constructor(readonly spec: FakeMessageSpec) {
    super();
    this.#state = spec.state ?? 'expanded';
  }
  isLoaded(): boolean {
    return this.#state === 'expanded';
  }
  getSender(): { name: string; emailAddress: string } {
    if (this.#state === 'hidden') throw new Error('querySelector: td.gF span[email] not found');
    return this.spec.from;
  }
  async getRecipientsFull(): Promise<ContactNameOptional[]> {
    return this.isLoaded() ? this.spec.to : [];
  }
  async getMessageIDAsync(): Promise<string> {
    if (!this.isLoaded()) throw new Error('tried to get message id before message is loaded');
    return this.spec.messageId;
  }
  getDateString(): string {
    if (!this.isLoaded()) throw new Error('querySelector: .ads .gK .g3 not found');
    return this.spec.date ?? 'Nov 20, 2026, 9:14 AM';
  }
  getBodyElement(): HTMLElement {
    if (!this.isLoaded()) throw new Error('tried to get message contents before message is loaded');
    const el = document.createElement('div');
    el.textContent = this.spec.body ?? '';
    return el;
  }
  /** The user clicks the stub: the message loads (InboxSDK emits `load` asap). */
  expand(): void {
    this.#state = 'expanded';
    queueMicrotask(() => this.emit('load', { messageView: this }));
  }
}

export interface FakeThreadSpec {
  threadId: string;
  subject: string;
  messages: FakeMessageSpec[];
  /** When false, `getThreadIDAsync()` waits for `resolveThreadId()`. Default: resolves at once. */
  threadIdReady?: boolean;
}

export class FakeThreadView extends Emitter<{ destroy: undefined }> implements ThreadViewSurface {
  readonly messages: FakeMessageView[];
  readonly #threadId = new Gate<string>();
  destroyed = false;
  constructor(readonly spec: FakeThreadSpec) {
    super();
    this.messages = spec.messages.map((m) => new FakeMessageView(m));
    if (spec.threadIdReady !== false) this.#threadId.resolve(spec.threadId);
  }
  getThreadIDAsync(): Promise<string> {
    return this.#threadId.promise;
  }
  resolveThreadId(): void {
    this.#threadId.resolve(this.spec.threadId);
  }
  getSubject(): string {
    return this.spec.subject;
  }
  getMessageViewsAll(): FakeMessageView[] {
    return this.messages;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroy', undefined);
  }
}

export class FakeThreadRow extends Emitter<{ destroy: undefined }> implements ThreadRowSurface {
  readonly labels: { title?: string }[] = [];
  constructor(
    readonly threadId: string,
    readonly contacts: { name: string; emailAddress: string }[],
  ) {
    super();
  }
  async getThreadIDAsync(): Promise<string> {
    return this.threadId;
  }
  getContacts(): { name: string; emailAddress: string }[] {
    return this.contacts;
  }
  addLabel(label: { title?: string } | null): void {
    if (label) this.labels.push(label);
  }
}

export interface FakeComposeSpec {
  /** The thread an inline reply belongs to; absent for a new message. */
  replyTo?: string;
  to?: ContactNameOptional[];
  subject?: string;
  body?: string;
}

export interface SendScript {
  /** `sdk`: presending, window gone, sent, destroy. `destroyFirst`: destroy before sent. */
  order?: 'sdk' | 'destroyFirst';
  /** The thread id `sent` reports (default: the reply's thread, or a new one). */
  threadId?: string;
  messageId?: string;
}

export class FakeComposeView
  extends Emitter<{ presending: { cancel(): void }; sent: SentEvent; destroy: undefined }>
  implements ComposeViewSurface
{
  destroyed = false;
  /** Gmail took the window away (after Send): its re-used element no longer holds this message. */
  #gone = false;
  readonly statusBars: HTMLElement[] = [];
  constructor(readonly spec: FakeComposeSpec) {
    super();
  }
  isReply(): boolean {
    return this.spec.replyTo !== undefined;
  }
  getThreadID(): string {
    return this.spec.replyTo ?? '';
  }
  getSubject(): string {
    return this.#gone ? '' : (this.spec.subject ?? '');
  }
  getTextContent(): string {
    return this.#gone ? '' : (this.spec.body ?? '');
  }
  getToRecipients(): ContactNameOptional[] {
    return this.#gone ? [] : (this.spec.to ?? []);
  }
  addStatusBar(): { el: HTMLElement } {
    if (this.destroyed) throw new Error('compose view is destroyed');
    const el = document.createElement('div');
    this.statusBars.push(el);
    return { el };
  }
  /** The user presses Send. Resolves once every event of the send has been emitted. */
  async send(script: SendScript = {}): Promise<void> {
    this.emit('presending', { cancel: () => undefined });
    this.#gone = true;
    await Promise.resolve();
    if (script.order === 'destroyFirst') this.close();
    this.emitSent(script);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    this.close();
  }
  /** A `sent` event on its own (InboxSDK #788 / #805 disorders). */
  emitSent(script: SendScript = {}): void {
    const threadId = script.threadId ?? this.spec.replyTo ?? 'new-thread-1';
    const messageId = script.messageId ?? '<sent-1@gmail>';
    this.emit('sent', {
      getThreadID: () => Promise.resolve(threadId),
      getMessageID: () => Promise.resolve(messageId),
    });
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroy', undefined);
  }
}

/** One `Global.addSidebarContentPanel` call, waiting for Gmail's side panel. */
export class PanelRequest {
  readonly #gate = new Gate<ContentPanelSurface | null>();
  mountedIn: HTMLElement | null = null;
  constructor(readonly el: HTMLElement) {}
  get promise(): Promise<ContentPanelSurface | null> {
    return this.#gate.promise;
  }
  /** Gmail's side panel appeared: InboxSDK puts `el` in it. */
  appear(): void {
    this.mountedIn = document.createElement('div');
    this.mountedIn.append(this.el);
    this.#gate.resolve({ remove: () => this.el.remove() });
  }
  /** The panel area exists but InboxSDK could not add a panel to it. */
  resolveNull(): void {
    this.#gate.resolve(null);
  }
  /** Waiting for Gmail's side panel timed out (60 s in InboxSDK). */
  timeOut(): void {
    this.#gate.reject(new Error('waitFor timeout'));
  }
}

export interface FakeGmail {
  /** What the adapter passes to `InboxSDK.load` (a module mock's `load`). */
  load(version: number, appId: string, opts?: LoadOptions): Promise<SdkSurface>;
  loadCalls: { version: number; appId: string; opts: LoadOptions | undefined }[];
  panelRequests: PanelRequest[];
  /** Resolves with the next `addSidebarContentPanel` call this test has not looked at yet. */
  nextPanelRequest(): Promise<PanelRequest>;
  /**
   * Gmail shows a thread. The previous thread view, if any, is destroyed first; with `previous:
   * 'kept'` it stays until the test destroys it (InboxSDK documents no order between one view's
   * `destroy` and the next view's handler: both are played).
   */
  openThread(spec: FakeThreadSpec, order?: { previous: 'destroyedFirst' | 'kept' }): FakeThreadView;
  /** The user goes back to the list: the open thread view is destroyed. */
  closeThread(): void;
  addRow(threadId: string, contacts: { name: string; emailAddress: string }[]): FakeThreadRow;
  openCompose(spec: FakeComposeSpec): FakeComposeView;
  /** Handlers registered so far, per namespace (a test waits for the adapter to register). */
  handlerCounts(): { threads: number; rows: number; composes: number };
}

export function createFakeGmail(account = 'sam.seller@threadline-demo.test'): FakeGmail {
  const threads = new Registry<FakeThreadView>();
  const rows = new Registry<FakeThreadRow>();
  const composes = new Registry<FakeComposeView>();
  const panelRequests: PanelRequest[] = [];
  const panelWaiters: (() => void)[] = [];
  let panelsSeen = 0;
  let openView: FakeThreadView | null = null;
  const sdk: SdkSurface = {
    User: { getEmailAddress: () => account },
    Conversations: { registerThreadViewHandler: (handler) => threads.register(handler) },
    Lists: { registerThreadRowViewHandler: (handler) => rows.register(handler) },
    Compose: { registerComposeViewHandler: (handler) => composes.register(handler) },
    Global: {
      addSidebarContentPanel: (descriptor) => {
        const request = new PanelRequest(descriptor.el);
        panelRequests.push(request);
        for (const waiter of panelWaiters.splice(0)) waiter();
        return request.promise;
      },
    },
  };
  const gmail: FakeGmail = {
    loadCalls: [],
    panelRequests,
    load: async (version, appId, opts) => {
      gmail.loadCalls.push({ version, appId, opts });
      if (location.hostname === 'mail.google.com' && location.pathname.endsWith('/popout')) {
        throw new URIError("@inboxsdk/core doesn't currently support Gmail pop out windows.");
      }
      return sdk;
    },
    nextPanelRequest: async () => {
      const index = panelsSeen;
      panelsSeen += 1;
      while (panelRequests[index] === undefined)
        await new Promise<void>((resolve) => panelWaiters.push(resolve));
      return panelRequests[index];
    },
    openThread: (spec, order) => {
      if (order?.previous !== 'kept') openView?.destroy();
      const view = new FakeThreadView(spec);
      openView = view;
      threads.add(view);
      return view;
    },
    closeThread: () => {
      openView?.destroy();
      openView = null;
    },
    addRow: (threadId, contacts) => {
      const row = new FakeThreadRow(threadId, contacts);
      rows.add(row);
      return row;
    },
    openCompose: (spec) => {
      const view = new FakeComposeView(spec);
      composes.add(view);
      return view;
    },
    handlerCounts: () => ({
      threads: threads.handlerCount,
      rows: rows.handlerCount,
      composes: composes.handlerCount,
    }),
  };
  return gmail;
}
