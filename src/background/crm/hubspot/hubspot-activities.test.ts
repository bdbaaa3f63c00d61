import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { connect } from '../../../../test/unit/hubspot-double-client';
import { ThreadlineDb } from '../../../db/threadline-db';
import { createLogger } from '../../../shared/logger';
import { parseMarker } from '../../../shared/threadline-marker';
import { createOutbox } from '../../outbox/outbox';
import { CrmError } from '../crm-error';

describe('HubSpot activities and tasks', () => {
  it('a note, a logged e-mail and a task: bodies with the association type ids', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    double.add('companies', { name: 'Acme' }, '88');
    const { client } = connect(double);
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details: 'a < b\nnext',
      at: 1_700_000_000,
      purpose: 'addNote',
      fromGmail: false,
    });
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'email',
      details: 'Subject line\nbody',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
      outgoing: false,
    });
    await client.createActivity({
      parent: { type: 'opportunity', id: 301 },
      kind: 'email',
      details: 'x',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
    });
    await client.createActivity({
      parent: { type: 'company', id: 88 },
      kind: 'note',
      details: 'on the company',
      at: 1_700_000_000,
      purpose: 'addNote',
      fromGmail: false,
    });
    await client.createTask({
      name: 'Call Ana',
      related: { type: 'person', id: 512 },
      dueDate: 1_700_086_400,
      priority: 'High',
    });
    const posts = double.requests.filter(
      (r) => r.method === 'POST' && /objects\/(notes|emails|tasks)$/.test(r.path),
    );
    expect(posts.map((r) => r.body)).toEqual([
      {
        properties: { hs_timestamp: '1700000000000', hs_note_body: 'a &lt; b<br>next' },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] },
        ],
      },
      {
        properties: {
          hs_timestamp: '1700000000000',
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_status: 'SENT',
          hs_email_subject: 'Subject line',
          hs_email_text: 'Subject line\nbody',
        },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] },
        ],
      },
      {
        properties: expect.objectContaining({ hs_email_direction: 'EMAIL' }),
        associations: [
          { to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 210 }] },
        ],
      },
      {
        properties: { hs_timestamp: '1700000000000', hs_note_body: 'on the company' },
        associations: [
          { to: { id: '88' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] },
        ],
      },
      {
        properties: {
          hs_task_subject: 'Call Ana',
          hs_timestamp: '1700086400000',
          hs_task_status: 'NOT_STARTED',
          hs_task_priority: 'HIGH',
        },
        associations: [
          { to: { id: '512' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
        ],
      },
    ]);
    // Every association is inline (note→company 190): nothing is associated after the create.
    expect(double.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const recent = await client.recentActivities({ type: 'company', id: 88 }, 5);
    expect(recent.map((a) => a.details)).toEqual(['on the company']);
  });

  it('exactly once: a retry finds the marked note the first attempt wrote, even read back as HTML', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    const { client } = connect(double);
    const details = 'Linked thread\n[threadline:v1 link thread=18c%2F1]';
    const created = await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details,
      purpose: 'linkThread',
      fromGmail: true,
    });
    // HubSpot may hand the body back as paragraphs.
    const stored = double.objects.notes?.get(String(created.id));
    if (stored)
      stored.properties.hs_note_body = `<p>Linked thread</p><p>[threadline:v1 link thread=18c%2F1]</p>`;
    const again = connect(double).client; // a new worker
    const found = await again.threadActivitiesOf({ type: 'person', id: 512 }, null);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: created.id, parentType: 'person', parentId: 512, typeName: 'Note' });
    expect(parseMarker(found[0]?.details ?? null)).toEqual({ kind: 'link', threadId: '18c/1' });
    expect(
      double.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/objects/notes'),
    ).toHaveLength(1);
    // The look-back sweep finds it too, with its parent.
    const page = await again.pageThreadActivities({ page: 1, pageSize: 200, activityFrom: 0 });
    expect(page.records.map((a) => [a.id, a.parentType, a.parentId])).toEqual([[created.id, 'person', 512]]);
    // Unlinking rewrites the same note.
    const unlinked = await again.updateActivityDetails(
      created.id,
      'x\n[threadline:v1 unlinked thread=18c%2F1]',
      'linkThread',
      true,
    );
    expect(parseMarker(unlinked.details)).toEqual({ kind: 'unlinked', threadId: '18c/1' });
    expect(unlinked.parentId).toBe(512);
  });

  /** Ana (512) at Acme (88, primary) and Old Co (87); her deals: 301 open, 302 won, 303 open. */
  const crmWithLinks = () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test' }, '512');
    double.add('contacts', { email: 'bo@acme.test' }, '513');
    double.add('companies', { name: 'Old Co' }, '87');
    double.add('companies', { name: 'Acme' }, '88');
    double.link('contacts', '512', 'companies', '87', [279]);
    double.link('contacts', '512', 'companies', '88', [279, 1]);
    for (const [id, stage] of [
      ['301', 'appointmentscheduled'],
      ['302', 'closedwon'],
      ['303', 'appointmentscheduled'],
    ] as const) {
      double.add('deals', { dealname: `Deal ${id}`, pipeline: 'default', dealstage: stage }, id);
      double.link('deals', id, 'contacts', '512', [3]);
    }
    double.link('deals', '301', 'contacts', '513', [3]);
    double.link('deals', '301', 'companies', '87', [341]);
    double.link('deals', '301', 'companies', '88', [341, 5]);
    return double;
  };
  const typed = (id: string, typeId: number) => ({
    to: { id },
    types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
  });
  const created = (double: HubspotDouble, object: 'notes' | 'emails') =>
    double.requests.filter((r) => r.method === 'POST' && r.path === `/crm/v3/objects/${object}`);

  it('an e-mail logged on a contact is associated with her, her primary company and her open deals, in the create', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    const activity = await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'email',
      details: 'Hello\n[threadline:v1 email thread=t1 message=m1]',
      at: 1_700_000_000,
      purpose: 'logEmail',
      fromGmail: true,
    });
    expect(activity).toMatchObject({ parentType: 'person', parentId: 512 });
    const [post] = created(double, 'emails');
    expect((post?.body as { associations?: unknown[] } | undefined)?.associations).toEqual([
      typed('512', 198),
      typed('301', 210),
      typed('303', 210),
      typed('88', 186),
    ]);
    // One create, nothing associated afterwards; the links are HubSpot's own, both ways.
    expect(double.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const id = String(activity.id);
    expect(double.links.get('companies:88')?.get('emails')?.has(id)).toBe(true);
    expect(double.links.get('deals:302')?.get('emails')?.has(id) ?? false).toBe(false);
    expect(double.links.get('companies:87')?.get('emails')?.has(id) ?? false).toBe(false);
    // A note and a thread link on her read the same records once, not again per write.
    const reads = double.requests.filter((r) => r.path.startsWith('/crm/v4/associations/')).length;
    await client.createActivity({
      parent: { type: 'person', id: 512 },
      kind: 'note',
      details: 'Linked\n[threadline:v1 link thread=t1]',
      purpose: 'linkThread',
      fromGmail: true,
    });
    expect(double.requests.filter((r) => r.path.startsWith('/crm/v4/associations/')).length).toBe(reads);
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('512', 202), typed('301', 214), typed('303', 214), typed('88', 190)]);
  });

  it('a remembered deal deleted since: the refused create is made again with her links read afresh', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    const log = (details: string) =>
      client.createActivity({
        parent: { type: 'person', id: 512 },
        kind: 'note',
        details,
        purpose: 'addNote',
        fromGmail: false,
      });
    await log('first');
    const deal = double.objects.deals?.get('303');
    if (deal) deal.archived = true;
    await log('second');
    const posts = created(double, 'notes').map((r) =>
      (r.body as { associations?: { to: { id: string } }[] } | undefined)?.associations?.map((a) => a.to.id),
    );
    expect(posts).toEqual([
      ['512', '301', '303', '88'],
      ['512', '301', '303', '88'], // refused: 303 is archived
      ['512', '301', '88'],
    ]);
    expect(double.objects.notes?.size).toBe(2);
  });

  it('a contact with one company that is not labelled primary: that company', async () => {
    const double = crmWithLinks();
    double.add('contacts', { email: 'cy@solo.test' }, '514');
    double.add('companies', { name: 'Solo' }, '89');
    double.link('contacts', '514', 'companies', '89', [279]);
    await connect(double).client.createActivity({
      parent: { type: 'person', id: 514 },
      kind: 'note',
      details: 'x',
      purpose: 'addNote',
      fromGmail: false,
    });
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('514', 202), typed('89', 190)]);
  });

  it('logged on a deal: the deal, its contacts and its (primary) company; on a company: the company only', async () => {
    const double = crmWithLinks();
    const { client } = connect(double);
    await client.createActivity({
      parent: { type: 'opportunity', id: 301 },
      kind: 'email',
      details: 'x',
      purpose: 'logEmail',
      fromGmail: true,
    });
    expect(
      (created(double, 'emails')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('301', 210), typed('512', 198), typed('513', 198), typed('88', 186)]);
    const before = double.requests.length;
    await client.createActivity({
      parent: { type: 'company', id: 88 },
      kind: 'note',
      details: 'y',
      purpose: 'addNote',
      fromGmail: false,
    });
    // No association read for a company: one request, the create.
    expect(double.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /crm/v3/objects/notes',
    ]);
    expect(
      (created(double, 'notes')[0]?.body as { associations?: unknown[] } | undefined)?.associations,
    ).toEqual([typed('88', 190)]);
  });

  for (const parent of [
    { type: 'person', id: 512 },
    { type: 'opportunity', id: 301 },
    { type: 'company', id: 88 },
  ] as const) {
    it(`exactly once on a ${parent.type}: after a lost answer, the duplicate check of a new worker finds the first e-mail`, async () => {
      const double = crmWithLinks();
      double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/emails';
      const details = 'Hello\n[threadline:v1 email thread=t1 message=m1]';
      const input = { parent, kind: 'email', details, purpose: 'logEmail', fromGmail: true } as const;
      // The worker's last attempt: its answer is lost (one attempt, so the transport does not send it
      // again itself; a transport resend after a network error is another matter, see the report).
      const first = await connect(double, { maxAttempts: 1 })
        .client.createActivity(input)
        .catch((e: unknown) => e);
      expect(first).toBeInstanceOf(CrmError);
      const emails = [...(double.objects.emails?.values() ?? [])];
      expect(emails).toHaveLength(1);
      const again = connect(double).client;
      const found = await again.threadActivitiesOf(parent, null);
      const marked = found.filter((a) => parseMarker(a.details)?.kind === 'email');
      expect(marked.map((a) => [a.id, a.parentType, a.parentId])).toEqual([
        [Number(emails[0]?.id), parent.type, parent.id],
      ]);
    });
  }

  it('through the outbox: a logged message whose create answer was lost is not logged twice on the retry', async () => {
    const double = crmWithLinks();
    const db = new ThreadlineDb(`hs-outbox-${Math.random()}`);
    const outbox = createOutbox({
      db,
      // One attempt per drain, as a worker that dies with the request in flight.
      client: async () => connect(double, { maxAttempts: 1 }).client,
      nowMs: () => double.nowMs,
      random: () => 0.5,
      logger: createLogger('t', () => undefined),
    });
    const record = { type: 'person', id: 512 } as const;
    await outbox.enqueue('me@gmail.test', 'person:512', {
      op: 'logMessage',
      payload: { threadId: 't1', messageId: 'm1', record, text: 'Hello', at: 1_700_000_000, outgoing: true },
    });
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/emails';
    await outbox.drain();
    expect(double.objects.emails?.size).toBe(1);
    expect(await db.outbox.count()).toBe(1); // still due: the answer never came
    double.nowMs = (await outbox.nextDue()) ?? double.nowMs;
    await outbox.drain();
    expect(await db.outbox.count()).toBe(0);
    expect(double.objects.emails?.size).toBe(1);
    expect(created(double, 'emails')).toHaveLength(1);
    // The mark the sidebar reads points at the one engagement, on the contact.
    const [mark] = await db.threadMarks.toArray();
    expect(mark).toMatchObject({
      recordKey: 'person:512',
      activityId: Number([...(double.objects.emails?.keys() ?? [])][0]),
    });
  });
});
