/**
 * A HubSpot double for the adapter's unit tests, answering the shapes reference/hubspot-api.md
 * documents (bodies in its wording) and no others: Bearer auth (401 `INVALID_AUTHENTICATION`),
 * 403 `MISSING_SCOPES` with `errors[0].context.requiredGranularScopes`, 409 on a duplicate contact
 * e-mail ("Existing ID" only in the message), search with AND within a group / OR across groups,
 * at most 5 groups, one sort, `limit` ≤ 200, `after` an offset that stops at 10,000 (400 past it),
 * archived records never in search, batch read without archived ids, v4 association reads with a
 * numeric `toObjectId` as real replies have, and v4's batch read of associations (≤ 100 inputs, only
 * `inputs[].id`/`after`, `paging` only for an id with more; an id without links is named in a 207's
 * `errors` or, with `associationMisses = 'absent'`, simply left out: both readings are unconfirmed).
 * Used through the real transport and egress gate.
 */
import type { EgressResponse } from '../../src/background/privacy/egress/egress-fetch';

export type Obj = {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
};
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const DATETIME = new Set([
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_timestamp',
  'closedate',
  'createdate',
]);
const OBJECTS = ['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'] as const;
const SCOPE: Record<string, string> = {
  contacts: 'crm.objects.contacts.read',
  companies: 'crm.objects.companies.read',
  deals: 'crm.objects.deals.read',
  notes: 'crm.objects.contacts.read',
  emails: 'crm.objects.contacts.read',
  tasks: 'crm.objects.contacts.read',
  owners: 'crm.objects.owners.read',
};

const err = (status: number, body: Record<string, unknown>): Reply => ({
  status,
  body: { status: 'error', correlationId: 'aeb5f871-7f07-4993-9211-075dc63e7cbf', ...body },
});

