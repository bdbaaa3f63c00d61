import { describe, expect, it } from 'vitest';
import {
  addPerson,
  addSalesPipeline,
  CARD,
  ME,
  newDeal,
  threadDeps,
  threadOf,
} from '../../../test/unit/thread-deps';
import { createLogger } from '../../shared/logger';
import type { ThreadFacts } from '../../shared/protocol';
import { t } from '../i18n';
import { createOutbox } from '../outbox/outbox';
import { refusalText } from './logging-guard';
import { createThreadCommands } from './thread-commands';

const alice = 'alice@acme.test';
const TAB = 7;

async function setup(overrides: Parameters<typeof threadDeps>[0] = {}, open: ThreadFacts | null = null) {
  const env = threadDeps(overrides);
  const opened = open ?? threadOf([[alice, ME]]);
  const bodies = new Map<string, string>();
  const changed: string[] = [];
  let ids = 0;
  // The real outbox (never drained here), and what was queued as the harness records it.
  const outbox = createOutbox({ db: env.db, client: async () => null, logger: createLogger('test') });
  const commands = createThreadCommands({
    ...env.deps,
    outbox: {
      enqueue: async (account, recordKey, write) => {
        await outbox.enqueue(account, recordKey, write);
        env.queued.push({ account, recordKey, write });
      },
      once: (actionId, tables, queue) =>
        outbox.once(actionId, tables, (enqueue) =>
          queue(async (account, recordKey, write) => {
            await enqueue(account, recordKey, write);
            env.queued.push({ account, recordKey, write });
          }),
        ),
    },
    openThread: async (tabId, account, threadId) =>
      tabId === TAB && account === ME && threadId === opened.threadId ? opened : null,
    readBodies: async (_tab, _thread, messageIds) =>
      new Map(messageIds.filter((id) => bodies.has(id)).map((id) => [id, bodies.get(id) ?? ''])),
    provisionalId: () => {
      ids -= 1;
      return ids;
    },
    changed: async (account) => void changed.push(account),
  });
  await addPerson(env.db, 21, alice);
  return { ...env, commands, bodies, changed, thread: opened };
}

const base = {
  type: 'logThread' as const,
  account: ME,
  threadId: 't-1',
  records: [{ type: 'person' as const, id: 21 }],
};

