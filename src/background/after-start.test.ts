import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAfterStart } from './after-start';

describe('housekeeping after the start', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());
  const advance = async (ms: number) => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  it('runs what a starting worker asks only once it has been up for the delay, with the task’s result', async () => {
    const afterStart = createAfterStart(2000, () => clock);
    const ran: string[] = [];
    const first = afterStart(async () => {
      ran.push('first');
      return 42;
    });
    await advance(500);
    const second = afterStart(async () => void ran.push('second'));
    await advance(1499);
    expect(ran).toEqual([]);
    await advance(1);
    expect(ran).toEqual(['first', 'second']);
    await expect(first).resolves.toBe(42);
    await expect(second).resolves.toBeUndefined();
  });

  it('runs what is asked later at once (a database reopened in the middle of the worker’s life)', async () => {
    const afterStart = createAfterStart(2000, () => clock);
    await advance(5000);
    const ran: string[] = [];
    const late = afterStart(async () => void ran.push('late'));
    await advance(0);
    expect(ran).toEqual(['late']);
    await late;
  });

  it('passes a failing task’s error on', async () => {
    const afterStart = createAfterStart(10, () => clock);
    const failed = afterStart(() => Promise.reject(new Error('quota')));
    const seen = failed.catch((error: Error) => error.message);
    await advance(10);
    await expect(seen).resolves.toBe('quota');
  });
});
