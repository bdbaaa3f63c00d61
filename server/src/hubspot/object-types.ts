/**
 * The objects and properties this double knows: exactly those reference/hubspot-api.md names
 * ("Objects", "Search"). A property name not listed here is unknown: a write naming it is a 400
 * PROPERTY_DOESNT_EXIST; a read naming it (`properties=`) ignores it.
 */
export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const isObjectType = (name: string): name is ObjectType =>
  (OBJECT_TYPES as readonly string[]).includes(name);

/** The object type ids (`0-1` …), for v4 association answers. */
export const OBJECT_TYPE_IDS: Record<ObjectType, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tasks: '0-27',
  notes: '0-46',
  emails: '0-49',
};

/** The singular word in v3 association type names (`contact_to_company`): unconfirmed wording. */
export const SINGULAR: Record<ObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
  notes: 'note',
  emails: 'email',
  tasks: 'task',
};

export type PropertyKind = 'string' | 'number' | 'datetime' | 'enumeration';

export interface PropertyDefinition {
  kind: PropertyKind;
  readOnly?: boolean;
  /** Enumeration options (internal values). For `dealstage`, the pipelines' stages decide instead. */
  options?: readonly string[];
  maxLength?: number;
}

const readOnlyDate: PropertyDefinition = { kind: 'datetime', readOnly: true };
const objectId: PropertyDefinition = { kind: 'number', readOnly: true };
const text: PropertyDefinition = { kind: 'string' };

export const EMAIL_DIRECTIONS = ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'] as const;

export const PROPERTIES: Record<ObjectType, Record<string, PropertyDefinition>> = {
  contacts: {
    email: text,
    firstname: text,
    lastname: text,
    jobtitle: text,
    phone: text,
    company: text,
    // HubSpot's default lifecycle stages (internal values); the reference names the property only.
    lifecyclestage: {
      kind: 'enumeration',
      options: [
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ],
    },
    // `;`-separated [CODE]. Whether HubSpot lets a client write it is unconfirmed: writable here.
    hs_additional_emails: text,
    // Must name an owner (checked in property-values.ts).
    hubspot_owner_id: { kind: 'enumeration' },
    createdate: readOnlyDate,
    lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
  companies: {
    name: text,
    domain: text,
    hs_additional_domains: text,
    createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
  deals: {
    dealname: text,
    pipeline: { kind: 'enumeration' },
    dealstage: { kind: 'enumeration' },
    amount: { kind: 'number' },
    closedate: { kind: 'datetime' },
    createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
  notes: {
    hs_timestamp: { kind: 'datetime' },
    hs_note_body: { kind: 'string', maxLength: 65_536 },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
  emails: {
    hs_timestamp: { kind: 'datetime' },
    hs_email_direction: { kind: 'enumeration', options: EMAIL_DIRECTIONS },
    hs_email_subject: text,
    hs_email_text: text,
    hs_email_html: text,
    hs_email_status: {
      kind: 'enumeration',
      options: ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'],
    },
    hs_email_headers: text,
    // Filled from hs_email_headers [EMAILS, OBJ]; the names beyond `from_email` follow the same pattern [CODE].
    hs_email_from_email: { kind: 'string', readOnly: true },
    hs_email_from_firstname: { kind: 'string', readOnly: true },
    hs_email_from_lastname: { kind: 'string', readOnly: true },
    hs_email_to_email: { kind: 'string', readOnly: true },
    hs_email_to_firstname: { kind: 'string', readOnly: true },
    hs_email_to_lastname: { kind: 'string', readOnly: true },
    hs_email_cc_email: { kind: 'string', readOnly: true },
    hs_email_bcc_email: { kind: 'string', readOnly: true },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
  tasks: {
    hs_timestamp: { kind: 'datetime' },
    hs_task_subject: text,
    hs_task_body: text,
    // Docs: NOT_STARTED, COMPLETED, example WAITING; IN_PROGRESS, DEFERRED [CODE].
    hs_task_status: {
      kind: 'enumeration',
      options: ['NOT_STARTED', 'COMPLETED', 'WAITING', 'IN_PROGRESS', 'DEFERRED'],
    },
    hs_task_priority: { kind: 'enumeration', options: ['LOW', 'MEDIUM', 'HIGH'] },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
    hs_object_id: objectId,
  },
};

/** Required on create [OBJ, DEALS, EMAILS, TASKS]; companies need `name` or `domain` (checked apart). */
export const REQUIRED: Record<ObjectType, readonly string[]> = {
  contacts: [],
  companies: [],
  deals: ['dealname', 'dealstage', 'pipeline'],
  notes: ['hs_timestamp'],
  emails: ['hs_timestamp', 'hs_email_direction'],
  tasks: ['hs_timestamp'],
};

/** The created/modified properties each object keeps itself. */
export const TIMESTAMP_PROPERTIES: Record<ObjectType, { created: string; modified: string }> = {
  contacts: { created: 'createdate', modified: 'lastmodifieddate' },
  companies: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  deals: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  notes: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
  emails: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
  tasks: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
};

/**
 * What a read returns without `properties` [SEARCH]: the reference gives contacts and engagements;
 * companies and deals follow HubSpot's search guide's lists for them (name/domain, deal basics).
 */
export const DEFAULT_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  emails: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tasks: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/**
 * Read with `properties=…`, a record still carries its id and timestamps (as HubSpot's replies do;
 * unconfirmed by the reference, harmless for a client that reads what it asked for).
 */
export const ALWAYS_RETURNED = (type: ObjectType): string[] => {
  const t = TIMESTAMP_PROPERTIES[type];
  return [t.created, t.modified, 'hs_object_id'];
};

/** `query` in a search looks in these [SEARCH, CODE]; `hs_additional_emails` is covered for contacts. */
export const QUERY_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'hs_additional_emails', 'phone', 'company'],
  companies: ['name', 'domain', 'hs_additional_domains'],
  deals: ['dealname'],
  notes: ['hs_note_body'],
  emails: ['hs_email_subject', 'hs_email_text'],
  tasks: ['hs_task_subject', 'hs_task_body'],
};

/**
 * Scopes [SPEC]: contacts, notes, tasks `crm.objects.contacts.*`; emails the same, or
 * `sales-email-read` for reads; companies `crm.objects.companies.*`; deals and pipelines
 * `crm.objects.deals.*`; owners `crm.objects.owners.read`. Any one scope of a list is enough.
 * The v4 spec's `crm.objects.{notes,tasks,emails}.read` ("needed? unconfirmed") are granted by
 * default but never required, so a token without them still works.
 */
export function requiredScopes(type: ObjectType, access: 'read' | 'write'): string[] {
  switch (type) {
    case 'companies':
      return [`crm.objects.companies.${access}`];
    case 'deals':
      return [`crm.objects.deals.${access}`];
    case 'emails':
      return access === 'read'
        ? ['crm.objects.contacts.read', 'sales-email-read']
        : ['crm.objects.contacts.write'];
    default:
      return [`crm.objects.contacts.${access}`];
  }
}

export const ALL_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'sales-email-read',
  'crm.objects.notes.read',
  'crm.objects.tasks.read',
  'crm.objects.emails.read',
] as const;
