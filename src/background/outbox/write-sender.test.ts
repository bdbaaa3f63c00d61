import { describe, expect, it } from 'vitest';
import { type OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import type { Task } from '../../shared/crm-model';
import type { CrmClient, NewActivity, NewTask, SyncedActivity } from '../crm/crm-client';
import { createWriteSender, type OutboxOp } from './write-sender';

const A = 'me@corp.test';
const alice = { type: 'person' as const, id: 10 };

/**
 * A CRM holding notes and tasks. `fail`: `lose`, a create happens in the CRM and its answer is lost
 * on the way back (a dropped connection after the CRM made the record); `refuse`, a create is
 * refused before anything is made (a 503); `read`, the duplicate check's read fails.
 */
function fakeCrm(notes: SyncedActivity[] = [], tasks: Task[] = []) {
  let fail: 'lose' | 'refuse' | 'read' | null = null;
  const made = { notes: 0, tasks: 0 };
  const refused = () => {
    if (fail === 'refuse') throw new Error('503');
  };
  const client = {
    threadActivitiesOf: async () => {
      if (fail === 'read') throw new Error('unreachable');
      return [...notes];
    },
    createActivity: async (input: NewActivity) => {
      refused();
      const note = {
        id: 100 + notes.length,
        parentType: input.parent.type,
        parentId: input.parent.id,
        typeName: 'Note',
        details: input.details,
        at: 1,
        modifiedAt: 1,
      };
      notes.push(note);
      made.notes += 1;
      if (fail === 'lose') throw new Error('connection dropped');
      return note;
    },
    findTasks: async (name: string) => {
      if (fail === 'read') throw new Error('unreachable');
      return tasks.filter((t) => t.name === name);
    },
    createTask: async (input: NewTask) => {
      refused();
      const task: Task = { id: 900 + tasks.length, ...input, status: 'Open', modifiedAt: 1 };
      tasks.push(task);
      made.tasks += 1;
      if (fail === 'lose') throw new Error('connection dropped');
      return task;
    },
  } as Partial<CrmClient> as CrmClient;
  const failNext = (how: typeof fail) => {
    fail = how;
  };
  return { client, made, failNext };
}

async function setup() {
  const db = new ThreadlineDb(`write-sender-${Math.random()}`);
  const sender = createWriteSender({ db, nowMs: () => 1_000, enqueue: async () => undefined });
  /** Queues the write, as the outbox stores it, and returns its stored row. */
  const queue = async (write: OutboxOp, attempts = 0): Promise<OutboxRow> => {
    const seq = await db.outbox.add({
      account: A,
      recordKey: 'person:10',
      idempotencyKey: `k${Math.random()}`,
      op: write.op,
      payload: write.payload,
      state: 'pending',
      attempts,
      nextAttemptAt: 0,
      lastError: null,
      createdAt: 0,
    });
    return (await db.outbox.get(seq)) as OutboxRow;
  };
  /** The row as the next drain reads it, after a failed attempt. */
  const failedOnce = async (row: OutboxRow): Promise<OutboxRow> => {
    await db.outbox.update(row.seq ?? -1, { attempts: row.attempts + 1 });
    sender.forget(); // a new drain
    return (await db.outbox.get(row.seq ?? -1)) as OutboxRow;
  };
  return { db, sender, queue, failedOnce };
}

/** Sends the write once failing as `how`, then again, as the next drain would (the row read anew). */
async function failThenRetry(
  crm: ReturnType<typeof fakeCrm>,
  t: Awaited<ReturnType<typeof setup>>,
  row: OutboxRow,
  how: 'lose' | 'refuse' | 'read',
): Promise<void> {
  crm.failNext(how);
  const said = { lose: 'connection dropped', refuse: '503', read: 'unreachable' }[how];
  await expect(t.sender.send(crm.client, row)).rejects.toThrow(said);
  crm.failNext(null);
  await t.sender.send(crm.client, await t.failedOnce(row));
}

const note = (text: string): OutboxOp => ({ op: 'addNote', payload: { record: alice, text, before: null } });
const task = (name: string): OutboxOp => ({
  op: 'createTask',
  payload: { name, related: alice, dueDate: null, priority: 'None', provisionalId: -1, before: null },
});

describe('write sender: notes and tasks that may rightly repeat', () => {
  it('writes a note whose text the record already has: two "Left voicemail" notes are two notes', async () => {
    const crm = fakeCrm();
    const { sender, queue } = await setup();
    await sender.send(crm.client, await queue(note('Left voicemail')));
    await sender.send(crm.client, await queue(note('Left voicemail'))); // same drain
    sender.forget();
    await sender.send(crm.client, await queue(note('Left voicemail'))); // a later drain
    expect(crm.made.notes).toBe(3);
  });

  it('does not write a note again when its answer was lost, even beside an earlier note of that text', async () => {
    const crm = fakeCrm();
    const t = await setup();
    await t.sender.send(crm.client, await t.queue(note('Left voicemail')));
    await failThenRetry(crm, t, await t.queue(note('Left voicemail')), 'lose');
    expect(crm.made.notes).toBe(2);
  });

  it('creates a task whose name an open task of the record has, and never twice after a lost answer', async () => {
    const crm = fakeCrm();
    const t = await setup();
    await t.sender.send(crm.client, await t.queue(task('Follow up')));
    await failThenRetry(crm, t, await t.queue(task('Follow up')), 'lose');
    expect(crm.made.tasks).toBe(2);
    // The cache holds both tasks, each under its CRM id.
    expect((await t.db.tasks.toArray()).map((row) => row.id).sort()).toEqual([900, 901]);
  });

  it('still writes a note or task whose first attempt failed before it could read what the record had', async () => {
    const crm = fakeCrm(
      [
        {
          id: 7,
          parentType: 'person',
          parentId: 10,
          typeName: 'Note',
          details: 'Left voicemail',
          at: 1,
          modifiedAt: 1,
        },
      ],
      [
        {
          id: 50,
          name: 'Follow up',
          related: alice,
          dueDate: null,
          priority: 'None',
          status: 'Open',
          modifiedAt: 1,
        },
      ],
    );
    const { sender, queue, failedOnce } = await setup();
    const rows = [await queue(note('Left voicemail')), await queue(task('Follow up'))];
    crm.failNext('read'); // offline: neither gets as far as the CRM
    for (const row of rows) await expect(sender.send(crm.client, row)).rejects.toThrow('unreachable');
    crm.failNext(null);
    for (const row of rows) await sender.send(crm.client, await failedOnce(row));
    expect(crm.made).toEqual({ notes: 1, tasks: 1 });
  });

  it('never lets two writes of one task name take the same task, whichever is sent first', async () => {
    const crm = fakeCrm();
    const { db, sender, queue, failedOnce } = await setup();
    const first = await queue(task('Follow up'));
    const second = await queue(task('Follow up'));
    crm.failNext('refuse'); // the first is refused before anything is made; the drain goes on
    await expect(sender.send(crm.client, first)).rejects.toThrow('503');
    crm.failNext(null);
    await sender.send(crm.client, second);
    await sender.send(crm.client, await failedOnce(first));
    expect(crm.made.tasks).toBe(2);
    expect((await db.tasks.toArray()).map((t) => t.id).sort()).toEqual([900, 901]);
  });

  it('lets two same-name tasks due in one drain pass each make their own, though the pass read both rows first', async () => {
    const crm = fakeCrm();
    const { db, sender, queue } = await setup();
    const first = await queue(task('Follow up'));
    const second = await queue(task('Follow up'));
    crm.failNext('refuse'); // a pass where both are refused before anything is made
    for (const row of [first, second]) await expect(sender.send(crm.client, row)).rejects.toThrow('503');
    crm.failNext(null);
    sender.forget();
    // The next pass reads its rows once, then sends them one after the other.
    const pass = await db.outbox.orderBy('seq').toArray();
    for (const row of pass) await sender.send(crm.client, row);
    expect(crm.made.tasks).toBe(2);
    expect((await db.tasks.toArray()).map((t) => t.id).sort()).toEqual([900, 901]);
  });

  it('does not take a task of that name with another priority or due date for its own', async () => {
    const tasks: Task[] = [];
    const crm = fakeCrm([], tasks);
    const { sender, queue, failedOnce } = await setup();
    const urgent: OutboxOp = {
      op: 'createTask',
      payload: {
        name: 'Follow up',
        related: alice,
        dueDate: 1_900_000_000,
        priority: 'High',
        provisionalId: -2,
        before: null,
      },
    };
    const row = await queue(urgent);
    crm.failNext('refuse');
    await expect(sender.send(crm.client, row)).rejects.toThrow('503');
    crm.failNext(null);
    // A teammate makes one in the CRM meanwhile: no due date, no priority.
    tasks.push({
      id: 500,
      name: 'Follow up',
      related: alice,
      dueDate: null,
      priority: 'None',
      status: 'Open',
      modifiedAt: 1,
    });
    await sender.send(crm.client, await failedOnce(row));
    expect(crm.made.tasks).toBe(1);
  });

  it('gives a deal create the namesakes the CRM had before its first attempt, on every later attempt', async () => {
    const asked: (readonly number[] | undefined)[] = [];
    let lose = true;
    const client = {
      findCreatedOpportunity: async (_input: unknown, before?: readonly number[]) => {
        asked.push(before);
        return { deal: null, namesakes: [70] };
      },
      createOpportunity: async () => {
        if (lose) throw new Error('connection dropped');
        return {
          id: 71,
          name: 'Renewal',
          pipelineId: null,
          stageId: null,
          status: 'Open',
          companyId: null,
          primaryContactId: null,
          value: null,
          closeDate: null,
          modifiedAt: 1,
        };
      },
    } as Partial<CrmClient> as CrmClient;
    const { sender, queue, failedOnce } = await setup();
    const row = await queue({
      op: 'createDeal',
      payload: {
        name: 'Renewal',
        idempotencyKey: 'k',
        pipelineId: 1,
        stageId: 2,
        value: null,
        closeDate: null,
        primaryContactId: null,
        companyId: null,
        provisionalId: -3,
        before: null,
      },
    });
    await expect(sender.send(client, row)).rejects.toThrow('connection dropped');
    lose = false;
    await sender.send(client, await failedOnce(row));
    expect(asked).toEqual([undefined, [70]]);
  });

  it('keeps the old check for a write queued before this one and already tried: its text found is taken as sent', async () => {
    const crm = fakeCrm([
      {
        id: 7,
        parentType: 'person',
        parentId: 10,
        typeName: 'Note',
        details: 'Left voicemail',
        at: 1,
        modifiedAt: 1,
      },
    ]);
    const { sender, queue } = await setup();
    // As an older version queued it: no `before` key.
    await sender.send(
      crm.client,
      await queue({ op: 'addNote', payload: { record: alice, text: 'Left voicemail' } }, 1),
    );
    expect(crm.made.notes).toBe(0);
  });

  it('writes an older version’s write not tried yet, and never lets two of them take one record', async () => {
    const crm = fakeCrm(
      [],
      [
        {
          id: 50,
          name: 'Follow up',
          related: alice,
          dueDate: null,
          priority: 'None',
          status: 'Open',
          modifiedAt: 1,
        },
      ],
    );
    const t = await setup();
    // As an older version queued them: no `before` key. The first was tried once, the second never.
    const old = (): OutboxOp => ({
      op: 'createTask',
      payload: { name: 'Follow up', related: alice, dueDate: null, priority: 'None', provisionalId: -1 },
    });
    const tried = await t.queue(old(), 1);
    const fresh = await t.queue(old());
    await t.sender.send(crm.client, tried); // takes 50, as the old rule did
    await t.sender.send(crm.client, fresh); // 50 is claimed, and this one was never sent: made
    expect(crm.made.tasks).toBe(1);
  });

  it('reads the record again after a failed send: a note made before its answer was lost is not made again in the same drain', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const row = await t.queue(note('Left voicemail'));
    crm.failNext('lose');
    await expect(t.sender.send(crm.client, row)).rejects.toThrow('connection dropped');
    crm.failNext(null);
    // Due again within the same drain (no forget() between): the activities are read anew.
    await t.db.outbox.update(row.seq ?? -1, { attempts: 1 });
    await t.sender.send(crm.client, (await t.db.outbox.get(row.seq ?? -1)) as OutboxRow);
    expect(crm.made.notes).toBe(1);
  });
});
