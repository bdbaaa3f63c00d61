/** Copper's record shapes → Threadline's own (src/shared/crm-model.ts). */
import type { z } from 'zod/mini';
import type {
  Company,
  Labelled,
  Lead,
  Opportunity,
  Person,
  PostalAddress,
  RecordRef,
  Task,
} from '../../../shared/crm-model';
import { OPPORTUNITY_STATUSES, RECORD_TYPES } from '../../../shared/crm-model';
import type { DateOrder } from '../crm-client';
import { readCloseDate } from './copper-close-date';
import {
  type CopperCompany,
  type CopperLead,
  type CopperOpportunity,
  type CopperPerson,
  type CopperTask,
  type copperAddress,
  copperDateToSeconds,
} from './copper-schemas';

const labelled = (
  list: { email?: string; number?: string; category?: string | null | undefined }[] | null | undefined,
): Labelled[] =>
  (list ?? []).map((x) => ({
    value: (x.email ?? x.number ?? '').slice(0, 320),
    category: x.category ?? 'other',
  }));

function address(a: z.infer<typeof copperAddress>): PostalAddress | null {
  if (!a) return null;
  const out = {
    street: a.street ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postalCode: a.postal_code ?? null,
    country: a.country ?? null,
  };
  return Object.values(out).some((v) => v !== null && v !== '') ? out : null;
}

const nameOf = (r: {
  name?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
}): string => (r.name ?? [r.first_name, r.last_name].filter(Boolean).join(' ')).trim() || '(no name)';

export const toPerson = (p: CopperPerson): Person => ({
  id: p.id,
  name: nameOf(p),
  title: p.title ?? null,
  companyId: p.company_id ?? null,
  companyName: p.company_name ?? null,
  emails: labelled(p.emails),
  phones: labelled(p.phone_numbers),
  address: address(p.address),
  tags: p.tags ?? [],
  ownerId: p.assignee_id ?? null,
  lastContactedAt: copperDateToSeconds(p.date_last_contacted),
  modifiedAt: copperDateToSeconds(p.date_modified) ?? 0,
});

export const toLead = (l: CopperLead): Lead => ({
  id: l.id,
  name: nameOf(l),
  title: l.title ?? null,
  companyName: l.company_name ?? null,
  email: l.email?.email ?? null,
  phones: labelled(l.phone_numbers),
  status: l.status ?? null,
  ownerId: l.assignee_id ?? null,
  modifiedAt: copperDateToSeconds(l.date_modified) ?? 0,
});

export const toCompany = (c: CopperCompany): Company => ({
  id: c.id,
  name: c.name?.trim() || '(no name)',
  domain: c.email_domain?.toLowerCase() ?? null,
  address: address(c.address),
  phones: labelled(c.phone_numbers),
  tags: c.tags ?? [],
  modifiedAt: copperDateToSeconds(c.date_modified) ?? 0,
});

export const toOpportunity = (o: CopperOpportunity, order: DateOrder | null = null): Opportunity => ({
  id: o.id,
  name: o.name?.trim() || '(no name)',
  pipelineId: o.pipeline_id ?? null,
  stageId: o.pipeline_stage_id ?? null,
  status: (OPPORTUNITY_STATUSES as readonly string[]).includes(o.status ?? '')
    ? (o.status as Opportunity['status'])
    : 'Open',
  companyId: o.company_id ?? null,
  primaryContactId: o.primary_contact_id ?? null,
  value: o.monetary_value ?? null,
  closeDate: readCloseDate(o.close_date, order),
  modifiedAt: copperDateToSeconds(o.date_modified) ?? 0,
});

export const toTask = (t: CopperTask): Task => {
  const related = t.related_resource;
  return {
    id: t.id,
    name: t.name?.trim() || '(no name)',
    related:
      related && (RECORD_TYPES as readonly string[]).includes(related.type)
        ? { type: related.type as RecordRef['type'], id: related.id }
        : null,
    dueDate: copperDateToSeconds(t.due_date),
    priority: t.priority === 'High' ? 'High' : 'None',
    status: t.status === 'Completed' ? 'Completed' : 'Open',
    modifiedAt: copperDateToSeconds(t.date_modified) ?? 0,
  };
};
