import { describe, expect, it } from 'vitest';
import type { KeyValueArea } from '../platform';
import { createAccountBinding } from './account-binding';

/** storage.session as the worker sees it, counting reads. */
function sessionArea() {
  const data = new Map<string, unknown>();
  const counts = { reads: 0 };
  const area = {
    get: async (key: string) => {
      counts.reads += 1;
      return data.get(key);
    },
    set: async (key: string, value: unknown) => void data.set(key, value),
    remove: async (key: string) => void data.delete(key),
  } as KeyValueArea;
  return { area, counts };
}

const refused = { ok: false, reason: 'another account than the tab' };

describe('account binding', () => {
  it('pins a tab to the account of its first message and refuses any other after it', async () => {
    const { area } = sessionArea();
    const binding = createAccountBinding(area);
    expect(await binding.check(7, 'Sam@Corp.test', true, false)).toEqual({ ok: true });
    expect(await binding.check(7, 'sam@corp.test', true, false)).toEqual({ ok: true });
    expect(await binding.check(7, 'mallory@corp.test', true, false)).toEqual(refused);
    // Another tab is another pin.
    expect(await binding.check(8, 'mallory@corp.test', true, false)).toEqual({ ok: true });
  });

  it('two first messages at once: one pins, the other is refused', async () => {
    const binding = createAccountBinding(sessionArea().area);
    const answers = await Promise.all([
      binding.check(7, 'sam@corp.test', true, false),
      binding.check(7, 'mallory@corp.test', true, false),
    ]);
    expect(answers).toEqual([{ ok: true }, refused]);
  });

  it('a restarted worker keeps the pins; a closed tab loses its own', async () => {
    const { area } = sessionArea();
    await createAccountBinding(area).check(7, 'sam@corp.test', true, false);
    const restarted = createAccountBinding(area);
    expect(await restarted.check(7, 'mallory@corp.test', true, false)).toEqual(refused);
    await restarted.forget(7);
    expect(await restarted.check(7, 'mallory@corp.test', true, false)).toEqual({ ok: true });
  });

  it('reads the session once per tab: later messages are checked from memory', async () => {
    const { area, counts } = sessionArea();
    const binding = createAccountBinding(area);
    for (let i = 0; i < 5; i += 1) await binding.check(7, 'sam@corp.test', true, false);
    expect(counts.reads).toBe(1);
  });

  it('refuses an account outside the allowed domains, except when it only asks whether it is allowed', async () => {
    const binding = createAccountBinding(sessionArea().area);
    expect(await binding.check(7, 'sam@other.test', false, true)).toEqual({ ok: true });
    expect(await binding.check(7, 'sam@other.test', false, false)).toEqual({
      ok: false,
      reason: 'account not allowed by policy',
    });
  });

  it('reads the tab’s pin while the policy is still being read (a woken worker waits for the slower)', async () => {
    const { area, counts } = sessionArea();
    const binding = createAccountBinding(area);
    let answer: (allowed: boolean) => void = () => undefined;
    const allowed = new Promise<boolean>((resolve) => {
      answer = resolve;
    });
    const verdict = binding.check(7, 'sam@corp.test', allowed, false);
    await new Promise((r) => setTimeout(r, 0));
    expect(counts.reads).toBe(1);
    answer(false);
    expect(await verdict).toEqual({ ok: false, reason: 'account not allowed by policy' });
  });
});