export class HubspotDouble {
  token = 'pat-na1-good';
  nowMs = Date.UTC(2026, 10, 20, 12);
  missingScopes = new Set<string>();
  objects: Record<string, Map<string, Obj>> = Object.fromEntries(OBJECTS.map((o) => [o, new Map()]));
  /** `type:id` → `toType` → ids. */
  links = new Map<string, Map<string, Set<string>>>();
  /** `type:id:toType:toId` → association type ids (the pair's default type when not given). */
  linkTypes = new Map<string, number[]>();
  /** How the batch read of associations answers an id without links (unconfirmed: both are served). */
  associationMisses: 'errors' | 'absent' = 'errors';
  /** Associations per id per page of the batch read (HubSpot's is unconfirmed). */
  associationBatchPage = 500;
  owners = [
    {
      id: '41629779',
      email: 'sam@corp.test',
      firstName: 'Sam',
      lastName: 'Lee',
      userId: 9586504,
      type: 'PERSON',
    },
    {
      id: '41629780',
      email: 'kim@corp.test',
      firstName: 'Kim',
      lastName: 'Ho',
      userId: 9586505,
      type: 'PERSON',
    },
  ];
  pipelines: unknown[] = [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      archived: false,
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2024-01-01T00:00:00Z',
      stages: [
        {
          id: 'appointmentscheduled',
          label: 'Appointment Scheduled',
          displayOrder: 0,
          archived: false,
          metadata: { probability: '0.2', isClosed: 'false' },
        },
        {
          id: 'closedwon',
          label: 'Closed Won',
          displayOrder: 1,
          archived: false,
          metadata: { probability: '1.0', isClosed: 'true' },
        },
        {
          id: 'closedlost',
          label: 'Closed Lost',
          displayOrder: 2,
          archived: false,
          metadata: { probability: '0.0', isClosed: 'true' },
        },
      ],
    },
  ];
  /** Replies served before anything else (a 429, say), in order. */
  forced: Reply[] = [];
  /**
   * The next request this matches is carried out, then its answer is lost (the fetch rejects, as
   * when the network drops or the worker dies before the reply): once.
   */
  loseAnswer: ((method: string, path: string) => boolean) | null = null;
  /** Headers every reply carries (rate headers of non-search replies). */
  rateHeaders: Record<string, string> = {};
  requests: { method: string; path: string; body: unknown }[] = [];
  private nextId = 1000;

  add(type: string, properties: Record<string, string | null>, id = String(this.nextId++)): Obj {
    const iso = new Date(this.nowMs).toISOString();
    const modified = type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
    const obj: Obj = {
      id,
      properties: { hs_object_id: id, [modified]: iso, ...properties },
      createdAt: iso,
      updatedAt: properties[modified] ?? iso,
      archived: false,
    };
    this.objects[type]?.set(id, obj);
    return obj;
  }

  /** Links both ways; `typeIds` (forward) default to the pair's default type, their reverses from the reference. */
  link(type: string, id: string, toType: string, toId: string, typeIds: readonly number[] = []): void {
    const forward = typeIds.length > 0 ? typeIds : (DEFAULT_TYPE[`${type}:${toType}`] ?? []);
    for (const [a, ai, b, bi, types] of [
      [type, id, toType, toId, forward],
      [toType, toId, type, id, forward.flatMap((t) => REVERSE_TYPE[t] ?? [])],
    ] as const) {
      const key = `${a}:${ai}`;
      const map = this.links.get(key) ?? new Map<string, Set<string>>();
      const set = map.get(b) ?? new Set<string>();
      set.add(bi);
      map.set(b, set);
      this.links.set(key, map);
      const typeKey = `${key}:${b}:${bi}`;
      this.linkTypes.set(typeKey, [...new Set([...(this.linkTypes.get(typeKey) ?? []), ...types])]);
    }
  }

  private associationTypes(type: string, id: string, toType: string, toId: string) {
    return (this.linkTypes.get(`${type}:${id}:${toType}:${toId}`) ?? []).map((typeId) => ({
      category: 'HUBSPOT_DEFINED',
      typeId,
      label: PRIMARY.has(typeId) ? 'Primary' : null,
    }));
  }

  fetch = async (url: string, init: RequestInit): Promise<EgressResponse> => {
    const u = new URL(url);
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    this.requests.push({ method, path: `${u.pathname}${u.search}`, body });
    const auth = new Headers(init.headers).get('Authorization');
    const reply =
      this.forced.shift() ??
      (auth !== `Bearer ${this.token}`
        ? err(401, {
            message:
              'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
            category: 'INVALID_AUTHENTICATION',
          })
        : this.route(method, u, body));
    if (this.loseAnswer?.(method, u.pathname)) {
      this.loseAnswer = null;
      throw new TypeError('Failed to fetch');
    }
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    // Search replies carry no rate headers (COMM).
    const rate = u.pathname.endsWith('/search') ? {} : this.rateHeaders;
    const headers = new Headers({ ...rate, ...(reply.headers ?? {}) });
    return { status: reply.status, headers: { get: (n) => headers.get(n) }, text: async () => text };
  };

  private scopeRefusal(object: string): Reply | null {
    if (!this.missingScopes.has(object)) return null;
    return err(403, {
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [SCOPE[object] ?? object] },
        },
      ],
      category: 'MISSING_SCOPES',
    });
  }

  private view(o: Obj, properties: readonly string[]) {
    return {
      id: o.id,
      properties: Object.fromEntries(properties.map((p) => [p, o.properties[p] ?? null])),
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      archived: o.archived,
    };
  }

  private route(method: string, u: URL, body: unknown): Reply {
    const parts = u.pathname.split('/').filter(Boolean);
    if (u.pathname === '/crm/v3/owners') {
      const refused = this.scopeRefusal('owners');
      if (refused) return refused;
      const email = u.searchParams.get('email');
      const results = this.owners
        .filter((o) => email === null || o.email === email)
        .map((o) => ({
          ...o,
          createdAt: '2024-01-01T00:00:00Z',
          updatedAt: '2024-01-01T00:00:00Z',
          archived: false,
        }));
      return { status: 200, body: { results } };
    }
    if (u.pathname === '/crm/v3/pipelines/deals') {
      const refused = this.scopeRefusal('deals');
      return refused ?? { status: 200, body: { results: this.pipelines } };
    }
    if (parts[0] === 'crm' && parts[1] === 'v4' && parts[2] === 'objects') return this.v4(method, parts);
    if (
      parts[0] === 'crm' &&
      parts[1] === 'v4' &&
      parts[2] === 'associations' &&
      parts[5] === 'batch' &&
      parts[6] === 'read' &&
      parts.length === 7 &&
      method === 'POST'
    )
      return this.batchAssociations(parts[3] ?? '', parts[4] ?? '', body);
    if (parts[0] !== 'crm' || parts[1] !== 'v3' || parts[2] !== 'objects')
      return err(404, { message: 'not found' });
    const type = parts[3] ?? '';
    const store = this.objects[type];
    if (!store) return err(404, { message: 'not found' });
    const refused = this.scopeRefusal(type);
    if (refused) return refused;
    const properties = (u.searchParams.get('properties') ?? '').split(',').filter(Boolean);
    if (parts.length === 4 && method === 'GET') {
      const limit = Number(u.searchParams.get('limit') ?? '10');
      const list = [...store.values()].filter((o) => !o.archived).slice(0, limit);
      return { status: 200, body: { results: list.map((o) => this.view(o, properties)) } };
    }
    if (parts.length === 4 && method === 'POST') return this.create(type, body as CreateBody);
    if (parts[4] === 'search' && method === 'POST') return this.search(type, body as SearchBody);
    if (parts[4] === 'batch' && parts[5] === 'read' && method === 'POST') {
      const b = body as { properties: string[]; inputs: { id: string }[] };
      const results = b.inputs.flatMap((i) => {
        const o = store.get(i.id);
        return o && !o.archived ? [this.view(o, b.properties)] : [];
      });
      return {
        status: results.length === b.inputs.length ? 200 : 207,
        body: { status: 'COMPLETE', results },
      };
    }
    const id = parts[4] ?? '';
    const o = store.get(id);
    if (!o || o.archived) return { status: 404, body: undefined };
    if (method === 'GET') {
      const wanted = (u.searchParams.get('associations') ?? '').split(',').filter(Boolean);
      const singular = (t: string) => (t === 'companies' ? 'company' : t.replace(/s$/, ''));
      const associations = Object.fromEntries(
        wanted.flatMap((toType) => {
          const ids = [...(this.links.get(`${type}:${id}`)?.get(toType) ?? [])];
          const kind = `${singular(type)}_to_${singular(toType)}`;
          return ids.length === 0 ? [] : [[toType, { results: ids.map((to) => ({ id: to, type: kind })) }]];
        }),
      );
      return {
        status: 200,
        body: { ...this.view(o, properties), ...(wanted.length > 0 ? { associations } : {}) },
      };
    }
    if (method === 'PATCH') {
      const p = (body as { properties: Record<string, string> }).properties;
      Object.assign(o.properties, p);
      this.touch(type, o);
      return { status: 200, body: this.view(o, Object.keys(o.properties)) };
    }
    return err(405, { message: 'method not allowed' });
  }

  private touch(type: string, o: Obj): void {
    const iso = new Date(this.nowMs).toISOString();
    o.updatedAt = iso;
    o.properties[type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'] = iso;
  }

  private create(type: string, body: CreateBody): Reply {
    if (type === 'contacts') {
      const email = (body.properties.email ?? '').toLowerCase();
      const same = [...(this.objects.contacts?.values() ?? [])].find(
        (c) => (c.properties.email ?? '').toLowerCase() === email,
      );
      if (same)
        return err(409, { message: `Contact already exists. Existing ID: ${same.id}`, category: 'CONFLICT' });
    }
    for (const a of body.associations ?? []) {
      const toType = ASSOCIATION_TARGET[`${type}:${a.types[0]?.associationTypeId}`];
      if (!toType) return err(400, { message: 'invalid association type', category: 'VALIDATION_ERROR' });
      // As the local server: a target that does not exist (or is archived) refuses the create
      // (status as there; HubSpot's wording unconfirmed). Targets never added are let through, as
      // the tests name records they do not set up.
      const target = this.objects[toType]?.get(a.to.id);
      if (target?.archived)
        return err(400, { message: `${toType} ${a.to.id} does not exist`, category: 'VALIDATION_ERROR' });
    }
    const o = this.add(type, body.properties);
    for (const a of body.associations ?? []) {
      const typeId = a.types[0]?.associationTypeId ?? 0;
      this.link(type, o.id, ASSOCIATION_TARGET[`${type}:${typeId}`] ?? '', a.to.id, [typeId]);
    }
    return { status: 201, body: this.view(o, Object.keys(o.properties)) };
  }

  private search(type: string, body: SearchBody): Reply {
    const groups = body.filterGroups ?? [];
    const filters = groups.flatMap((g) => g.filters);
    if (
      groups.length > 5 ||
      groups.some((g) => g.filters.length > 6) ||
      filters.length > 18 ||
      (body.sorts ?? []).length > 1
    )
      return err(400, { message: 'Too many filters or sorts', category: 'VALIDATION_ERROR' });
    const limit = body.limit ?? 10;
    const after = Number(body.after ?? '0');
    if (limit > 200) return err(400, { message: 'limit must be ≤ 200', category: 'VALIDATION_ERROR' });
    if (after + limit > 10_000)
      return err(400, {
        message: 'The maximum number of results a search can page through is 10,000',
        category: 'VALIDATION_ERROR',
      });
    const value = (o: Obj, name: string): number | string | null => {
      const v = o.properties[name] ?? null;
      if (v === null) return null;
      if (DATETIME.has(name)) return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (name === 'hs_object_id') return Number(v);
      return v.toLowerCase();
    };
    const comparable = (name: string, v: string): number | string =>
      DATETIME.has(name) || name === 'hs_object_id' ? Number(v) : v.toLowerCase();
    const matches = (o: Obj, f: Filter): boolean => {
      const have = value(o, f.propertyName);
      switch (f.operator) {
        case 'IN':
          return have !== null && (f.values ?? []).map((x) => comparable(f.propertyName, x)).includes(have);
        case 'CONTAINS_TOKEN':
          return typeof have === 'string' && have.split(/[;\s]+/).includes((f.value ?? '').toLowerCase());
        default: {
          if (have === null || f.value === undefined) return false;
          const want = comparable(f.propertyName, f.value);
          if (f.operator === 'EQ') return have === want;
          if (f.operator === 'NEQ') return have !== want;
          if (f.operator === 'GT') return have > want;
          if (f.operator === 'GTE') return have >= want;
          if (f.operator === 'LT') return have < want;
          if (f.operator === 'LTE') return have <= want;
          return false;
        }
      }
    };
    const store = this.objects[type] ?? new Map<string, Obj>();
    let list = [...store.values()].filter(
      (o) =>
        !o.archived && (groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(o, f)))),
    );
    const sort = body.sorts?.[0];
    const key = sort?.propertyName ?? 'hs_object_id';
    const dir = sort?.direction === 'DESCENDING' ? -1 : 1;
    list = list.sort((a, b) => {
      const x = value(a, key) ?? 0;
      const y = value(b, key) ?? 0;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    const page = list.slice(after, after + limit);
    const properties = body.properties ?? [];
    return {
      status: 200,
      body: {
        total: list.length,
        results: page.map((o) => this.view(o, properties)),
        ...(after + limit < list.length ? { paging: { next: { after: String(after + limit) } } } : {}),
      },
    };
  }

  private batchAssociations(from: string, to: string, body: unknown): Reply {
    if (!this.objects[from] || !this.objects[to])
      return err(400, { message: `Unable to infer object type from: ${from}`, category: 'VALIDATION_ERROR' });
    const refused = this.scopeRefusal(from);
    if (refused) return refused;
    const invalid = err(400, { message: 'Invalid input JSON', category: 'VALIDATION_ERROR' });
    if (typeof body !== 'object' || body === null || Object.keys(body).some((k) => k !== 'inputs'))
      return invalid;
    const inputs = (body as { inputs?: unknown }).inputs;
    if (!Array.isArray(inputs)) return invalid;
    if (inputs.length > 100) return err(400, { message: 'Too many inputs', category: 'VALIDATION_ERROR' });
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs as Record<string, unknown>[]) {
      const keys = Object.keys(input ?? {});
      if (typeof input?.id !== 'string' || keys.some((k) => k !== 'id' && k !== 'after')) return invalid;
      if (input.after !== undefined && typeof input.after !== 'string') return invalid;
      const o = this.objects[from]?.get(input.id);
      const all =
        o && !o.archived
          ? [...(this.links.get(`${from}:${input.id}`)?.get(to) ?? [])]
              // Archived records are not associated any more, as the local server reads them.
              .filter((toId) => this.objects[to]?.get(toId)?.archived !== true)
              .sort((a, b) => Number(a) - Number(b))
          : [];
      const start = typeof input.after === 'string' ? all.indexOf(input.after) : 0;
      const rest = start < 0 ? [] : all.slice(start);
      if (rest.length === 0) {
        missing.push(input.id);
        continue;
      }
      const next = rest[this.associationBatchPage];
      results.push({
        from: { id: input.id },
        to: rest.slice(0, this.associationBatchPage).map((toId) => ({
          toObjectId: Number(toId),
          associationTypes: this.associationTypes(from, input.id as string, to, toId),
        })),
        ...(next ? { paging: { next: { after: next, link: null } } } : {}),
      });
    }
    const done = {
      status: 'COMPLETE',
      results,
      startedAt: new Date(this.nowMs).toISOString(),
      completedAt: new Date(this.nowMs).toISOString(),
    };
    if (missing.length === 0 || this.associationMisses === 'absent') return { status: 200, body: done };
    return {
      status: 207,
      body: {
        ...done,
        numErrors: missing.length,
        errors: missing.map((id) => ({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `No ${to} associated with ${from} ${id}`,
          context: { fromObjectId: [id] },
        })),
      },
    };
  }

  private v4(method: string, parts: string[]): Reply {
    const [, , , type, id, , third, fourth, fifth] = parts;
    if (method === 'GET' && third && !fourth) {
      const ids = this.links.get(`${type}:${id}`)?.get(third) ?? new Set<string>();
      const results = [...ids].map((to) => ({
        toObjectId: Number(to),
        associationTypes: this.associationTypes(type ?? '', id ?? '', third, to),
      }));
      return { status: 200, body: { results } };
    }
    if (method === 'PUT' && third === 'default' && fourth && fifth) {
      this.link(type ?? '', id ?? '', fourth, fifth);
      return { status: 200, body: { status: 'COMPLETE', results: [] } };
    }
    return err(404, { message: 'not found' });
  }
}

