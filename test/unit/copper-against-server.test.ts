/**
 * The Copper client against the strict local server (issue 13): each case here failed with the
 * client before issue 13, which sent undocumented fields (the server answers them with Copper's 422)
 * or a disabled activity type, and wrote close_date as unix seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/start-test-server';
import { createCopperClient } from '../../src/background/crm/copper/copper-client';
import type { CrmCall } from '../../src/background/crm/crm-transport';
import { markerLine } from '../../src/shared/threadline-marker';
import { serverTransport } from './copper-server-transport';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const NOW = 1_800_000_000;
const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  const crm = await startTestServer({ clock: { now: () => NOW }, ...options });
  server = crm;
  const sent: CrmCall[] = [];
  return {
    crm,
    sent,
    client: createCopperClient(serverTransport(crm, sent), undefined, { nowMs: () => NOW * 1000 }),
  };
};

describe('the Copper client against the strict server', () => {
  it('thread marks: the look-back sweep and the per-record check send no modified filter or sort', async () => {
    const { client, sent } = await start();
    const parent = { type: 'person' as const, id: 3 };
    const made = await client.createActivity({
      parent,
      kind: 'note',
      details: `Linked\n${markerLine({ kind: 'link', threadId: 'thread-1' })}`,
      purpose: 'linkThread',
      fromGmail: true,
    });
    const window = await client.pageThreadActivities({ page: 1, pageSize: 200, activityFrom: NOW - 86_400 });
    expect(window.records.map((a) => a.id)).toContain(made.id);
    const ofRecord = await client.threadActivitiesOf(parent, null);
    expect(ofRecord.map((a) => a.id)).toContain(made.id);
    const searches = sent.filter((c) => c.path === '/activities/search');
    expect(searches.length).toBeGreaterThan(0);
    for (const call of searches) expect(Object.keys(call.body as object)).not.toContain('sort_by');
  });

  it('people and companies page newest first, without minimum_modified_date', async () => {
    const { client, sent } = await start();
    const people = await client.pagePeople({ page: 1, pageSize: 200, newestFirst: true, modifiedFrom: 5 });
    const modified = people.records.map((p) => p.modifiedAt);
    expect(modified).toEqual([...modified].sort((a, b) => b - a));
    await client.pageCompanies({ page: 1, pageSize: 200, newestFirst: true, modifiedFrom: 5 });
    expect(sent.map((c) => Object.keys(c.body as object))).not.toContainEqual(
      expect.arrayContaining(['minimum_modified_date']),
    );
  });

  it.each([
    ['MM/DD', '1/23/2027'],
    ['DD/MM', '23/1/2027'],
  ] as const)(
    'close_date in %s: learned from the account’s deals, sent as a string in that order',
    async (order, stored) => {
      const { client, crm } = await start({ dateOrder: order });
      const input = {
        idempotencyKey: 'k1',
        name: 'Dated deal',
        pipelineId: 213214,
        stageId: 987790,
        value: null,
        closeDate: Date.UTC(2027, 0, 23) / 1000,
        primaryContactId: 1,
        companyId: null,
      };
      // Nothing learned yet and nothing said: the client refuses to guess.
      await expect(client.createOpportunity(input)).rejects.toMatchObject({ kind: 'invalidInput' });
      const page = await client.pageOpportunities({ page: 1, pageSize: 200, modifiedFrom: 0 });
      expect(page.dateOrder).toBe(order === 'MM/DD' ? 'monthFirst' : 'dayFirst');
      const deal = await client.createOpportunity(input);
      expect(deal.closeDate).toBe(input.closeDate);
      const raw = (await crm.call('GET', `/opportunities/${deal.id}`)).body as { close_date: string };
      expect(raw.close_date).toBe(stored);
      expect((await client.findCreatedOpportunity(input)).deal).toMatchObject({ id: deal.id });
    },
  );

  it('close_date with the order the user gave in the deal form', async () => {
    const { client, crm } = await start({ dateOrder: 'DD/MM' });
    const deal = await client.createOpportunity({
      idempotencyKey: 'k2',
      name: 'Told',
      pipelineId: 213214,
      stageId: 987790,
      value: 10,
      closeDate: Date.UTC(2027, 4, 6) / 1000,
      dateOrder: 'dayFirst',
      primaryContactId: 1,
      companyId: null,
    });
    expect(
      ((await crm.call('GET', `/opportunities/${deal.id}`)).body as { close_date: string }).close_date,
    ).toBe('6/5/2027');
  });

  it('one-string lead and company lookups', async () => {
    const { client, sent } = await start();
    const company = await client.findCompanyByDomain('acme.test');
    expect(company?.name).toBe('Acme Corporation');
    expect(await client.findCompanyByDomain('acme.test')).toEqual(company); // asked once
    expect(sent.filter((c) => c.path === '/companies/search')).toHaveLength(1);
    const made = await client.createLead({ name: 'Lena Lead', email: 'lena@leadco.test', companyName: null });
    const lead = await client.findLeadByEmail('lena@leadco.test');
    expect(lead?.id).toBe(made.id);
    expect(await client.findLeadByEmail('nobody@nowhere.test')).toBeNull();
  });

  it('task de-duplication with documented filters only', async () => {
    const { client } = await start();
    const related = { type: 'person' as const, id: 3 };
    expect(await client.findTasks('Send the contract', related)).toEqual([]);
    const task = await client.createTask({
      name: 'Send the contract',
      related,
      dueDate: null,
      priority: 'None',
    });
    expect(await client.findTasks('Send the contract', related)).toMatchObject([{ id: task.id }]);
    expect(await client.findTasks('Send the contract', { type: 'person', id: 4 })).toEqual([]);
    // Two open tasks of one name on one record are both found (none is taken for the other).
    const second = await client.createTask({
      name: 'Send the contract',
      related,
      dueDate: null,
      priority: 'None',
    });
    expect((await client.findTasks('Send the contract', related)).map((t) => t.id).sort()).toEqual(
      [task.id, second.id].sort(),
    );
  });

  it('logs e-mail as the enabled "Email" type, never the disabled one', async () => {
    const { client } = await start();
    const logged = await client.createActivity({
      parent: { type: 'person', id: 1 },
      kind: 'email',
      details: 'hello',
      purpose: 'logEmail',
      fromGmail: true,
    });
    expect(logged.typeName).toBe('Email');
  });

  it('a deleted person: get answers null, the id check leaves it out', async () => {
    const { client, crm } = await start();
    expect(await client.getPerson(5)).toMatchObject({ id: 5 });
    await crm.call('DELETE', '/people/5');
    expect(await client.getPerson(5)).toBeNull();
    const check = await client.existingIds('people', [4, 5, 6]);
    expect(check && [...check.existing].sort()).toEqual([4, 6]);
  });
});
