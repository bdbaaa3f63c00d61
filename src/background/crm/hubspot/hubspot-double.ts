/**
 * A HubSpot double for the adapter's unit tests, answering the shapes reference/hubspot-api.md
 * documents (bodies in its wording) and no others: Bearer auth (401 `INVALID_AUTHENTICATION`),
 * 403 `MISSING_SCOPES` with `errors[0].context.requiredGranularScopes`, 409 on a duplicate contact
 * e-mail ("Existing ID" only in the message), search with AND within a group / OR across groups,
 * at most 5 groups, one sort, `limit` ≤ 200, `after` an offset that stops at 10,000 (400 past it),
 * archived records never in search, batch read without archived ids, v4 association reads with a
 * numeric `toObjectId` as real replies have. Used through the real transport and egress gate.
 */
import type { EgressResponse } from '../../privacy/egress/egress-fetch';

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

  link(type: string, id: string, toType: string, toId: string): void {
    for (const [a, ai, b, bi] of [
      [type, id, toType, toId],
      [toType, toId, type, id],
    ] as const) {
      const key = `${a}:${ai}`;
      const map = this.links.get(key) ?? new Map<string, Set<string>>();
      const set = map.get(b) ?? new Set<string>();
      set.add(bi);
      map.set(b, set);
      this.links.set(key, map);
    }
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
    const o = this.add(type, body.properties);
    for (const a of body.associations ?? []) {
      const toType = ASSOCIATION_TARGET[`${type}:${a.types[0]?.associationTypeId}`];
      if (!toType) return err(400, { message: 'invalid association type', category: 'VALIDATION_ERROR' });
      this.link(type, o.id, toType, a.to.id);
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

  private v4(method: string, parts: string[]): Reply {
    const [, , , type, id, , third, fourth, fifth] = parts;
    if (method === 'GET' && third && !fourth) {
      const ids = this.links.get(`${type}:${id}`)?.get(third) ?? new Set<string>();
      const results = [...ids].map((to) => ({
        toObjectId: Number(to),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 0, label: null }],
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
  'emails:198': 'contacts',
  'emails:210': 'deals',
  'tasks:204': 'contacts',
  'tasks:216': 'deals',
  'deals:3': 'contacts',
  'deals:341': 'companies',
  'contacts:279': 'companies',
};