describe('thread commands', () => {
  it('acts only on the thread open in the asking tab', async () => {
    const env = await setup();
    const record = { type: 'person' as const, id: 21 };
    expect(
      await env.commands.linkThread({ type: 'linkThread', account: ME, threadId: 'other', record }, TAB),
    ).toMatchObject({ ok: false });
    expect(
      await env.commands.linkThread({ type: 'linkThread', account: ME, threadId: 't-1', record }, 8),
    ).toMatchObject({ ok: false });
    expect(await env.commands.logThread({ ...base, threadId: 'other' }, TAB)).toMatchObject({ ok: false });
    expect(env.queued).toEqual([]);
    expect(
      await env.commands.linkThread({ type: 'linkThread', account: ME, threadId: 't-1', record }, TAB),
    ).toEqual({ ok: true });
    expect(env.ops('linkThread')).toHaveLength(1);
    expect(env.changed).toEqual([ME]);
  });

  it('asks for consent before logging, and queues nothing until it is given', async () => {
    const env = await setup();
    env.consented.clear();
    expect(await env.commands.logThread(base, TAB)).toMatchObject({ ok: false, needsConsent: true });
    expect(env.queued).toEqual([]);
    env.consented.add(ME);
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: true, queued: 1, unread: 0 });
  });

  it('refuses "Log thread" at content level "none" and when the never-log list covers everyone', async () => {
    const none = await setup({ emailContentLevel: 'none' });
    expect(await none.commands.logThread(base, TAB)).toMatchObject({ ok: false });
    const never = await setup({ neverLog: ['acme.test'] });
    expect(await never.commands.logThread(base, TAB)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/never-log/),
    });
    expect([...none.queued, ...never.queued]).toEqual([]);
  });

  it('shows the guard’s findings at level "full", then logs with prohibited data removed', async () => {
    const env = await setup({ emailContentLevel: 'full' });
    env.bodies.set('<m1@test>', `card ${CARD}, see you`);
    const first = await env.commands.logThread(base, TAB);
    expect(first).toMatchObject({
      ok: false,
      prohibited: { mode: 'warn', findings: [{ kind: 'card', message: 1 }] },
    });
    expect(env.queued).toEqual([]);
    expect(await env.commands.logThread({ ...base, prohibited: 'redact' }, TAB)).toEqual({
      ok: true,
      queued: 1,
      unread: 0,
    });
    const text = env.texts().join('\n');
    expect(text).toContain('see you');
    expect(text).not.toContain(CARD);
  });

  it('at level "full" logs a message only with its body: one Gmail did not give stays unlogged', async () => {
    const two = threadOf([
      [alice, ME],
      [ME, alice],
    ]);
    const env = await setup({ emailContentLevel: 'full' }, two);
    const loggedIds = () =>
      env.ops('logMessage').map((q) => (q.write.payload as { messageId?: string }).messageId);
    // Gmail gave nothing (the tab moved on): nothing is logged, and the user is told why; the link,
    // which needs no body, is made ("Link and log").
    expect(await env.commands.logThread(base, TAB)).toEqual({
      ok: false,
      error: t('errBodiesUnread'),
    });
    expect(loggedIds()).toEqual([]);
    expect(env.ops('linkThread')).toHaveLength(1);
    // Gmail gave the second message's body only: that one is logged, with it, and the answer says one waits.
    env.bodies.set('<m2@test>', 'the second body');
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: true, queued: 1, unread: 1 });
    expect(env.texts().join('\n')).toContain('the second body');
    expect(loggedIds()).toEqual(['<m2@test>']);
    // The second is logged and the first still unread: nothing new to queue is an error, not "Queued".
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: false, error: t('errBodiesUnread') });
    // Once loaded, the first is logged too, and the second is not logged twice.
    env.bodies.set('<m1@test>', 'the first body');
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: true, queued: 1, unread: 0 });
    expect(env.texts().join('\n')).toContain('the first body');
    expect(loggedIds()).toEqual(['<m2@test>', '<m1@test>']);
    expect(env.ops('linkThread')).toHaveLength(1);
  });

  it('at level "full" decides by the rules before the bodies: a refused message is refused, read or not', async () => {
    // The message Gmail gave is internal (the rules refuse it); the outside one is unread: it waits.
    const mixed = threadOf([
      [alice, ME],
      [ME, ME],
    ]);
    const env = await setup({ emailContentLevel: 'full' }, mixed);
    env.bodies.set('<m2@test>', 'note to self');
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: false, error: t('errBodiesUnread') });
    expect(env.ops('logMessage')).toEqual([]);
    // An internal thread is refused as internal, whether or not Gmail gave its bodies.
    const internal = await setup({ emailContentLevel: 'full' }, threadOf([[ME, 'tom@corp.test']]));
    expect(await internal.commands.logThread(base, TAB)).toEqual({
      ok: false,
      error: refusalText('internal'),
    });
    internal.bodies.set('<m1@test>', 'internal body');
    expect(await internal.commands.logThread(base, TAB)).toEqual({
      ok: false,
      error: refusalText('internal'),
    });
    expect(internal.queued).toEqual([]);
  });

  it('logs a sent message on the thread’s links, else on recipients who are CRM people (not teammates)', async () => {
    const env = await setup();
    env.teammates.add('tara@partner.test');
    await addPerson(env.db, 22, 'tara@partner.test');
    const sent = {
      type: 'composeSent' as const,
      account: ME,
      threadId: 't-9',
      messageId: '<sent-1@test>',
      subject: 'Offer',
      recipients: [
        { name: '', address: alice },
        { name: '', address: 'tara@partner.test' },
        { name: '', address: 'stranger@else.test' },
      ],
      body: `the card is ${CARD}`,
    };
    expect(await env.commands.composeSent(sent)).toEqual({ logged: 1 });
    expect(env.ops('logMessage').map((q) => q.recordKey)).toEqual(['person:21']);
    // Metadata (the default): no body at all.
    expect(env.texts().join('\n')).not.toContain('the card is');
  });

  it('removes prohibited data from a body logged from compose at level "full" (nobody to ask)', async () => {
    const env = await setup({ emailContentLevel: 'full' });
    const sent = {
      type: 'composeSent' as const,
      account: ME,
      threadId: 't-9',
      messageId: '<sent-2@test>',
      subject: 'Offer',
      recipients: [{ name: '', address: alice }],
      body: `the card is ${CARD}`,
    };
    expect(await env.commands.composeSent(sent)).toEqual({ logged: 1 });
    const text = env.texts().join('\n');
    expect(text).toContain('the card is');
    expect(text).not.toContain(CARD);
  });

  it('at level "full" leaves a message sent without its body for a later Log, which logs it whole', async () => {
    const sentThread = threadOf([[ME, alice]], 'Offer', 't-1');
    const env = await setup({ emailContentLevel: 'full' }, sentThread);
    const sent = {
      type: 'composeSent' as const,
      account: ME,
      threadId: 't-1',
      messageId: '<m1@test>',
      subject: 'Offer',
      recipients: [{ name: '', address: alice }],
      body: null,
    };
    // Sent as the level changed to "full": no body came with it, so it is not logged (nor marked).
    expect(await env.commands.composeSent(sent)).toEqual({ logged: 0 });
    expect(env.ops('logMessage')).toEqual([]);
    env.bodies.set('<m1@test>', 'the offer');
    expect(await env.commands.logThread(base, TAB)).toEqual({ ok: true, queued: 1, unread: 0 });
    expect(env.texts().join('\n')).toContain('the offer');
    // An empty body is a body: that message is logged at once.
    expect(await env.commands.composeSent({ ...sent, messageId: '<m2@test>', body: '' })).toEqual({
      logged: 1,
    });
  });

  it('logs nothing from compose without consent, or to a never-log recipient', async () => {
    const env = await setup({ neverLog: [alice] });
    const sent = {
      type: 'composeSent' as const,
      account: ME,
      threadId: 't-9',
      messageId: '<sent-3@test>',
      subject: 'Offer',
      recipients: [{ name: '', address: alice }],
      body: null,
    };
    expect(await env.commands.composeSent(sent)).toEqual({ logged: 0 });
    env.set({ neverLog: [] });
    env.consented.clear();
    expect(await env.commands.composeSent(sent)).toEqual({ logged: 0 });
    expect(env.queued).toEqual([]);
  });

  it('pre-sets "Log to CRM" in compose from auto-log or a link, only where logging is allowed', async () => {
    const env = await setup();
    const ask = { type: 'composeDefaults' as const, account: ME, threadId: null };
    expect(await env.commands.composeDefaults(ask)).toEqual({ allowed: true, logToCrm: false });
    env.set({ autoLogDefault: true });
    expect(await env.commands.composeDefaults(ask)).toEqual({ allowed: true, logToCrm: true });
    env.consented.clear();
    expect(await env.commands.composeDefaults(ask)).toEqual({ allowed: false, logToCrm: false });
  });

  it('creates a deal from a thread with its link only when the gate admits the link', async () => {
    const env = await setup();
    await addSalesPipeline(env.db);
    const deal = newDeal('t-1');
    expect(await env.commands.createDeal({ ...deal, actionId: 'deal-save-1' }, TAB)).toEqual({ ok: true });
    expect(env.ops('createDeal')[0]?.write.payload).toMatchObject({ link: { threadId: 't-1' } });
    env.set({ neverLog: ['acme.test'] });
    expect(await env.commands.createDeal({ ...deal, actionId: 'deal-save-2' }, TAB)).toEqual({ ok: true });
    expect(env.ops('createDeal')[1]?.write.payload).toMatchObject({ link: null });
  });

  it('holds a note with prohibited data until the user removes it or (mode warn) sends it anyway', async () => {
    const env = await setup();
    const note = {
      type: 'addNote' as const,
      account: ME,
      record: { type: 'person' as const, id: 21 },
      text: `card ${CARD}`,
      actionId: 'note-save-1',
    };
    expect(await env.commands.addNote(note)).toMatchObject({ ok: false, prohibited: { mode: 'warn' } });
    expect(env.queued).toEqual([]);
    expect(await env.commands.addNote({ ...note, acknowledgeProhibited: true })).toEqual({ ok: true });
  });

  it('queues a save sent again after no answer once, with what it stores beside it, and a new save again', async () => {
    const env = await setup();
    await addSalesPipeline(env.db);
    const record = { type: 'person' as const, id: 21 };
    const note = { type: 'addNote' as const, account: ME, record, text: 'Left voicemail' };
    const task = {
      type: 'createTask' as const,
      account: ME,
      name: 'Follow up',
      related: record,
      dueDate: null,
      priority: 'None' as const,
    };
    const deal = newDeal(null);
    for (let n = 0; n < 2; n += 1) {
      expect(await env.commands.addNote({ ...note, actionId: 'note-save-1' })).toEqual({ ok: true });
      expect(await env.commands.createTask({ ...task, actionId: 'task-save-1' })).toEqual({ ok: true });
      expect(await env.commands.createDeal({ ...deal, actionId: 'deal-save-1' }, TAB)).toEqual({ ok: true });
    }
    expect(env.queued.map((q) => q.write.op)).toEqual(['addNote', 'createTask', 'createDeal']);
    expect(await env.db.tasks.count()).toBe(1);
    expect(await env.db.opportunities.count()).toBe(1);
    // The save's id is the row's key, and the deal's marker in the CRM.
    expect((await env.db.outbox.toArray()).map((r) => r.idempotencyKey)).toEqual([
      'note-save-1',
      'task-save-1',
      'deal-save-1',
    ]);
    expect(env.ops('createDeal')[0]?.write.payload).toMatchObject({ idempotencyKey: 'deal-save-1' });
    // The same text saved again after it was done is a new save: two notes.
    expect(await env.commands.addNote({ ...note, actionId: 'note-save-2' })).toEqual({ ok: true });
    expect(env.texts()).toEqual(['Left voicemail', 'Left voicemail']);
  });
});
