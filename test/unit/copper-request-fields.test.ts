/**
 * The guard against drift (issue 13): every request body the Copper client can build goes through the
 * local server's ONE table of documented fields (server/src/http/documented-fields.ts, from
 * reference/copper-api.md). A field Copper does not document for that endpoint fails this test, so it
 * fails the build before it reaches real Copper, which would answer 422.
 */
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_FIELDS, unrecognisedFields } from '../../server/src/http/documented-fields';
import { createCopperClient } from '../../src/background/crm/copper/copper-client';
import { FIRST_SWEEP } from '../../src/background/crm/copper/copper-window';
import type { CrmClient } from '../../src/background/crm/crm-client';
import type { CrmAnswer, CrmCall, CrmTransport } from '../../src/background/crm/crm-transport';

const person = { id: 7, name: 'P', emails: [{ email: 'p@x.test', category: 'work' }], date_modified: 1 };
const opportunity = { id: 9, name: 'D', close_date: '1/23/2027', details: null, date_modified: 1 };
const task = {
  id: 4,
  name: 'T',
  related_resource: { id: 7, type: 'person' },
  status: 'Open',
  date_modified: 1,
};
const activity = {
  id: 5,
  parent: { id: 7, type: 'person' },
  type: { id: 0, category: 'user' },
  details: 'x',
  activity_date: 1,
  date_modified: 1,
};

function answerFor(call: CrmCall): unknown {
  const { path, method } = call;
  if (path === '/activity_types')
    return {
      user: [
        { id: 0, category: 'user', name: 'Note', is_disabled: false },
        { id: 2, category: 'user', name: 'Email', is_disabled: false },
      ],
      system: [],
    };
  if (path === '/account') return { id: 1, name: 'A' };
  if (path === '/users/me') return { id: 1, name: 'U', email: 'u@x.test' };
  if (path === '/users/search') return [{ id: 1, name: 'U', email: 'u@x.test' }];
  if (path === '/pipelines') return [{ id: 1, name: 'P', stages: [{ id: 2, name: 'S' }] }];
  if (path.startsWith('/activities'))
    return method === 'POST' && path.endsWith('search') ? [activity] : activity;
  if (path.startsWith('/opportunities')) return path.endsWith('search') ? [opportunity] : opportunity;
  if (path.startsWith('/tasks')) return path.endsWith('search') ? [task] : task;
  if (path.startsWith('/companies'))
    return path.endsWith('search') ? [{ id: 3, name: 'C' }] : { id: 3, name: 'C' };
  if (path.startsWith('/leads'))
    return path.endsWith('search') ? [{ id: 8, name: 'L' }] : { id: 8, name: 'L' };
  if (path.startsWith('/people')) return path.endsWith('search') ? [person] : person;
  throw new Error(`no canned answer for ${method} ${path}`);
}

