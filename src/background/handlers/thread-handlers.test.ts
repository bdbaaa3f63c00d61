import { describe, expect, it, vi } from 'vitest';
import { AFTER_OPEN_DELAY_MS, afterOpenDelay } from './thread-handlers';

// What a thread open hands to `afterOpen` is tested through the worker in main.test.ts.
describe('a thread open’s later work', () => {
  it('runs a thread open’s account note and sync check AFTER_OPEN_DELAY_MS later by default', () => {
    vi.useFakeTimers();
    try {
      const run = vi.fn();
      afterOpenDelay(run);
      vi.advanceTimersByTime(AFTER_OPEN_DELAY_MS - 1);
      expect(run).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(run).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
