import { describe, expect, it } from 'vitest';
import {
  alice,
  crmNote,
  crmTask,
  failOnce,
  fakeCrm,
  note,
  setup,
} from '../../../test/unit/write-sender-harness';
import type { OutboxRow } from '../../db/threadline-db';
import type { CrmClient } from '../crm/crm-client';
import type { OutboxOp } from './write-sender';

/** Deals (their namesakes go to the adapter), writes queued by an older version, a failed send's reads. */
describe('write sender: deals, older writes, reads after a failure', () => {
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
    const t = await setup();
    const { sender, queue, failedOnce } = t;
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
    const crm = fakeCrm([crmNote(7, 'Left voicemail')]);
    const t = await setup();
    const { sender, queue } = t;
    // As an older version queued it: no `before` key.
    await sender.send(
      crm.client,
      await queue({ op: 'addNote', payload: { record: alice, text: 'Left voicemail' } }, 1),
    );
    expect(crm.made.notes).toBe(0);
  });

  it.each([
    ['note', { op: 'addNote', payload: { record: alice, text: 'Follow up' } }],
    [
      'task',
      {
        op: 'createTask',
        payload: { name: 'Follow up', related: alice, dueDate: null, priority: 'None', provisionalId: -1 },
      },
    ],
  ] as const)(
    'writes an older version’s %s not tried yet even after this version’s first read failed, beside a namesake',
    async (_, write) => {
      // A teammate's, of the same text or name.
      const crm = fakeCrm([crmNote(7, 'Follow up')], [crmTask(50, 'Follow up')]);
      const t = await setup();
      // As an older version queued it, never tried: no `before` key.
      const row = await t.queue(write);
      await failOnce(crm, t, [row], 'read'); // counts an attempt: not the older version's send
      await t.sender.send(crm.client, await t.failedOnce(row));
      expect(crm.made).toEqual(write.op === 'addNote' ? { notes: 1, tasks: 0 } : { notes: 0, tasks: 1 });
    },
  );

  it('reads again what the CRM had after a refusal of an older version’s write it never tried', async () => {
    const notes = [crmNote(7, 'Left voicemail')];
    const crm = fakeCrm(notes);
    const t = await setup();
    const row = await t.queue({ op: 'addNote', payload: { record: alice, text: 'Left voicemail' } });
    await failOnce(crm, t, [row], 'refuse'); // 429: certainly nothing made
    notes.push(crmNote(77, 'Left voicemail')); // a teammate's, made while it waited
    await t.sender.send(crm.client, await t.failedOnce(row));
    expect(crm.made.notes).toBe(1);
  });

  it('writes an older version’s write not tried yet, and never lets two of them take one record', async () => {
    const crm = fakeCrm([], [crmTask(50, 'Follow up')]);
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
    await failOnce(crm, t, [row], 'lose');
    // Due again within the same drain (no forget() between): the activities are read anew.
    await t.db.outbox.update(row.seq ?? -1, { attempts: 1 });
    await t.sender.send(crm.client, (await t.db.outbox.get(row.seq ?? -1)) as OutboxRow);
    expect(crm.made.notes).toBe(1);
  });

  it('reads a record again for another Gmail account after a note of this one was made on it: a note queued since stores it in before', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const B = 'other@corp.test';
    // One drain: B reads the record's activities for a note, then A writes "Left voicemail" there.
    await t.sender.send(crm.client, await t.queue(note('Hello'), 0, B));
    await t.sender.send(crm.client, await t.queue(note('Left voicemail')));
    // B's own "Left voicemail", queued after A's claim, fails with a 503 that made nothing.
    const late = await t.queue(note('Left voicemail'), 0, B);
    await failOnce(crm, t, [late], 'busy');
    await t.sender.send(crm.client, await t.failedOnce(late));
    expect(crm.made.notes).toBe(3); // A's note is never taken for B's
  });

  // The fake CRM shows every note on every record read, as HubSpot shows a contact's note on the
  // contact's company and open deals too.
  const acme = { type: 'company' as const, id: 20 };
  const companyNote = (text: string): OutboxOp => ({
    op: 'addNote',
    payload: { record: acme, text, before: null },
  });

  it('never takes a note made on another record for its own, where the CRM shows it on both', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const onCompany = await t.queue(companyNote('Left voicemail'));
    const onPerson = await t.queue(note('Left voicemail'));
    await failOnce(crm, t, [onCompany], 'busy'); // a 503 that made nothing
    await t.sender.send(crm.client, onPerson); // made, and shown on the company too
    await t.sender.send(crm.client, await t.failedOnce(onCompany));
    expect(crm.made.notes).toBe(2);
  });

  it('never lets a note that took another record’s note for its own (a guess) make that one send its note twice', async () => {
    const crm = fakeCrm();
    const t = await setup();
    const onCompany = await t.queue(companyNote('Left voicemail'));
    const onPerson = await t.queue(note('Left voicemail'));
    await failOnce(crm, t, [onCompany], 'busy'); // a 503 that made nothing
    await failOnce(crm, t, [onPerson], 'lose'); // made, its answer lost; shown on the company too
    await t.sender.send(crm.client, await t.failedOnce(onCompany)); // takes it: it cannot tell
    await t.sender.send(crm.client, await t.failedOnce(onPerson)); // still finds its own
    // One note, not two: the contact's. The company's own is lost, a known gap (which record a note
    // was written on is not read: HubSpot's association labels could tell).
    expect(crm.made.notes).toBe(1);
  });

  it('reads every record again after a note’s answer was lost, where the CRM shows it there too', async () => {
    const crm = fakeCrm();
    const t = await setup();
    // One drain: the company's activities are read for a note, then a note made on the person
    // loses its answer; the company's own "Left voicemail" is queued then, in the same drain.
    await t.sender.send(crm.client, await t.queue(companyNote('Hello')));
    const onPerson = await t.queue(note('Left voicemail'));
    await failOnce(crm, t, [onPerson], 'lose');
    const late = await t.queue(companyNote('Left voicemail'));
    await failOnce(crm, t, [late], 'busy');
    await t.sender.send(crm.client, await t.failedOnce(late));
    await t.sender.send(crm.client, await t.failedOnce(onPerson));
    expect(crm.made.notes).toBe(3);
  });

  it('reads another record again after a note was made, where the CRM shows it there too: a note queued since stores it in before', async () => {
    const crm = fakeCrm();
    const t = await setup();
    // One drain: the company's activities are read for a note, then a note is made on the person.
    await t.sender.send(crm.client, await t.queue(companyNote('Hello')));
    await t.sender.send(crm.client, await t.queue(note('Left voicemail')));
    // The company's own "Left voicemail", queued after that claim, fails with a 503 that made nothing.
    const late = await t.queue(companyNote('Left voicemail'));
    await failOnce(crm, t, [late], 'busy');
    await t.sender.send(crm.client, await t.failedOnce(late));
    expect(crm.made.notes).toBe(3);
  });
});