/** `PUT /people/12` → `PUT /people/:id`, the table's key. */
const endpointOf = (call: CrmCall): string => `${call.method} ${call.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;

/** Calls every method of the client, with each option that changes a body. */
async function exerciseEveryMethod(client: CrmClient): Promise<Set<string>> {
  const used = new Set<string>();
  const use = async (name: keyof CrmClient, run: () => Promise<unknown>) => {
    used.add(name);
    await run();
  };
  const ref = { type: 'person' as const, id: 7 };
  const deal = {
    idempotencyKey: 'k',
    name: 'D',
    pipelineId: 1,
    stageId: 2,
    value: 5,
    closeDate: 1_800_000_000,
    dateOrder: 'monthFirst' as const,
    primaryContactId: 7,
    companyId: 3,
  };
  const page = { page: 2, pageSize: 200 };
  for (const query of [page, { ...page, modifiedFrom: 10 }, { ...page, newestFirst: true }]) {
    await use('pagePeople', () => client.pagePeople(query));
    await use('pageCompanies', () => client.pageCompanies(query));
    await use('pageLeads', () => client.pageLeads(query));
    await use('pageOpportunities', () => client.pageOpportunities(query));
    await use('pageTasks', () => client.pageTasks(query));
  }
  // Past the search window, people and companies are swept by creation date (copper-window.ts).
  for (const cursor of [FIRST_SWEEP, JSON.stringify({ from: 1_700_000_000, page: 2, seen: [7] })]) {
    await use('pagePeople', () => client.pagePeople({ ...page, newestFirst: true, cursor }));
    await use('pageCompanies', () => client.pageCompanies({ ...page, newestFirst: true, cursor }));
  }
  await use('checkConnection', () => client.checkConnection());
  await use('listUsers', () => client.listUsers());
  await use('listPipelines', () => client.listPipelines());
  await use('searchPeopleByEmails', () => client.searchPeopleByEmails(['a@x.test', 'b@y.test']));
  await use('recentActivities', () => client.recentActivities({ type: 'person', id: 7 }, 5));
  await use('activitiesOfRecord', () => client.activitiesOfRecord({ type: 'person', id: 7 }));
  await use('findPersonByEmail', () => client.findPersonByEmail('a@x.test'));
  await use('findLeadByEmail', () => client.findLeadByEmail('a@x.test'));
  await use('findCompanyByDomain', () => client.findCompanyByDomain('x.test'));
  await use('createCompany', () => client.createCompany({ name: 'C', domain: 'x.test' }));
  for (const companyId of [3, null])
    await use('createPerson', () =>
      client.createPerson({ name: 'P', email: 'p@x.test', companyId, title: 'T' }),
    );
  for (const companyName of ['C', null])
    await use('createLead', () => client.createLead({ name: 'L', email: 'l@x.test', companyName }));
  await use('updatePerson', () =>
    client.updatePerson(7, { title: 'T', tags: ['a'], phones: [{ value: '1', category: 'work' }] }),
  );
  await use('pageThreadActivities', () =>
    client.pageThreadActivities({ page: 1, pageSize: 200, activityFrom: 5 }),
  );
  for (const since of [null, 5]) await use('threadActivitiesOf', () => client.threadActivitiesOf(ref, since));
  for (const kind of ['email', 'note'] as const)
    for (const at of [undefined, 5])
      await use('createActivity', () =>
        client.createActivity({
          parent: ref,
          kind,
          details: 'x',
          ...(at === undefined ? {} : { at }),
          purpose: 'logEmail',
          fromGmail: true,
        }),
      );
  await use('updateActivityDetails', () => client.updateActivityDetails(5, 'y', 'linkThread', true));
  for (const related of [ref, null, { type: 'opportunity' as const, id: 9 }]) {
    await use('createTask', () => client.createTask({ name: 'T', related, dueDate: 5, priority: 'High' }));
    await use('findTasks', () => client.findTasks('nothing matches', related));
  }
  await use('setTaskStatus', () => client.setTaskStatus(4, 'Completed'));
  for (const input of [deal, { ...deal, closeDate: null }, { ...deal, dateOrder: 'dayFirst' as const }]) {
    await use('createOpportunity', () => client.createOpportunity(input));
    await use('findCreatedOpportunity', () => client.findCreatedOpportunity(input));
  }
  for (const patch of [{ stageId: 2 }, { status: 'Won' as const }])
    await use('updateOpportunity', () => client.updateOpportunity(9, patch));
  await use('getPerson', () => client.getPerson(7));
  await use('getCompany', () => client.getCompany(3));
  for (const entity of ['people', 'companies'] as const)
    await use('existingIds', () => client.existingIds(entity, [7, 8]));
  return used;
}

describe('every request body the Copper client builds uses documented fields only', () => {
  it('passes the server’s table, endpoint by endpoint', async () => {
    const calls: CrmCall[] = [];
    const transport: CrmTransport = {
      request: async (call): Promise<CrmAnswer> => {
        calls.push(call);
        return { status: 200, json: answerFor(call), header: () => null };
      },
    };
    const client = createCopperClient(transport);
    const used = await exerciseEveryMethod(client);
    // Every method of the interface was driven (a new method must be added above).
    const methods = Object.keys(client).filter((k) => k !== 'deltaStyle');
    expect(methods.filter((m) => !used.has(m))).toEqual([]);

    const withBody = calls.filter((c) => c.body !== undefined);
    expect(withBody.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const call of withBody) {
      const endpoint = endpointOf(call);
      if (!(endpoint in DOCUMENTED_FIELDS)) {
        problems.push(`${endpoint}: not an endpoint the table knows`);
        continue;
      }
      const unknown = unrecognisedFields(endpoint as keyof typeof DOCUMENTED_FIELDS, call.body as object);
      if (unknown.length > 0) problems.push(`${endpoint}: ${unknown.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});
