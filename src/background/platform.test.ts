import { describe, expect, it } from 'vitest';
import { type RulesetSwitch, TELEMETRY_RULESET, telemetrySwitch } from './platform';

/** declarativeNetRequest's enabled rule sets, in memory, with the updates asked of it. */
function rulesets(enabled: string[], readDelayMs = 0) {
  const updates: unknown[] = [];
  const api: RulesetSwitch = {
    getEnabledRulesets: async () => {
      const now = [...enabled];
      await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      return now;
    },
    updateEnabledRulesets: async (options) => {
      updates.push(options);
      for (const id of options.disableRulesetIds ?? []) enabled.splice(enabled.indexOf(id), 1);
      enabled.push(...(options.enableRulesetIds ?? []));
    },
  };
  return { api, enabled, updates };
}

describe('the telemetry rule set switch', () => {
  it('leaves the rule set alone when it already is as the policy asks', async () => {
    const on = rulesets([TELEMETRY_RULESET]);
    await telemetrySwitch(on.api)(true);
    const off = rulesets([]);
    await telemetrySwitch(off.api)(false);
    expect([on.updates, off.updates]).toEqual([[], []]);
  });

  it('turns it off, and on again, when the policy changes', async () => {
    const r = rulesets([TELEMETRY_RULESET]);
    const block = telemetrySwitch(r.api);
    await block(false);
    expect(r.enabled).toEqual([]);
    await block(true);
    expect(r.enabled).toEqual([TELEMETRY_RULESET]);
    expect(r.updates).toEqual([
      { disableRulesetIds: [TELEMETRY_RULESET] },
      { enableRulesetIds: [TELEMETRY_RULESET] },
    ]);
  });

  it('applies calls one at a time, so the last policy asked holds', async () => {
    // The start's call (block) and a policy change (do not block) while the first still reads.
    const r = rulesets([], 20);
    const block = telemetrySwitch(r.api);
    const atStart = block(true);
    const changed = block(false);
    await Promise.all([atStart, changed]);
    expect(r.enabled).toEqual([]);
  });
});
