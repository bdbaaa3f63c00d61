/**
 * The write sender's test harness (src/background/outbox/write-sender*.test.ts): a CRM holding notes
 * and tasks that fails on demand, and an outbox database to queue writes in.
 */
import { expect } from 'vitest';
import type { CrmClient, NewActivity, NewTask, SyncedActivity } from '../../src/background/crm/crm-client';
import { CrmError } from '../../src/background/crm/crm-error';
import { createWriteSender, type OutboxOp } from '../../src/background/outbox/write-sender';
import { StorageFullError } from '../../src/db/storage-full';
import { type OutboxRow, ThreadlineDb } from '../../src/db/threadline-db';
import type { Task } from '../../src/shared/crm-model';

export const A = 'me@corp.test';
export const alice = { type: 'person' as const, id: 10 };

/**
 * A CRM holding notes and tasks. `fail`: `lose`, a create happens in the CRM and its answer is lost
 * on the way back (a dropped connection after the CRM made the record); `refuse`, a create is
 * refused (a 429: certainly nothing made); `busy`, a 503 before anything is made (which the client
 * cannot tell from one after); `read`, the duplicate check's read fails; `full`, the request never
 * left as the audit log could not be written (storage full).
 */
export type Failure = 'lose' | 'refuse' | 'busy' | 'read' | 'full';
export function fakeCrm(notes: SyncedActivity[] = [], tasks: Task[] = []) {
  let fail: Failure | null = null;
  const made = { notes: 0, tasks: 0 };
  const refused = () => {
    if (fail === 'refuse') throw new CrmError('rateLimited', '429', 429);
    if (fail === 'busy') throw new CrmError('server', '503', 503);
    if (fail === 'full') throw new StorageFullError(A);
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

export async function setup() {
  const db = new ThreadlineDb(`write-sender-${Math.random()}`);
  const sender = createWriteSender({ db, nowMs: () => 1_000, enqueue: async () => undefined });
  /** Queues the write, as the outbox stores it, and returns its stored row. */
  const queue = async (write: OutboxOp, attempts = 0, account = A): Promise<OutboxRow> => {
    const seq = await db.outbox.add({
      account,
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

type Crm = ReturnType<typeof fakeCrm>;
type Harness = Awaited<ReturnType<typeof setup>>;

/** Sends each write once, failing as `how` (the CRM then answers again). */
export async function failOnce(crm: Crm, t: Harness, rows: OutboxRow[], how: Failure): Promise<void> {
  crm.failNext(how);
  const said = {
    lose: 'connection dropped',
    refuse: '429',
    busy: '503',
    read: 'unreachable',
    full: 'storage full',
  }[how];
  for (const row of rows) await expect(t.sender.send(crm.client, row)).rejects.toThrow(said);
  crm.failNext(null);
}

/** Sends the write once failing as `how`, then again, as the next drain would (the row read anew). */
export async function failThenRetry(crm: Crm, t: Harness, row: OutboxRow, how: Failure): Promise<void> {
  await failOnce(crm, t, [row], how);
  await t.sender.send(crm.client, await t.failedOnce(row));
}

/** A note the record already has in the CRM (made outside this outbox). */
export const crmNote = (id: number, details: string): SyncedActivity => ({
  id,
  parentType: 'person',
  parentId: alice.id,
  typeName: 'Note',
  details,
  at: 1,
  modifiedAt: 1,
});
/** An open task the record already has in the CRM (made outside this outbox). */
export const crmTask = (id: number, name: string, extra: Partial<Task> = {}): Task => ({
  id,
  name,
  related: alice,
  dueDate: null,
  priority: 'None',
  status: 'Open',
  modifiedAt: 1,
  ...extra,
});

export const note = (text: string): OutboxOp => ({
  op: 'addNote',
  payload: { record: alice, text, before: null },
});
export const task = (name: string): OutboxOp => ({
  op: 'createTask',
  payload: { name, related: alice, dueDate: null, priority: 'None', provisionalId: -1, before: null },
});