type Filter = { propertyName: string; operator: string; value?: string; values?: string[] };
type SearchBody = {
  filterGroups?: { filters: Filter[] }[];
  sorts?: { propertyName: string; direction: string }[];
  properties?: string[];
  limit?: number;
  after?: string;
};
type CreateBody = {
  properties: Record<string, string>;
  associations?: {
    to: { id: string };
    types: { associationCategory: string; associationTypeId: number }[];
  }[];
};

/** The inline association type ids the reference lists (NODE), as `fromType:typeId` → `toType`. */
const ASSOCIATION_TARGET: Record<string, string> = {
  'notes:202': 'contacts',
  'notes:214': 'deals',
  'notes:190': 'companies',
  'emails:186': 'companies',
  'emails:198': 'contacts',
  'emails:210': 'deals',
  'tasks:204': 'contacts',
  'tasks:216': 'deals',
  'tasks:192': 'companies',
  'deals:3': 'contacts',
  'deals:341': 'companies',
  'contacts:279': 'companies',
};

/** Each pair's default type (the one `associations/default` and an untyped `link` use). */
const DEFAULT_TYPE: Record<string, number[]> = Object.fromEntries(
  Object.entries(ASSOCIATION_TARGET).map(([key, toType]) => [
    `${key.split(':')[0]}:${toType}`,
    [Number(key.split(':')[1])],
  ]),
);
/** Forward → reverse type ids (reference, "Associations", NODE). */
const REVERSE_TYPE: Record<number, number[]> = {
  190: [189],
  189: [190],
  186: [185],
  185: [186],
  214: [213],
  213: [214],
  202: [201],
  201: [202],
  198: [197],
  197: [198],
  210: [209],
  209: [210],
  192: [191],
  191: [192],
  204: [203],
  203: [204],
  3: [4],
  4: [3],
  341: [342],
  342: [341],
  5: [6],
  6: [5],
  279: [280],
  280: [279],
  1: [2],
  2: [1],
};
const PRIMARY = new Set([1, 2, 5, 6]);
