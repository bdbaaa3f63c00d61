// In-memory IndexedDB for every unit test (the worker's Dexie database runs on it).
import 'fake-indexeddb/auto';

// chrome.i18n for unit tests: the English messages, with $1…$9 filled as Chrome does.
import messages from '../../public/_locales/en/messages.json';

const catalog = messages as Record<string, { message: string }>;
const i18n = {
  getMessage: (key: string, subs: string[] = []) =>
    (catalog[key]?.message ?? '').replace(/\$(\d)/g, (_m, n: string) => subs[Number(n) - 1] ?? ''),
  getUILanguage: () => 'en-US',
};
const g = globalThis as { chrome?: Record<string, unknown> };
g.chrome = { ...(g.chrome ?? {}), i18n };
