import { describe, expect, it } from 'vitest';
import { CARD, ME, threadOf } from '../../../test/unit/thread-deps';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { guardBodies, guardNote, refusalText, transferBlocked } from './logging-guard';

const thread = threadOf([
  ['alice@acme.test', ME],
  [ME, 'alice@acme.test'],
]);
const reader = (bodies: Record<string, string>) => async () => new Map(Object.entries(bodies));
const full = { ...DEFAULT_SETTINGS, emailContentLevel: 'full' as const };

describe('logging guard: what a command asks the user before logging', () => {
  it('says consent is needed until the account has it', async () => {
    const consent = new Set<string>();
    const has = { has: async (account: string) => consent.has(account) };
    expect(await transferBlocked(has, ME)).toMatch(/consent/i);
    consent.add(ME);
    expect(await transferBlocked(has, ME)).toBeNull();
  });

  it('reads no bodies below content level "full"', async () => {
    let asked = 0;
    const answer = await guardBodies(
      async () => {
        asked += 1;
        return new Map();
      },
      thread,
      DEFAULT_SETTINGS,
      'ask',
    );
    expect(answer).toEqual({ ok: true, bodies: new Map() });
    expect(asked).toBe(0);
  });

  it('returns where prohibited data was found (kinds and places, never the values), then redacts on request', async () => {
    const bodies = { '<m2@test>': `my card ${CARD}` };
    const asked = await guardBodies(reader(bodies), thread, full, 'ask');
    expect(asked).toEqual({
      ok: false,
      mode: 'warn',
      findings: [{ kind: 'card', message: 2, of: 2, start: 8, end: 8 + CARD.length }],
    });
    expect(JSON.stringify(asked)).not.toContain('4111');
    const redacted = await guardBodies(reader(bodies), thread, full, 'redact');
    expect(redacted.ok && redacted.bodies.get('<m2@test>')).not.toContain('4111 1111');
  });

  it('lets the user send anyway only where the mode is "warn"', async () => {
    const bodies = { '<m1@test>': CARD };
    const warned = await guardBodies(reader(bodies), thread, full, 'send');
    expect(warned.ok && warned.bodies.get('<m1@test>')).toBe(CARD);
    const blocked = await guardBodies(
      reader(bodies),
      thread,
      { ...full, prohibitedDataMode: 'block' },
      'send',
    );
    expect(blocked).toMatchObject({ ok: false, mode: 'block' });
    const off = await guardBodies(reader(bodies), thread, { ...full, prohibitedDataMode: 'off' }, 'ask');
    expect(off.ok && off.bodies.get('<m1@test>')).toBe(CARD);
  });

  it('treats bodies it could not read as none', async () => {
    const failing = async () => {
      throw new Error('tab gone');
    };
    expect(await guardBodies(failing, thread, full, 'ask')).toEqual({ ok: true, bodies: new Map() });
  });

  it('checks notes by mode, and lets a warned note through once acknowledged', () => {
    expect(guardNote(`card ${CARD}`, 'warn', false)).toMatchObject({
      mode: 'warn',
      findings: [{ kind: 'card' }],
    });
    expect(guardNote(`card ${CARD}`, 'warn', true)).toBeNull();
    expect(guardNote(`card ${CARD}`, 'block', true)).toMatchObject({ mode: 'block' });
    expect(guardNote(`card ${CARD}`, 'off', false)).toBeNull();
    expect(guardNote('nothing here', 'block', false)).toBeNull();
  });

  it('words every refusal of the gate', () => {
    for (const refusal of [
      'accountNotAllowed',
      'levelNone',
      'consentRequired',
      'neverLog',
      'internal',
    ] as const)
      expect(refusalText(refusal)).not.toBe('');
  });
});
