import { describe, expect, it } from 'vitest';
import { lanePortsOf, type RulesetSwitch, TELEMETRY_RULESET, telemetrySwitch } from './platform';

/** declarativeNetRequest's enabled rule sets, in memory, with the updates asked of it. */
function rulesets(enabled: string[], readDelayMs = 0) {
  const updates: unknown[] = [];
  const fail = { read: false, update: false };
  const api: RulesetSwitch = {
    getEnabledRulesets: async () => {
      const now = [...enabled];
      await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      if (fail.read) throw new Error('read failed');
      return now;
    },
    updateEnabledRulesets: async (options) => {
      if (fail.update) throw new Error('update failed');
      updates.push(options);
      for (const id of options.disableRulesetIds ?? []) enabled.splice(enabled.indexOf(id), 1);
      enabled.push(...(options.enableRulesetIds ?? []));
    },
  };
  return { api, enabled, updates, fail };
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

  it('a failed change does not stop the next one', async () => {
    const r = rulesets([]);
    const block = telemetrySwitch(r.api);
    r.fail.update = true;
    await expect(block(true)).rejects.toThrow('update failed');
    r.fail.update = false;
    await block(true);
    expect(r.enabled).toEqual([TELEMETRY_RULESET]);
  });

  it('changes the rule set as asked when it cannot read it', async () => {
    const r = rulesets([TELEMETRY_RULESET]);
    r.fail.read = true;
    await telemetrySwitch(r.api)(true);
    expect(r.updates).toEqual([{ enableRulesetIds: [TELEMETRY_RULESET] }]);
  });
});

describe('a tab lane opening’s ports', () => {
  const port = () => {
    const p = {
      closed: false,
      onmessage: null,
      postMessage: () => {},
      close: () => {
        p.closed = true;
      },
    };
    return p;
  };

  it('takes exactly two, the sidebar’s then the page’s', () => {
    const [sidebar, page] = [port(), port()];
    expect(lanePortsOf([sidebar, page])).toEqual({ sidebar, page });
    expect([sidebar.closed, page.closed]).toEqual([false, false]);
  });

  it('closes every port of an opening with any other number', () => {
    for (const ports of [[port()], [port(), port(), port()]]) {
      expect(lanePortsOf(ports)).toBeNull();
      expect(ports.map((p) => p.closed)).toEqual(ports.map(() => true));
    }
    expect(lanePortsOf([])).toBeNull();
  });
});
