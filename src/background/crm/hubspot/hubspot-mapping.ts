/**
 * HubSpot records → Threadline's own (src/shared/crm-model.ts).
 *
 * Leads: HubSpot has no lead object in the reference. Every contact is a person, whatever its
 * `lifecyclestage` (shown as a tag, so a "lead" contact is still visible as one); Threadline's lead
 * list stays empty and the "create lead" action is not offered (ADMIN.md, "HubSpot").
 */
import type { Company, CrmUser, Opportunity, Person, RecordRef, Task } from '../../../shared/crm-model';
import type { SyncedActivity } from '../crm-client';
import { labelIdToNumber, toNumberId } from './hubspot-ids';
import type { HubspotOwner, HubspotRecord } from './hubspot-schemas';

const prop = (r: HubspotRecord, name: string): string | null => {
  const value = r.properties[name];
  return value === undefined || value === null || value === '' ? null : value;
};

/** ISO 8601 (reads) or epoch ms (some writes echo them): unix seconds, or null. */
export function hubspotTimeToSeconds(value: string | null | undefined): number | null {
  if (!value) return null;
  if (/^\d{1,15}$/.test(value)) return Math.floor(Number(value) / 1000);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** The record's own last-modified property (contacts and the others differ), else `updatedAt`. */
export const modifiedOf = (r: HubspotRecord): number =>
  hubspotTimeToSeconds(prop(r, 'lastmodifieddate') ?? prop(r, 'hs_lastmodifieddate') ?? r.updatedAt) ?? 0;

/** Epoch ms of the record's last change (the delta keyset runs on HubSpot's own milliseconds). */
export const modifiedMsOf = (r: HubspotRecord): number => {
  const value = prop(r, 'lastmodifieddate') ?? prop(r, 'hs_lastmodifieddate') ?? r.updatedAt ?? '';
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
};

const optionalId = (value: string | null): number | null =>
  value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;

/** `hs_additional_emails` and `hs_additional_domains` are `;`-separated lists. */
export const splitList = (value: string | null): string[] =>
  (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'jobtitle',
  'phone',
  'company',
  'lifecyclestage',
  'hs_additional_emails',
  'hubspot_owner_id',
  'lastmodifieddate',
] as const;

export function toPerson(r: HubspotRecord): Person {
  const primary = prop(r, 'email');
  const additional = splitList(prop(r, 'hs_additional_emails')).filter(
    (e) => e.toLowerCase() !== primary?.toLowerCase(),
  );
  const phone = prop(r, 'phone');
  const stage = prop(r, 'lifecyclestage');
  const name = [prop(r, 'firstname'), prop(r, 'lastname')].filter(Boolean).join(' ').trim();
  return {
    id: toNumberId(r.id),
    name: (name || primary || '(no name)').slice(0, 500),
    title: prop(r, 'jobtitle')?.slice(0, 500) ?? null,
    // The contact's company comes from its association (not in list/search replies): the card
    // falls back to the company of the e-mail domain.
    companyId: null,
    companyName: prop(r, 'company')?.slice(0, 500) ?? null,
    emails: [
      ...(primary ? [{ value: primary.slice(0, 320), category: 'work' }] : []),
      ...additional.map((e) => ({ value: e.slice(0, 320), category: 'other' })),
    ],
    phones: phone ? [{ value: phone.slice(0, 320), category: 'work' }] : [],
    address: null,
    tags: stage ? [stage.slice(0, 100)] : [],
    ownerId: optionalId(prop(r, 'hubspot_owner_id')),
    lastContactedAt: null,
    modifiedAt: modifiedOf(r),
  };
}

export const COMPANY_PROPERTIES = ['name', 'domain', 'hs_additional_domains', 'hs_lastmodifieddate'] as const;

export function toCompany(r: HubspotRecord): Company {
  const domain = prop(r, 'domain') ?? splitList(prop(r, 'hs_additional_domains'))[0] ?? null;
  return {
    id: toNumberId(r.id),
    name: (prop(r, 'name')?.trim() || domain || '(no name)').slice(0, 500),
    domain: domain?.toLowerCase().slice(0, 253) ?? null,
    address: null,
    phones: [],
    tags: [],
    modifiedAt: modifiedOf(r),
  };
}

export const DEAL_PROPERTIES = [
  'dealname',
  'dealstage',
  'pipeline',
  'amount',
  'closedate',
  'hs_lastmodifieddate',
] as const;

/** A stage's outcome from its metadata: probability 1.0 closed = won, 0.0 closed = lost (PIPE). */
export type StageOutcome = Opportunity['status'];

export function toOpportunity(r: HubspotRecord, outcome: (stageId: string) => StageOutcome): Opportunity {
  const stage = prop(r, 'dealstage');
  const pipeline = prop(r, 'pipeline');
  const amount = prop(r, 'amount');
  const value = amount === null ? null : Number(amount);
  return {
    id: toNumberId(r.id),
    name: (prop(r, 'dealname')?.trim() || '(no name)').slice(0, 500),
    pipelineId: pipeline === null ? null : labelIdToNumber(pipeline),
    stageId: stage === null ? null : labelIdToNumber(stage),
    status: stage === null ? 'Open' : outcome(stage),
    // Associations are not in list/search replies (see hubspot-client.ts).
    companyId: null,
    primaryContactId: null,
    value: value !== null && Number.isFinite(value) ? value : null,
    closeDate: hubspotTimeToSeconds(prop(r, 'closedate')),
    modifiedAt: modifiedOf(r),
  };
}

export const TASK_PROPERTIES = [
  'hs_task_subject',
  'hs_timestamp',
  'hs_task_status',
  'hs_task_priority',
  'hs_lastmodifieddate',
] as const;

export function toTask(r: HubspotRecord, related: RecordRef | null = null): Task {
  return {
    id: toNumberId(r.id),
    name: (prop(r, 'hs_task_subject')?.trim() || '(no name)').slice(0, 500),
    related,
    dueDate: hubspotTimeToSeconds(prop(r, 'hs_timestamp')),
    priority: prop(r, 'hs_task_priority') === 'HIGH' ? 'High' : 'None',
    status: prop(r, 'hs_task_status') === 'COMPLETED' ? 'Completed' : 'Open',
    modifiedAt: modifiedOf(r),
  };
}

export const NOTE_PROPERTIES = ['hs_timestamp', 'hs_note_body', 'hs_lastmodifieddate'] as const;
export const EMAIL_PROPERTIES = [
  'hs_timestamp',
  'hs_email_subject',
  'hs_email_text',
  'hs_email_direction',
  'hs_lastmodifieddate',
] as const;

/** Plain text as a note body (HTML): escaped, line breaks kept. */
export function textToNoteHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

/**
 * A note body (HTML, as HubSpot or a person in HubSpot wrote it) back to plain text, never rendered:
 * breaks and paragraph ends become new lines, other tags go, the five entities are decoded. So the
 * marker at the end of the text is found whether HubSpot kept our `<br>` or wrapped it in `<p>`.
 */
export function noteHtmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n+$/, '');
}

export function toActivity(
  r: HubspotRecord,
  kind: 'note' | 'email',
  parent: { type: string; id: number },
): SyncedActivity {
  const details =
    kind === 'note'
      ? noteHtmlToText(prop(r, 'hs_note_body') ?? '')
      : (prop(r, 'hs_email_text') ?? prop(r, 'hs_email_subject') ?? '');
  return {
    id: toNumberId(r.id),
    parentType: parent.type,
    parentId: parent.id,
    typeName: kind === 'note' ? 'Note' : 'Email',
    // Over the model's cap, the end (with Threadline's marker) is what must survive.
    details: details === '' ? null : details.slice(Math.max(0, details.length - 20_000)),
    at: hubspotTimeToSeconds(prop(r, 'hs_timestamp')) ?? modifiedOf(r),
    modifiedAt: modifiedOf(r),
  };
}

export function toUser(o: HubspotOwner): CrmUser {
  const name = [o.firstName, o.lastName].filter(Boolean).join(' ').trim();
  return {
    id: toNumberId(o.id),
    name: (name || o.email || `Owner ${o.id}`).slice(0, 500),
    email: o.email ?? '',
  };
}
