import { describe, expect, it } from 'vitest';
import { ThreadlineDb } from '../../db/threadline-db';
import { DISCLOSURE, disclosureHash } from '../../shared/disclosure';
import type { ThreadFacts } from '../../shared/protocol';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createConsentStore } from '../privacy/consent/consent-store';
import { readExtras } from './extras';

const A = 'sam@corp.test';
const TEXT = 'The disclosure as the page showed it.';
const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Pricing',
  participants: [{ name: 'Alice', address: 'alice@acme.test' }],
  messageIds: ['<m1@x>'],
};

/** The database with its tasks read (the extras' last read of the cache) held until `release()`. */
function tasksHeld(db: ThreadlineDb): { db: ThreadlineDb; asked: Promise<void>; release(): void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let noteAsked: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => {
    noteAsked = resolve;
  });
  const tasks = {
    where: (index: string) => ({
      anyOf: (keys: [string, string][]) => ({
        toArray: async () => {
          noteAsked();
          await released;
          return db.tasks.where(index).anyOf(keys).toArray();
        },
      }),
    }),
  };
  return { db: Object.create(db, { tasks: { value: tasks } }) as ThreadlineDb, asked, release };
}

describe('thread extras', () => {
  it('say what consent is after their last read of the cache, not when they were begun', async () => {
    const db = new ThreadlineDb(`extras-${Math.random()}`);
    const consent = createConsentStore(
      db,
      () => 1,
      () => TEXT,
    );
    const held = tasksHeld(db);
    const deps = {
      db: held.db,
      consent,
      settings: async () => ({ settings: DEFAULT_SETTINGS, locked: [] }),
    };
    const begun = readExtras(deps, A, thread, ['person:1']);
    // The user's "Allow" is stored while the extras wait on their last read.
    await held.asked;
    await consent.grant(A, 'emailLogging', {
      version: DISCLOSURE.version,
      textHash: await disclosureHash(TEXT),
    });
    held.release();
    expect((await begun).consent.emailLogging).toBe(true);
  });
});
