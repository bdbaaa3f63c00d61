import { describe, expect, it } from 'vitest';
import { createProvisionalIds } from './provisional-id';

describe('provisional ids', () => {
  it('are unique and negative for records created in the same millisecond', () => {
    const next = createProvisionalIds(() => 1_800_000_000_000);
    const ids = Array.from({ length: 5000 }, next);
    expect(new Set(ids).size).toBe(5000);
    expect(ids.every((id) => id < 0 && Number.isSafeInteger(id))).toBe(true);
  });

  it('keep falling when the clock goes back', () => {
    let now = 1_800_000_000_000;
    const next = createProvisionalIds(() => now);
    const first = next();
    now -= 60_000;
    expect(next()).toBeLessThan(first);
  });
});
