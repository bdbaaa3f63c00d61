import { describe, expect, it } from 'vitest';
import {
  alice,
  crmNote,
  crmTask,
  failOnce,
  failThenRetry,
  fakeCrm,
  note,
  setup,
  task,
} from '../../../test/unit/write-sender-harness';
import type { Task } from '../../shared/crm-model';
import type { SyncedActivity } from '../crm/crm-client';
import { type OutboxOp, sameDueDay } from './write-sender';

describe('write sender: notes and tasks that may rightly repeat', () => {
  it('writes a note whose text the record already has: two "Left voicemail" notes are two notes', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const { sender, queue } = t;
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
    const crm = fakeCrm([crmNote(7, 'Left voicemail')], [crmTask(50, 'Follow up')]);
    const t = await setup();
    const { sender, queue, failedOnce } = t;
    const rows = [await queue(note('Left voicemail')), await queue(task('Follow up'))];
    crm.failNext('read'); // offline: neither gets as far as the CRM
    for (const row of rows) await expect(sender.send(crm.client, row)).rejects.toThrow('unreachable');
    crm.failNext(null);
    for (const row of rows) await sender.send(crm.client, await failedOnce(row));
    expect(crm.made).toEqual({ notes: 1, tasks: 1 });
  });

  it('never lets two writes of one task name take the same task, whichever is sent first', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const { db, sender, queue, failedOnce } = t;
    const first = await queue(task('Follow up'));
    const second = await queue(task('Follow up'));
    await failOnce(crm, t, [first], 'busy'); // the first meets a 503 (perhaps made, perhaps not); the drain goes on
    await sender.send(crm.client, second);
    await sender.send(crm.client, await failedOnce(first));
    expect(crm.made.tasks).toBe(2);
    expect((await db.tasks.toArray()).map((t) => t.id).sort()).toEqual([900, 901]);
  });

  it('lets two same-name tasks due in one drain pass each make their own, though the pass read both rows first', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const { db, sender, queue } = t;
    const first = await queue(task('Follow up'));
    const second = await queue(task('Follow up'));
    await failOnce(crm, t, [first, second], 'busy'); // a pass where both meet a 503
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
    const t = await setup();
    const { sender, queue, failedOnce } = t;
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
    await failOnce(crm, t, [row], 'busy');
    // Teammates make two in the CRM meanwhile: the same day without the priority, the priority
    // three days later.
    const namesake = { name: 'Follow up', related: alice, status: 'Open', modifiedAt: 1 } as const;
    tasks.push(
      { ...namesake, id: 500, dueDate: 1_900_000_000 + 3600, priority: 'None' },
      { ...namesake, id: 501, dueDate: 1_900_000_000 + 3 * 86_400, priority: 'High' },
    );
    await sender.send(crm.client, await failedOnce(row));
    expect(crm.made.tasks).toBe(1);
  });

  const dueAt = (dueDate: number): OutboxOp => ({
    op: 'createTask',
    payload: { name: 'Call', related: alice, dueDate, priority: 'None', provisionalId: -4, before: null },
  });
  /** Local noon of a day, as the sidebar sends a due date. */
  const noon = (day: number) => new Date(2030, 2, day, 12).getTime() / 1000;

  it('takes back its own task when the CRM gives its due date back as the day only', async () => {
    const tasks: Task[] = [];
    const crm = fakeCrm([], tasks);
    const t = await setup();
    const row = await t.queue(dueAt(noon(4)));
    await failOnce(crm, t, [row], 'lose');
    const made = tasks[0];
    if (made?.dueDate) made.dueDate -= made.dueDate % 86_400; // kept as the day's midnight (UTC)
    await t.sender.send(crm.client, await t.failedOnce(row));
    expect(crm.made.tasks).toBe(1);
  });

  it('does not take the next day’s task of that name for its own', async () => {
    const tasks: Task[] = [];
    const crm = fakeCrm([], tasks);
    const t = await setup();
    const row = await t.queue(dueAt(noon(4)));
    await failOnce(crm, t, [row], 'busy');
    tasks.push(crmTask(500, 'Call', { dueDate: noon(5) })); // a teammate's, for the next day
    await t.sender.send(crm.client, await t.failedOnce(row));
    expect(crm.made.tasks).toBe(1);
  });

  it.each([
    ['a 429', 'refuse'],
    ['storage full for the audit log', 'full'],
  ] as const)(
    'reads again what the CRM had after %s, which made nothing: a namesake made while it waited is not taken',
    async (_, how) => {
      const notes: SyncedActivity[] = [];
      const crm = fakeCrm(notes);
      const t = await setup();
      const row = await t.queue(note('Left voicemail'));
      await failOnce(crm, t, [row], how); // certainly nothing made
      // Meanwhile a teammate writes the same note in the CRM's own screens.
      notes.push(crmNote(77, 'Left voicemail'));
      await t.sender.send(crm.client, await t.failedOnce(row));
      expect(crm.made.notes).toBe(1);
    },
  );

  it('lets a write of another Gmail account claim its record too (they share the CRM)', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const mine = await t.queue(task('Follow up'));
    await failOnce(crm, t, [mine], 'busy');
    await t.sender.send(crm.client, await t.queue(task('Follow up'), 0, 'other@corp.test'));
    await t.sender.send(crm.client, await t.failedOnce(mine));
    expect(crm.made.tasks).toBe(2);
  });

  describe('a due date the CRM gives back is on the day picked', () => {
    // Monday 4 March 2030, midnight UTC, in seconds; zones as minutes behind UTC (getTimezoneOffset).
    const monday = Date.UTC(2030, 2, 4) / 1000;
    const hour = 3600;
    const sydney = () => -600;
    const honolulu = () => 600;
    const kiritimati = () => -840;
    it('its own copy: the noon sent, local midnight, or midnight UTC of that day', () => {
      const noon = monday + 2 * hour; // Monday noon in Sydney
      expect(sameDueDay(noon, noon, sydney)).toBe(true);
      expect(sameDueDay(noon, monday - 10 * hour, sydney)).toBe(true); // Monday 00:00 in Sydney
      expect(sameDueDay(noon, monday, sydney)).toBe(true); // the day only, in UTC
      expect(sameDueDay(monday + 22 * hour, monday, honolulu)).toBe(true);
      // At UTC-12 Monday noon is Tuesday 00:00 UTC: the day only, dated the day picked.
      expect(sameDueDay(monday + 24 * hour, monday, () => 720)).toBe(true);
      // A CRM that cuts the time off the instant: Monday noon at UTC+14 is Sunday in UTC.
      expect(sameDueDay(monday - 2 * hour, monday - 24 * hour, kiritimati)).toBe(true);
    });
    it('never a teammate’s task due the next day, nor the previous day but at the one hour that is midnight UTC', () => {
      // Tuesday 08:00 in Sydney is still Monday in UTC.
      expect(sameDueDay(monday + 2 * hour, monday + 22 * hour, sydney)).toBe(false);
      // Sunday 20:00 in Honolulu is already Monday in UTC.
      expect(sameDueDay(monday + 22 * hour, monday + 6 * hour, honolulu)).toBe(false);
      expect(sameDueDay(monday + 2 * hour, monday + 26 * hour, sydney)).toBe(false);
    });
  });
});
