import { describe, expect, it } from 'vitest';
import { addPerson, CARD, ME, threadDeps, threadOf } from '../../../test/unit/thread-deps';
import { autoLog } from './auto-log';

const bob = 'bob@acme.test';
const carol = 'carol@globex.test';
const dave = 'dave@initech.test';
const noBodies = async () => new Map<string, string>();

async function setup(overrides: Parameters<typeof threadDeps>[0] = {}) {
  const env = threadDeps({ autoLogDefault: true, ...overrides });
  await addPerson(env.db, 11, bob);
  await addPerson(env.db, 12, carol);
  await addPerson(env.db, 13, 'tara@corp.test');
  return env;
}

const group = threadOf([
  [bob, ME],
  [carol, ME, 'tara@corp.test'],
  [dave, ME, 'ivan@corp.test'],
]);

describe('auto-log: the filter of who gets a thread without asking', () => {
  it('logs only for contacts, each with the messages they sent or received', async () => {
    const env = await setup();
    const queued = await autoLog(env.deps, ME, group, [bob, carol, dave], noBodies);
    expect(queued).toBe(2);
    expect(
      env
        .ops('logMessage')
        .map((q) => `${q.recordKey} ${(q.write.payload as { messageId?: string }).messageId}`),
    ).toEqual(['person:11 <m1@test>', 'person:12 <m2@test>']);
  });

  it('skips never-log contacts, teammates and internal domains', async () => {
    const env = await setup({ neverLog: ['globex.test'], internalDomains: ['acme.test'] });
    env.teammates.add(carol);
    expect(await autoLog(env.deps, ME, group, [bob, carol, dave], noBodies)).toBe(0);
    expect(env.queued).toEqual([]);
  });

  it('does nothing while auto-logging is off, the level is "none", or consent is missing', async () => {
    const off = await setup({ autoLogDefault: false });
    expect(await autoLog(off.deps, ME, group, [bob], noBodies)).toBe(0);
    const none = await setup({ emailContentLevel: 'none' });
    expect(await autoLog(none.deps, ME, group, [bob], noBodies)).toBe(0);
    const unconsented = await setup();
    unconsented.consented.clear();
    expect(await autoLog(unconsented.deps, ME, group, [bob], noBodies)).toBe(0);
    expect([...off.queued, ...none.queued, ...unconsented.queued]).toEqual([]);
  });

  it('removes prohibited data from bodies (nobody is there to ask), even at mode "warn"', async () => {
    const env = await setup({ emailContentLevel: 'full' });
    const bodies = async () => new Map([['<m1@test>', `pay with ${CARD} please`]]);
    expect(await autoLog(env.deps, ME, group, [bob], bodies)).toBe(1);
    const text = env.texts().join('\n');
    expect(text).toContain('please');
    expect(text).not.toContain(CARD);
  });

  it('at level "full" leaves a message whose body Gmail did not give for a later open', async () => {
    const env = await setup({ emailContentLevel: 'full' });
    const ids = () => env.ops('logMessage').map((q) => (q.write.payload as { messageId?: string }).messageId);
    // Gmail gave only carol's message's body: bob's message waits (not logged without it, so not marked).
    const carolsOnly = async () => new Map([['<m2@test>', 'from carol']]);
    expect(await autoLog(env.deps, ME, group, [bob, carol], carolsOnly)).toBe(1);
    expect(ids()).toEqual(['<m2@test>']);
    const failing = async (): Promise<Map<string, string>> => {
      throw new Error('tab gone');
    };
    expect(await autoLog(env.deps, ME, group, [bob, carol], failing)).toBe(0);
    // A later open, with the body loaded: bob's message is logged with it.
    const both = async () =>
      new Map([
        ['<m1@test>', 'from bob'],
        ['<m2@test>', 'from carol'],
      ]);
    expect(await autoLog(env.deps, ME, group, [bob, carol], both)).toBe(1);
    expect(ids()).toEqual(['<m2@test>', '<m1@test>']);
    expect(env.texts().join('\n')).toContain('from bob');
  });

  it('gives a teammate who is also a CRM person no log, and a contact still being added none either', async () => {
    const env = await setup();
    env.teammates.add('tara@partner.test');
    await addPerson(env.db, 14, 'tara@partner.test');
    await addPerson(env.db, -5, 'new@initech.test'); // provisional: the CRM has not made it yet
    const thread = threadOf([['tara@partner.test', ME, bob, 'new@initech.test']]);
    expect(
      await autoLog(env.deps, ME, thread, ['tara@partner.test', bob, 'new@initech.test'], noBodies),
    ).toBe(1);
    expect(env.ops('logMessage').map((q) => q.recordKey)).toEqual(['person:11']);
  });

  it('is refused by the gate for a message that copies a never-log address', async () => {
    // Bob is a contact, but his message copies someone on the never-log list.
    const env = await setup({ neverLog: ['legal@acme.test'] });
    const thread = threadOf([[bob, ME, 'legal@acme.test']]);
    expect(await autoLog(env.deps, ME, thread, [bob], noBodies)).toBe(0);
  });
});
