import { describe, expect, it } from 'vitest';
import { ThreadlineDb } from '../../db/threadline-db';
import type { ThreadFacts } from '../../shared/protocol';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { readExtras } from './extras';

const A = 'sam@corp.test';
const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Pricing',
  participants: [{ name: 'Alice', address: 'alice@acme.test' }],
  messageIds: ['<m1@x>'],
};

describe('thread extras', () => {
  it('say what consent is when they are answered, not when they were begun', async () => {
    const db = new ThreadlineDb(`extras-${Math.random()}`);
    let granted = false;
    // The settings are the first read to answer; the user's "Allow" is stored before they do.
    let answerSettings: () => void = () => undefined;
    const settingsRead = new Promise<void>((resolve) => {
      answerSettings = resolve;
    });
    const deps = {
      db,
      consent: { has: async () => granted },
      settings: async () => {
        await settingsRead;
        return { settings: DEFAULT_SETTINGS, locked: [] };
      },
    };
    const begun = readExtras(deps, A, thread, []);
    granted = true;
    answerSettings();
    expect((await begun).consent.emailLogging).toBe(true);
    // And a withdrawal the same way.
    const again = readExtras(deps, A, thread, []);
    granted = false;
    expect((await again).consent.emailLogging).toBe(false);
  });
});
