import { describe, expect, it } from 'vitest';
import { CARD, ME, threadDeps, threadOf } from '../../../test/unit/thread-deps';
import { admitLink, queueLink, queueLogs } from './queue-logs';

const alice = 'alice@acme.test';
const bob = 'bob@acme.test';
const person = (id: number) => ({ type: 'person' as const, id });

describe('the logging gate (queue-logs)', () => {
  it('queues a link and one logMessage per message, each once however often it is asked', async () => {
    const env = threadDeps();
    const thread = threadOf([
      [alice, ME],
      [ME, alice],
    ]);
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 2,
      unread: 0,
      refusal: null,
    });
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 0,
      unread: 0,
      refusal: null,
    });
    expect(env.queued.map((q) => `${q.write.op} ${q.recordKey}`)).toEqual([
      'linkThread person:1',
      'logMessage person:1',
      'logMessage person:1',
    ]);
    // Which of them the user sent (HubSpot records an e-mail's direction).
    expect(env.queued.map((q) => (q.write.op === 'logMessage' ? q.write.payload.outgoing : null))).toEqual([
      null,
      false,
      true,
    ]);
  });

  it('stores a thread’s marks and writes together: a write that fails to queue leaves no mark behind', async () => {
    const env = threadDeps();
    const thread = threadOf([
      [alice, ME],
      [ME, alice],
      [alice, ME],
    ]);
    // The third write (the second message) fails to queue, as a worker stopped mid-way would.
    const { enqueue } = env.deps.outbox;
    let calls = 0;
    const failing = {
      ...env.deps,
      outbox: {
        enqueue: async (...args: Parameters<typeof enqueue>) => {
          calls += 1;
          if (calls === 3) throw new Error('stopped');
          return enqueue(...args);
        },
      },
    };
    await expect(queueLogs(failing, ME, thread, [person(1)], new Map())).rejects.toThrow('stopped');
    expect(await env.db.threadMarks.count()).toBe(0);
    // Asked again, every message is queued: none was marked as queued without its write.
    env.queued.length = 0;
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 3,
      unread: 0,
      refusal: null,
    });
    expect(env.queued.map((q) => q.write.op)).toEqual([
      'linkThread',
      'logMessage',
      'logMessage',
      'logMessage',
    ]);
    expect(await env.db.threadMarks.count()).toBe(4);
  });

  it('refuses everything without consent (and queues nothing)', async () => {
    const env = threadDeps();
    env.consented.clear();
    const thread = threadOf([[alice, ME]]);
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 0,
      unread: 0,
      refusal: 'consentRequired',
    });
    expect(await queueLink(env.deps, ME, thread, person(1))).toEqual({
      ok: false,
      refusal: 'consentRequired',
    });
    expect(await admitLink(env.deps, ME, thread)).toEqual({ ok: false, refusal: 'consentRequired' });
    expect(env.queued).toEqual([]);
  });

  it('refuses at content level "none" and for an account outside the allowed domains', async () => {
    const env = threadDeps({ emailContentLevel: 'none' });
    const thread = threadOf([[alice, ME]]);
    expect((await queueLogs(env.deps, ME, thread, [person(1)], new Map())).refusal).toBe('levelNone');
    env.set({ emailContentLevel: 'metadata', allowedAccountDomains: ['other.test'] });
    expect((await queueLogs(env.deps, ME, thread, [person(1)], new Map())).refusal).toBe('accountNotAllowed');
    expect(await queueLink(env.deps, ME, thread, person(1))).toEqual({
      ok: false,
      refusal: 'accountNotAllowed',
    });
    expect(env.queued).toEqual([]);
  });

  it('skips messages with anyone on the never-log list, by domain or address', async () => {
    const env = threadDeps({ neverLog: ['rival.test', 'bob@acme.test'] });
    const thread = threadOf([
      [alice, ME],
      ['ceo@rival.test', ME, alice],
      [bob, ME],
    ]);
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 1,
      unread: 0,
      refusal: null,
    });
    expect(env.ops('logMessage').map((q) => q.write.payload)).toEqual([
      expect.objectContaining({ messageId: '<m1@test>' }),
    ]);
  });

  it('refuses a link when every outside participant is on the never-log list', async () => {
    const env = threadDeps({ neverLog: ['acme.test'] });
    const thread = threadOf([[alice, ME]]);
    expect(await queueLink(env.deps, ME, thread, person(1))).toEqual({ ok: false, refusal: 'neverLog' });
    expect((await queueLogs(env.deps, ME, thread, [person(1)], new Map())).refusal).toBe('neverLog');
    expect(env.queued).toEqual([]);
  });

  it('never logs or links internal mail: the own domain, teammates and internal domains', async () => {
    const env = threadDeps({ internalDomains: ['corp-eu.test'] });
    env.teammates.add('tara@partner.test');
    const thread = threadOf([
      ['ivan@corp.test', ME],
      ['eva@corp-eu.test', ME],
      ['tara@partner.test', ME],
      [alice, ME, 'ivan@corp.test'],
    ]);
    expect(await queueLogs(env.deps, ME, thread, [person(1)], new Map())).toEqual({
      queued: 1,
      unread: 0,
      refusal: null,
    });
    expect(env.ops('logMessage').map((q) => q.write.payload)).toEqual([
      expect.objectContaining({ messageId: '<m4@test>' }),
    ]);
    const internal = threadOf([['ivan@corp.test', ME]], 'Lunch', 't-2');
    expect(await queueLink(env.deps, ME, internal, person(1))).toEqual({ ok: false, refusal: 'internal' });
  });

  it('sends bodies only at content level "full"', async () => {
    const env = threadDeps({ emailContentLevel: 'metadata' });
    const thread = threadOf([[alice, ME]]);
    const bodies = new Map([['<m1@test>', 'BODY-TEXT']]);
    await queueLogs(env.deps, ME, thread, [person(1)], bodies, 'send');
    expect(env.texts().join('\n')).not.toContain('BODY-TEXT');
    env.set({ emailContentLevel: 'full' });
    await queueLogs(env.deps, ME, thread, [person(2)], bodies, 'send');
    expect(env.ops('logMessage').at(-1)?.write.payload).toMatchObject({
      text: expect.stringContaining('BODY-TEXT'),
    });
  });

  it('at content level "full" queues a message only with its body; one without waits, unmarked', async () => {
    const env = threadDeps({ emailContentLevel: 'full' });
    const thread = threadOf([
      [alice, ME],
      [ME, alice],
      [ME, 'tom@corp.test'],
    ]);
    // The third message is internal: refused by the rules, so it is not counted as waiting.
    const second = new Map([['<m2@test>', 'second body']]);
    expect(await queueLogs(env.deps, ME, thread, [person(1), person(2)], second)).toEqual({
      queued: 2,
      unread: 1,
      refusal: null,
    });
    expect(env.ops('linkThread')).toHaveLength(2);
    expect(env.ops('logMessage').map((q) => (q.write.payload as { messageId: string }).messageId)).toEqual([
      '<m2@test>',
      '<m2@test>',
    ]);
    expect((await env.db.threadMarks.toArray()).filter((m) => m.kind === 'message')).toHaveLength(2);
    // Later, with the first body read: it is logged whole on both records, and nothing waits.
    const both = new Map([...second, ['<m1@test>', 'first body']]);
    expect(await queueLogs(env.deps, ME, thread, [person(1), person(2)], both)).toEqual({
      queued: 2,
      unread: 0,
      refusal: null,
    });
    expect(env.texts().join('\n')).toContain('first body');
    // Below "full" no body is asked for: nothing waits.
    env.set({ emailContentLevel: 'metadata' });
    expect(await queueLogs(env.deps, ME, thread, [person(3)], new Map())).toEqual({
      queued: 2,
      unread: 0,
      refusal: null,
    });
  });

  it.each([
    ['block', 'send', false],
    ['block', 'redact', false],
    ['warn', 'redact', false],
    ['warn', 'send', true],
    ['off', 'redact', true],
  ] as const)(
    'prohibited data at mode %s with the choice %s: sent as is = %s',
    async (mode, choice, kept) => {
      const env = threadDeps({ emailContentLevel: 'full', prohibitedDataMode: mode });
      const thread = threadOf([[alice, ME]]);
      await queueLogs(
        env.deps,
        ME,
        thread,
        [person(1)],
        new Map([['<m1@test>', `card ${CARD} thanks`]]),
        choice,
      );
      const text = env.texts().join('\n');
      expect(text).toContain('thanks');
      expect(text.includes(CARD)).toBe(kept);
    },
  );

  it('says nothing of visibility: the CRM has no such rule for activities', async () => {
    const env = threadDeps();
    await queueLogs(env.deps, ME, threadOf([[alice, ME]]), [person(1)], new Map());
    expect(env.texts().join('\n')).not.toMatch(/visib/i);
  });

  it('puts the subject in the link text only when the level allows metadata', async () => {
    const env = threadDeps();
    const admitted = await admitLink(env.deps, ME, threadOf([[alice, ME]], 'Secret deal'));
    expect(admitted).toEqual({ ok: true, text: 'Gmail thread linked with Threadline: Secret deal' });
  });
});
