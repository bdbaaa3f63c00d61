import { fakeBrowser } from '@webext-core/fake-browser';
import type {
  InjectTarget,
  KeyValueArea,
  LocalArea,
  MessageSender,
  Platform,
  PortLike,
} from '../../src/background/platform';
import type { LogLevel, LogSink } from '../../src/shared/logger';
import type { LanePorts } from '../../src/shared/tab-lane';

export const TEST_ID = 'threadlinetestid';
export const TEST_ORIGIN = `chrome-extension://${TEST_ID}/`;

/** A port as the worker sees one, with the other end's sent messages recorded. */
export interface FakePort extends PortLike {
  sent: unknown[];
  disconnected: boolean;
  /** Delivers a message from the sidebar to the worker. */
  deliver(message: unknown): void;
  /** The sidebar goes away. */
  close(): void;
}

export function fakePort(name: string, sender: PortLike['sender']): FakePort {
  const onMessage = new Set<(m: unknown) => void>();
  const onDisconnect = new Set<() => void>();
  const port: FakePort = {
    name,
    sender,
    sent: [],
    disconnected: false,
    postMessage: (m) => {
      if (port.disconnected) throw new Error('Attempting to use a disconnected port object');
      port.sent.push(m);
    },
    disconnect: () => {
      port.disconnected = true;
    },
    onMessage: { addListener: (l) => void onMessage.add(l) },
    onDisconnect: { addListener: (l) => void onDisconnect.add(l) },
    deliver: (m) => {
      // As Chrome's: a port closed by either end delivers nothing more.
      if (port.disconnected) return;
      for (const l of onMessage) l(m);
    },
    close: () => {
      port.disconnected = true;
      for (const l of onDisconnect) l();
    },
  };
  return port;
}

/**
 * The worker's Platform on @webext-core/fake-browser: real in-memory storage.session, onMessage
 * and tabs.onRemoved. fake-browser has no runtime.onConnect, so connections are delivered with
 * `connect(port)`; injections are recorded.
 */
