import type { LocalArea } from '../../src/background/platform';

/**
 * A storage area in memory for unit tests (storage.session or storage.local); `values` shows what it
 * holds. Values go in and come out as JSON, as chrome.storage keeps them.
 */
export function memoryArea(): LocalArea & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, JSON.parse(JSON.stringify(value))),
    remove: async (key) => void values.delete(key),
    getAll: async () => Object.fromEntries(values),
    removeMany: async (keys) => {
      for (const key of keys) values.delete(key);
    },
  };
}
