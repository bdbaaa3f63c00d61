/**
 * The worker's view of the browser: exactly the extension APIs it uses, and nothing else.
 * Business logic receives a `Platform`; `index.ts` builds the real one from webextension-polyfill
 * and tests build one from @webext-core/fake-browser (CONVENTIONS.md, "learned from Bitwarden").
 */
import type { Browser, Runtime } from 'webextension-polyfill';
import type { TabMessageType, TabRequestOf } from '../shared/protocol';
import type { LanePort, LanePorts } from '../shared/tab-lane';

export type MessageSender = Pick<Runtime.MessageSender, 'id' | 'url' | 'frameId' | 'documentId'> & {
  tab?: { id?: number } | undefined;
};

export interface EventLike<Listener> {
  addListener(listener: Listener): void;
}

export interface PortLike {
  readonly name: string;
  readonly sender?: MessageSender | undefined;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: EventLike<(message: unknown) => void>;
  onDisconnect: EventLike<() => void>;
}

export type MessageListener = (message: unknown, sender: MessageSender) => Promise<unknown> | undefined;

export interface KeyValueArea {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface InjectTarget {
  tabId: number;
  documentId: string | null;
  frameId: number | null;
}

export interface Platform {
  readonly runtimeId: string;
  /** `chrome-extension://<id>/`, with the trailing slash. */
  readonly extensionOrigin: string;
  onMessage: EventLike<MessageListener>;
  onConnect: EventLike<(port: PortLike) => void>;
  /**
   * A message posted to the worker itself (`ServiceWorker.postMessage`) with two ports: the sidebar
   * opening its tab lane (shared/tab-lane.ts) with its own port and its page's. Only this
   * extension's own pages can post there.
   */
  onLaneOpen: EventLike<(data: unknown, ports: LanePorts, sourceUrl: string | null) => void>;
  onTabRemoved: EventLike<(tabId: number) => void>;
  /** runtime.onInstalled: `reason` is "install" once per install, else "update", "chrome_update"… */
  onInstalled: EventLike<(details: { reason: string }) => void>;
  /** Opens a tab (the welcome page); an extension page needs no "tabs" permission. */
  openTab(url: string): Promise<void>;
  /** Survives worker restarts, cleared when the browser closes, unreadable by content scripts. */
  session: KeyValueArea;
  /**
   * chrome.storage.local: survives browser restarts and lives outside IndexedDB. Holds whether
   * Threadline's database existed (sync/cache-loss.ts), the CRM last connected (no key), and a copy
   * of the outbox (outbox/outbox-mirror.ts), so a database the browser deletes loses no queued change.
   */
  local: LocalArea;
  /** Runs InboxSDK's pageWorld.js in the MAIN world of one Gmail document. */
  injectPageWorld(target: InjectTarget): Promise<void>;
  /** chrome.storage.managed: the admin policy (read-only). */
  managed: {
    get(): Promise<Record<string, unknown>>;
    onChanged: EventLike<() => void>;
  };
  alarms: {
    create(
      name: string,
      info: { when?: number; periodInMinutes?: number; delayInMinutes?: number },
    ): Promise<void>;
    get(name: string): Promise<{ name: string } | undefined>;
    onAlarm: EventLike<(alarm: { name: string }) => void>;
  };
  /** A keyboard shortcut of the manifest's `commands`, with the tab it was pressed in. */
  onCommand: EventLike<(command: string, tab: { id?: number | undefined } | undefined) => void>;
  /** Turns the static rule set that blocks InboxSDK's telemetry on or off (admin policy). */
  setTelemetryBlock(enabled: boolean): Promise<void>;
  /**
   * A message to the Gmail tab's content script (top frame), one of protocol.ts's `tabMessages`; the
   * answer is unchecked here (the caller parses it with that message's response schema).
   */
  sendToTab(tabId: number, message: TabRequestOf<TabMessageType>): Promise<unknown>;
}

export const TELEMETRY_RULESET = 'inboxsdk_telemetry';

/** The two declarativeNetRequest calls the telemetry rule needs. */
export interface RulesetSwitch {
  getEnabledRulesets(): Promise<string[]>;
  updateEnabledRulesets(options: {
    enableRulesetIds?: string[];
    disableRulesetIds?: string[];
  }): Promise<void>;
}

/**
 * Turns the telemetry rule set on or off, and leaves it alone when it already is. Chrome keeps the
 * enabled rule sets across worker starts and browser restarts (an update brings back the manifest's
 * `enabled: true`), so at a worker start it mostly is. Asking is a read; changing it, even to what
 * it already was, is the costly call, and every worker start applies the policy as soon as it has
 * read it, while a woken worker's first thread open waits. First card after a woken worker, p50 /
 * p95: 92.8 / 114.3 ms asking first, against 96.9 / 120.5 ms changing it every time (one run,
 * 10,000 people, workers assigned at random to one way or the other, about 100 opens each; runs
 * of the same build differ by about 6 ms at p95, so only the median's gain is clear).
 *
 * One call at a time, in the order asked: a policy change during a start's call must not read the
 * rule set before that call has changed it, and the last policy asked is the one that holds. A
 * read that fails changes the rule set as asked, as every call did before it asked first.
 */
export function telemetrySwitch(rulesets: RulesetSwitch): (enabled: boolean) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  const apply = async (enabled: boolean) => {
    const on = await rulesets.getEnabledRulesets().then(
      (ids) => ids.includes(TELEMETRY_RULESET),
      () => null,
    );
    if (on === enabled) return;
    await rulesets.updateEnabledRulesets(
      enabled ? { enableRulesetIds: [TELEMETRY_RULESET] } : { disableRulesetIds: [TELEMETRY_RULESET] },
    );
  };
  return (enabled) => {
    last = last.then(
      () => apply(enabled),
      () => apply(enabled),
    );
    return last;
  };
}