export function createFakePlatform() {
  fakeBrowser.reset();
  const connectListeners = new Set<(port: PortLike) => void>();
  const laneListeners = new Set<(data: unknown, ports: LanePorts, sourceUrl: string | null) => void>();
  const injected: InjectTarget[] = [];
  const telemetryBlock: boolean[] = [];
  const commandListeners = new Set<(command: string, tab: { id?: number } | undefined) => void>();
  const tabMessages: { tabId: number; message: unknown }[] = [];
  /** URLs of the tabs the worker opened (the welcome page). */
  const openedTabs: string[] = [];
  /** What the fake content script answers to worker → tab messages (message bodies). */
  const tabAnswers = { bodies: new Map<string, string>() };
  const area = fakeBrowser.storage.session;
  const session: KeyValueArea = {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
    remove: (key) => area.remove(key),
  };
  const localArea = fakeBrowser.storage.local;
  const local: LocalArea = {
    get: async (key) => (await localArea.get(key))[key],
    set: (key, value) => localArea.set({ [key]: value }),
    remove: (key) => localArea.remove(key),
    getAll: () => localArea.get(null),
    removeMany: (keys) => localArea.remove(keys),
  };
  const platform: Platform = {
    runtimeId: TEST_ID,
    extensionOrigin: TEST_ORIGIN,
    onMessage: {
      addListener: (listener) =>
        fakeBrowser.runtime.onMessage.addListener((m, s) => listener(m, s as MessageSender)),
    },
    onConnect: { addListener: (listener) => void connectListeners.add(listener) },
    onLaneOpen: { addListener: (listener) => void laneListeners.add(listener) },
    onTabRemoved: {
      addListener: (listener) => fakeBrowser.tabs.onRemoved.addListener((tabId) => listener(tabId)),
    },
    onInstalled: {
      addListener: (listener) => fakeBrowser.runtime.onInstalled.addListener((details) => listener(details)),
    },
    openTab: async (url) => void openedTabs.push(url),
    session,
    local,
    injectPageWorld: async (target) => void injected.push(target),
    managed: {
      get: async () => (await fakeBrowser.storage.managed.get()) as Record<string, unknown>,
      onChanged: {
        addListener: (listener) =>
          fakeBrowser.storage.onChanged.addListener((_changes, area) => {
            if (area === 'managed') listener();
          }),
      },
    },
    alarms: {
      create: async (name, info) => {
        await (fakeBrowser.alarms.create as (name: string, info: object) => Promise<void>)(name, info);
      },
      get: async (name) => (await fakeBrowser.alarms.get(name)) ?? undefined,
      onAlarm: {
        addListener: (listener) => fakeBrowser.alarms.onAlarm.addListener((alarm) => listener(alarm)),
      },
    },
    onCommand: { addListener: (listener) => void commandListeners.add(listener) },
    setTelemetryBlock: async (enabled) => void telemetryBlock.push(enabled),
    sendToTab: async (tabId, message) => {
      tabMessages.push({ tabId, message });
      const ids = (message as { messageIds?: string[] }).messageIds ?? [];
      return {
        bodies: ids
          .filter((id) => tabAnswers.bodies.has(id))
          .map((id) => ({ messageId: id, text: tabAnswers.bodies.get(id) ?? '' })),
      };
    },
  };
  return {
    platform,
    injected,
    telemetryBlock,
    tabAnswers,
    tabMessages,
    openedTabs,
    /** Chrome reports the extension installed ("install") or updated ("update"). */
    install: (reason: 'install' | 'update' | 'chrome_update') =>
      fakeBrowser.runtime.onInstalled.trigger(
        reason === 'update' ? { reason, previousVersion: '0.0.1' } : { reason },
      ),
    /** Chrome reports a keyboard shortcut pressed in `tabId`. */
    pressCommand: (command: string, tabId: number) => {
      for (const l of commandListeners) l(command, { id: tabId });
    },
    session,
    local,
    /** Sends a runtime message as `sender`; resolves with the worker's answer (undefined if none). */
    send: async (message: unknown, sender: MessageSender): Promise<unknown> => {
      const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, sender as never, () => undefined);
      return answer;
    },
    /** Chrome stopped the worker: every listener and in-memory value is gone, storage is not. */
    restartWorker: () => {
      connectListeners.clear();
      laneListeners.clear();
      fakeBrowser.runtime.onMessage.removeAllListeners();
      fakeBrowser.tabs.onRemoved.removeAllListeners();
      fakeBrowser.alarms.onAlarm.removeAllListeners();
      fakeBrowser.runtime.onInstalled.removeAllListeners();
    },
    connect: (port: PortLike) => {
      for (const l of connectListeners) l(port);
    },
    /** A sidebar posts `data` with its port and its page's to the worker itself (the tab lane). */
    openLane: (
      data: unknown,
      ports: LanePorts,
      sourceUrl: string | null = `${TEST_ORIGIN}src/sidebar/index.html`,
    ) => {
      for (const l of laneListeners) l(data, ports, sourceUrl);
    },
    removeTab: (tabId: number) =>
      fakeBrowser.tabs.onRemoved.trigger(tabId, { windowId: 1, isWindowClosing: false }),
  };
}

/** A log sink that records lines, for asserting what was logged. */
export function recordingSink(): LogSink & { lines: { level: LogLevel; line: string }[] } {
  const lines: { level: LogLevel; line: string }[] = [];
  const sink = ((level: LogLevel, line: string) => void lines.push({ level, line })) as LogSink & {
    lines: typeof lines;
  };
  sink.lines = lines;
  return sink;
}

export const gmailSender = (tabId = 7): MessageSender => ({
  id: TEST_ID,
  url: 'https://mail.google.com/mail/u/0/#inbox/abc',
  tab: { id: tabId },
  frameId: 0,
  documentId: 'doc-1',
});

export const sidebarSender = (tabId = 7): MessageSender => ({
  id: TEST_ID,
  url: `${TEST_ORIGIN}src/sidebar/index.html`,
  tab: { id: tabId },
  frameId: 3,
});

/** The toolbar popup: an extension page in no tab (Chrome's action popup). */
export const popupSender = (): MessageSender => ({
  id: TEST_ID,
  url: `${TEST_ORIGIN}src/popup/index.html`,
  frameId: 0,
});
