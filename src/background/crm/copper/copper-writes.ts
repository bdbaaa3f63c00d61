/**
 * Copper writes that need no look-up first: people, companies, leads, tasks and deal updates. Each
 * body holds only fields the reference documents for its endpoint ("Create / update bodies").
 */

import { recordKeyOf } from '../../../shared/crm-model';
import type { CrmClient, DateOrder } from '../crm-client';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { toCompany, toLead, toOpportunity, toPerson, toTask } from './copper-mapping';
import { parse } from './copper-read';
import { copperCompany, copperLead, copperOpportunity, copperPerson, copperTask } from './copper-schemas';

type Writes = Pick<
  CrmClient,
  | 'createCompany'
  | 'createPerson'
  | 'createLead'
  | 'updatePerson'
  | 'createTask'
  | 'setTaskStatus'
  | 'updateOpportunity'
>;

export function createCopperWrites(
  call: (c: CrmCall) => Promise<CrmAnswer>,
  dateOrder: () => DateOrder | null,
): Writes {
  return {
    async createCompany(input) {
      const answer = await call({
        method: 'POST',
        path: '/companies',
        body: { name: input.name, email_domain: input.domain },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toCompany(parse(copperCompany, answer.json, 'companies'));
    },

    async createPerson(input) {
      const answer = await call({
        method: 'POST',
        path: '/people',
        body: {
          name: input.name,
          emails: [{ email: input.email, category: 'work' }],
          ...(input.companyId === null ? {} : { company_id: input.companyId }),
          ...(input.title ? { title: input.title } : {}),
        },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toPerson(parse(copperPerson, answer.json, 'people'));
    },

    async createLead(input) {
      const answer = await call({
        method: 'POST',
        path: '/leads',
        body: {
          name: input.name,
          email: { email: input.email, category: 'work' },
          ...(input.companyName ? { company_name: input.companyName } : {}),
        },
        purpose: 'createRecord',
        dataClasses: ['googleUserData'],
      });
      return toLead(parse(copperLead, answer.json, 'leads'));
    },

    async updatePerson(id, patch) {
      const body: Record<string, unknown> = {};
      if (patch.title !== undefined) body.title = patch.title;
      if (patch.tags !== undefined) body.tags = patch.tags;
      if (patch.phones !== undefined)
        body.phone_numbers = patch.phones.map((p) => ({ number: p.value, category: p.category }));
      const answer = await call({
        method: 'PUT',
        path: `/people/${id}`,
        body,
        purpose: 'updateRecord',
        dataClasses: ['crmData'],
      });
      return toPerson(parse(copperPerson, answer.json, 'people'));
    },

    async createTask(input) {
      const answer = await call({
        method: 'POST',
        path: '/tasks',
        body: {
          name: input.name,
          related_resource: input.related,
          due_date: input.dueDate,
          priority: input.priority,
          status: 'Open',
        },
        purpose: 'manageTasks',
        dataClasses: ['crmData'],
        recordIds: input.related ? [recordKeyOf(input.related)] : [],
      });
      return toTask(parse(copperTask, answer.json, 'tasks'));
    },

    async setTaskStatus(id, status) {
      const answer = await call({
        method: 'PUT',
        path: `/tasks/${id}`,
        body: { status },
        purpose: 'manageTasks',
        dataClasses: ['crmData'],
        recordIds: [`task:${id}`],
      });
      return toTask(parse(copperTask, answer.json, 'tasks'));
    },
    async updateOpportunity(id, patch) {
      const answer = await call({
        method: 'PUT',
        path: `/opportunities/${id}`,
        body: {
          ...(patch.stageId === undefined ? {} : { pipeline_stage_id: patch.stageId }),
          ...(patch.status === undefined ? {} : { status: patch.status }),
        },
        purpose: 'manageDeals',
        dataClasses: ['crmData'],
        recordIds: [`opportunity:${id}`],
      });
      return toOpportunity(parse(copperOpportunity, answer.json, 'opportunities'), dateOrder());
    },
  };
}