/**
 * The ports of a tab lane's opening (`ServiceWorker.postMessage`): the sidebar's, then its page's.
 * Any other number is not a lane: every port that came is closed, so nothing posted on one waits
 * for a reader that will never come.
 */
export function lanePortsOf(ports: readonly LanePort[]): LanePorts | null {
  const [sidebar, page, ...more] = ports;
  if (sidebar && page && more.length === 0) return { sidebar, page };
  for (const port of ports) port.close();
  return null;
}

/** storage.local: a key-value area that can also list and remove many keys at once. */
export interface LocalArea extends KeyValueArea {
  getAll(): Promise<Record<string, unknown>>;
  removeMany(keys: string[]): Promise<void>;
}

function localArea(area: Browser['storage']['local']): LocalArea {
  return {
    ...keyValueArea(area),
    getAll: () => area.get(null),
    removeMany: (keys) => area.remove(keys),
  };
}

function keyValueArea(area: Browser['storage']['session']): KeyValueArea {
  return {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
    remove: (key) => area.remove(key),
  };
}

export function createBrowserPlatform(browser: Browser): Platform {
  return {
    runtimeId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL(''),
    onMessage: {
      addListener: (listener) =>
        browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) =>
          listener(message, sender),
        ),
    },
    onConnect: { addListener: (listener) => browser.runtime.onConnect.addListener((port) => listener(port)) },
    onLaneOpen: {
      addListener: (listener) =>
        self.addEventListener('message', (event: MessageEvent) => {
          const ports = lanePortsOf(event.ports);
          const source = event.source as { url?: unknown } | null;
          const url = typeof source?.url === 'string' ? source.url : null;
          if (ports) listener(event.data, ports, url);
        }),
    },
    onTabRemoved: {
      addListener: (listener) => browser.tabs.onRemoved.addListener((tabId) => listener(tabId)),
    },
    onInstalled: {
      addListener: (listener) => browser.runtime.onInstalled.addListener((details) => listener(details)),
    },
    openTab: async (url) => {
      await browser.tabs.create({ url });
    },
    session: keyValueArea(browser.storage.session),
    local: localArea(browser.storage.local),
    injectPageWorld: async ({ tabId, documentId, frameId }) => {
      // documentIds pins the injection to the document that asked (w3c/webextensions#8).
      const target =
        documentId !== null ? { tabId, documentIds: [documentId] } : { tabId, frameIds: [frameId ?? 0] };
      await browser.scripting.executeScript({ target, world: 'MAIN', files: ['pageWorld.js'] });
    },
    managed: {
      get: async () => (await browser.storage.managed.get()) as Record<string, unknown>,
      // The managed area's own event: storage.onChanged would wake the worker for each of its own
      // storage.session writes (one per thread open), with both values copied in.
      onChanged: {
        addListener: (listener) => browser.storage.managed.onChanged.addListener(() => listener()),
      },
    },
    alarms: {
      create: async (name, info) => {
        await browser.alarms.create(name, info);
      },
      get: async (name) => (await browser.alarms.get(name)) ?? undefined,
      onAlarm: { addListener: (listener) => browser.alarms.onAlarm.addListener((alarm) => listener(alarm)) },
    },
    onCommand: {
      addListener: (listener) =>
        browser.commands.onCommand.addListener((command, tab) => listener(command, tab)),
    },
    setTelemetryBlock: telemetrySwitch(browser.declarativeNetRequest),
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
  };
}
