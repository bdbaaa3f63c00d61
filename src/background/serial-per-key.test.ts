import { describe, expect, it } from 'vitest';
import { serialPerKey } from './serial-per-key';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('serialPerKey', () => {
  it('runs one key’s work in call order, each piece after the previous one settled', async () => {
    const queue = serialPerKey<number>();
    const log: string[] = [];
    const first = deferred();
    const a = queue.run(1, async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
      return 'a';
    });
    const b = queue.run(1, async () => {
      log.push('b starts');
      return 'b';
    });
    await Promise.resolve();
    expect(log).toEqual(['a starts']);
    first.resolve();
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    expect(log).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = serialPerKey<number>();
    const failed = queue.run(1, () => Promise.reject(new Error('storage refused')));
    const next = queue.run(1, async () => 'next');
    await expect(failed).rejects.toThrow('storage refused');
    expect(await next).toBe('next');
    await expect(queue.idle(1)).resolves.toBeUndefined();
  });

  it('keeps keys apart: a slow key does not hold another back', async () => {
    const queue = serialPerKey<number>();
    const slow = deferred();
    const held = queue.run(1, () => slow.promise);
    expect(await queue.run(2, async () => 'other tab')).toBe('other tab');
    slow.resolve();
    await held;
  });

  it('is idle for a key once all its work so far has settled, failures included', async () => {
    const queue = serialPerKey<number>();
    await expect(queue.idle(1)).resolves.toBeUndefined();
    const gate = deferred();
    const log: string[] = [];
    void queue.run(1, () => gate.promise).catch(() => undefined);
    const idle = queue.idle(1).then(() => log.push('idle'));
    await Promise.resolve();
    expect(log).toEqual([]);
    gate.reject(new Error('lost'));
    await idle;
    expect(log).toEqual(['idle']);
  });

  it('forgets a key once its work has settled, so closed tabs leave no queue behind', async () => {
    const queue = serialPerKey<number>();
    const gate = deferred();
    const held = queue.run(1, () => gate.promise);
    void queue.run(2, async () => undefined);
    expect(queue.busyKeys()).toBe(2);
    await queue.idle(2);
    await Promise.resolve();
    expect(queue.busyKeys()).toBe(1);
    gate.resolve();
    await held;
    await queue.idle(1);
    await Promise.resolve();
    expect(queue.busyKeys()).toBe(0);
  });
});
