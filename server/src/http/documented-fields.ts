/**
 * THE table of request fields Copper documents, endpoint by endpoint (reference/copper-api.md,
 * "Documented request fields"). Every route checks its body against its row before anything else:
 * a field that is not here gets Copper's own 422, "Invalid input: Validation errors: Base:
 * Unrecognized attributes specified: …". A documented field a route does not implement is accepted
 * and ignored, so the server is never stricter than Copper. The client's drift test
 * (test/unit/copper-request-fields.test.ts) runs every body the client can build through this table.
 */

const range = (name: string): string[] => [`minimum_${name}`, `maximum_${name}`];

/** Paging and sorting, shared by every entity search ("Shared by entity /search"). */
const ENTITY_SEARCH = [
  'page_number',
  'page_size',
  'sort_by',
  'sort_direction',
  'ids',
  'custom_fields',
] as const;
const PLACE = ['city', 'state', 'postal_code', 'country'] as const;
const INTERACTIONS = [...range('interaction_count'), ...range('interaction_date')];

const PERSON_BODY = [
  'name',
  'address',
  'assignee_id',
  'company_id',
  'contact_type_id',
  'company_name',
  'details',
  'title',
  'emails',
  'phone_numbers',
  'socials',
  'websites',
  'tags',
  'custom_fields',
] as const;
const LEAD_BODY = [
  'name',
  'address',
  'assignee_id',
  'company_name',
  'details',
  'title',
  'email',
  'phone_numbers',
  'socials',
  'websites',
  'tags',
  'custom_fields',
  'customer_source_id',
  'monetary_value',
  'status',
] as const;
const COMPANY_BODY = [
  'name',
  'address',
  'assignee_id',
  'contact_type_id',
  'details',
  'email_domain',
  'phone_numbers',
  'socials',
  'websites',
  'tags',
  'custom_fields',
] as const;
const OPPORTUNITY_BODY = [
  'name',
  'primary_contact_id',
  'assignee_id',
  'company_id',
  'customer_source_id',
  'loss_reason_id',
  'pipeline_id',
  'pipeline_stage_id',
  'close_date',
  'details',
  'monetary_value',
  'priority',
  'status',
  'tags',
  'win_probability',
  'custom_fields',
] as const;
const TASK_BODY = [
  'name',
  'related_resource',
  'assignee_id',
  'due_date',
  'reminder_date',
  'priority',
  'status',
  'details',
  'tags',
  'custom_fields',
] as const;
const ACTIVITY_BODY = ['parent', 'type', 'details', 'activity_date'] as const;

export const DOCUMENTED_FIELDS = {
  'POST /people/search': [
    ...ENTITY_SEARCH,
    'name',
    'phone_number',
    'emails',
    'contact_type_ids',
    'assignee_ids',
    'company_ids',
    'opportunity_ids',
    ...PLACE,
    'tags',
    'followed',
    'age',
    ...INTERACTIONS,
    ...range('created_date'),
  ],
  'POST /leads/search': [
    ...ENTITY_SEARCH,
    'name',
    'phone_number',
    'emails',
    'assignee_ids',
    'status_ids',
    'customer_source_ids',
    ...PLACE,
    'tags',
    'followed',
    'age',
    ...range('monetary_value'),
    ...INTERACTIONS,
    ...range('created_date'),
    ...range('modified_date'),
  ],
  'POST /companies/search': [
    ...ENTITY_SEARCH,
    'name',
    'phone_number',
    'email_domains',
    'contact_type_ids',
    'assignee_ids',
    ...PLACE,
    'tags',
    'followed',
    'age',
    ...INTERACTIONS,
    ...range('created_date'),
  ],
  'POST /opportunities/search': [
    ...ENTITY_SEARCH,
    'name',
    'assignee_ids',
    'status_ids',
    'pipeline_ids',
    'pipeline_stage_ids',
    'priority_ids',
    'customer_source_ids',
    'loss_reason_ids',
    'company_ids',
    'tags',
    'followed',
    ...range('monetary_value'),
    ...INTERACTIONS,
    ...range('close_date'),
    ...range('stage_change_date'),
    ...range('created_date'),
    ...range('modified_date'),
  ],
  'POST /tasks/search': [
    ...ENTITY_SEARCH,
    'assignee_ids',
    'opportunity_ids',
    'project_ids',
    'statuses',
    'tags',
    'followed',
    ...range('due_date'),
    ...range('created_date'),
    ...range('modified_date'),
  ],
  // No sort_by, sort_direction or modified-date filter is documented here.
  'POST /activities/search': [
    'parent',
    'activity_types',
    'page_number',
    'page_size',
    ...range('activity_date'),
    'full_result',
  ],
  'POST /users/search': ['page_number', 'page_size'],
  'POST /people/fetch_by_email': ['email'],
  'POST /people': PERSON_BODY,
  'PUT /people/:id': PERSON_BODY,
  'POST /leads': LEAD_BODY,
  'PUT /leads/:id': LEAD_BODY,
  // Not in the reference's table; the body Copper's convert page shows.
  'POST /leads/:id/convert': ['details'],
  'POST /companies': COMPANY_BODY,
  'PUT /companies/:id': COMPANY_BODY,
  'POST /opportunities': OPPORTUNITY_BODY,
  'PUT /opportunities/:id': OPPORTUNITY_BODY,
  'POST /tasks': TASK_BODY,
  'PUT /tasks/:id': TASK_BODY,
  'POST /activities': ACTIVITY_BODY,
  'PUT /activities/:id': ACTIVITY_BODY,
  'POST /:entity/:id/related': ['resource'],
  'DELETE /:entity/:id/related': ['resource'],
} as const satisfies Record<string, readonly string[]>;

export type DocumentedEndpoint = keyof typeof DOCUMENTED_FIELDS;

/** Top-level fields of `body` that `endpoint` does not document, in the order they were sent. */
export function unrecognisedFields(endpoint: DocumentedEndpoint, body: object): string[] {
  const allowed: readonly string[] = DOCUMENTED_FIELDS[endpoint];
  return Object.keys(body).filter((key) => !allowed.includes(key));
}

/** Copper's wording for undocumented fields (recorded 422 of a public connector). */
export const unrecognisedMessage = (fields: readonly string[]): string =>
  `Base: Unrecognized attributes specified: ${fields.join(', ')}`;

/** Paging fields some connectors send in the query string; Copper honours them there too. */
export const QUERY_PAGING = ['page_number', 'page_size'] as const;
