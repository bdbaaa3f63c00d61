/**
 * Work run one at a time per key, in call order: each piece starts once the key's previous piece has
 * settled, fulfilled or not (one failure never blocks the key). Keys are independent, and a key whose
 * work has all settled is forgotten, so a long-lived worker keeps no queue per closed tab.
 */
export interface SerialPerKey<K> {
  run<T>(key: K, work: () => Promise<T>): Promise<T>;
  /** Settles, never rejects, once every piece queued for `key` so far has settled. */
  idle(key: K): Promise<void>;
  /** How many keys have work queued or running (tests: a settled key is forgotten). */
  busyKeys(): number;
}

export function serialPerKey<K>(): SerialPerKey<K> {
  const tails = new Map<K, Promise<void>>();
  return {
    run(key, work) {
      const next = (tails.get(key) ?? Promise.resolve()).then(work, work);
      const settled = next.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, settled);
      void settled.then(() => {
        if (tails.get(key) === settled) tails.delete(key);
      });
      return next;
    },
    idle: (key) => tails.get(key) ?? Promise.resolve(),
    busyKeys: () => tails.size,
  };
}
