/**
 * What a browser test reads back from the CRM server, in CRM-neutral terms, so one spec checks the
 * same flow against every CRM personality of the local server (issue 16). Each personality reads
 * its own API, as documented in `../shared/reference/`: a test never learns Copper's or HubSpot's
 * paths, and the server is read as any API client would (5xx faults injected by a test are retried).
 */

export type ServerApiKind = 'copper' | 'hubspot';

/** How a test calls the CRM server's API as the demo owner. */
export type ServerApi = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown; total: string | null }>;

export interface ProbeRef {
  type: 'person' | 'company' | 'opportunity';
  id: number;
}

export interface ProbePerson {
  id: number;
  name: string;
  title: string | null;
  companyName: string | null;
}

export interface ProbeTask {
  completed: boolean;
  highPriority: boolean;
  /** The person the task is about, if any. */
  personId: number | null;
}

export interface ProbeDeal {
  id: number;
  value: number | null;
  stageName: string | null;
  won: boolean;
  primaryContactId: number | null;
}

/** A request the browser sent, as the server's request log or the test's network log has it. */
export interface SentRequest {
  method: string;
  url: string;
  body: string;
}

export interface CrmProbe {
  readonly kind: ServerApiKind;
  /** The person with this address, or null. */
  person(email: string): Promise<ProbePerson | null>;
  personIdOf(email: string): Promise<number>;
  companyByDomain(domain: string): Promise<{ id: number; name: string } | null>;
  /** Writes a person's title as another CRM user would (bypassing the extension). */
  setTitle(personId: number, title: string): Promise<void>;
  /** Deletes (or archives) a person as another CRM user would. */
  deletePerson(personId: number): Promise<void>;
  /** The text of every note, e-mail or other activity on a record. */
  activityTexts(ref: ProbeRef): Promise<string[]>;
  tasksNamed(name: string): Promise<ProbeTask[]>;
  dealNamed(name: string): Promise<ProbeDeal | null>;
  /** The server's count of each entity the extension caches. */
  totals(): Promise<{ people: number; companies: number; leads: number; opportunities: number }>;
  /** `METHOD /path` of a request, with the API's own prefix removed, for the privacy canary's table. */
  callOf(request: SentRequest): string;
  /** Which calls may carry each kind of Gmail data (the privacy canary's allow-list). */
  readonly mayCarry: Readonly<Record<'address' | 'subject' | 'body', RegExp>>;
  /** Which call the sentence "the body was sent by a consented log" must be (exactly this one). */
  readonly logCall: string;
  /** Which call creates a person (the canary's "the address was sent to add the person"). */
  readonly createPersonCall: string;
  /** The label of the demo CRM's main sales pipeline (HubSpot names its default one). */
  readonly salesPipeline: string;
  /** Whether a request is the sync's last step (the look-back pass over thread marks). */
  isMarksSync(request: SentRequest): boolean;
  /** Whether a request created a note with this text. */
  isNoteWith(request: SentRequest, text: string): boolean;
}

/** The CRM API as a test reads it: injected 5xx faults are retried (a 429 is an answer: tests run unlimited). */
async function retrying(api: ServerApi, method: string, path: string, body?: unknown) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await api(method, path, body).catch(() => null);
    if (answer && answer.status < 500) return answer;
    if (attempt > 50) throw new Error(`${method} ${path} kept failing`);
  }
}

// ---------------------------------------------------------------------------------------------
// Copper (`../shared/reference/copper-api.md`)

interface CopperPerson {
  id: number;
  name: string;
  title: string | null;
  company_name: string | null;
}

export function copperProbe(api: ServerApi): CrmProbe {
  const call = (method: string, path: string, body?: unknown) => retrying(api, method, path, body);
  const probe: CrmProbe = {
    kind: 'copper',
    async person(email) {
      const { body } = await call('POST', '/people/search', { emails: [email] });
      const found = (body as CopperPerson[])[0];
      return found
        ? { id: found.id, name: found.name, title: found.title, companyName: found.company_name }
        : null;
    },
    async personIdOf(email) {
      const found = await probe.person(email);
      if (!found) throw new Error(`${email} is not in the CRM`);
      return found.id;
    },
    async companyByDomain(domain) {
      const { body } = await call('POST', '/companies/search', { email_domains: domain });
      const found = (body as { id: number; name: string; email_domain: string }[]).filter(
        (c) => c.email_domain === domain,
      );
      if (found.length > 1) throw new Error(`${found.length} companies for ${domain}`);
      return found[0] ? { id: found[0].id, name: found[0].name } : null;
    },
    async setTitle(personId, title) {
      const { status } = await call('PUT', `/people/${personId}`, { title });
      if (status !== 200) throw new Error(`PUT /people/${personId}: ${status}`);
    },
    async deletePerson(personId) {
      const { status } = await call('DELETE', `/people/${personId}`);
      if (status !== 200) throw new Error(`DELETE /people/${personId}: ${status}`);
    },
    async activityTexts(ref) {
      const texts: string[] = [];
      for (let page = 1; ; page += 1) {
        const { body } = await call('POST', '/activities/search', {
          parent: ref,
          page_size: 200,
          page_number: page,
        });
        const list = body as { details: string | null }[];
        texts.push(...list.map((a) => a.details ?? ''));
        if (list.length < 200) return texts;
      }
    },
    async tasksNamed(name) {
      // tasks/search documents no name filter: read the newest tasks and pick by name.
      const { body } = await call('POST', '/tasks/search', {
        page_size: 200,
        sort_by: 'date_created',
        sort_direction: 'desc',
      });
      const tasks = body as {
        name: string;
        status: string;
        priority: string;
        related_resource: { type: string; id: number } | null;
      }[];
      return tasks
        .filter((t) => t.name === name)
        .map((t) => ({
          completed: t.status === 'Completed',
          highPriority: t.priority === 'High',
          personId: t.related_resource?.type === 'person' ? t.related_resource.id : null,
        }));
    },
    async dealNamed(name) {
      const { body } = await call('POST', '/opportunities/search', { name });
      const deal = (
        body as {
          id: number;
          name: string;
          monetary_value: number | null;
          status: string;
          pipeline_stage_id: number;
          primary_contact_id: number | null;
        }[]
      ).find((d) => d.name === name);
      if (!deal) return null;
      const { body: pipelines } = await call('GET', '/pipelines');
      const stages = (pipelines as { stages: { id: number; name: string }[] }[]).flatMap((p) => p.stages);
      return {
        id: deal.id,
        value: deal.monetary_value,
        stageName: stages.find((s) => s.id === deal.pipeline_stage_id)?.name ?? null,
        won: deal.status === 'Won',
        primaryContactId: deal.primary_contact_id,
      };
    },
    async totals() {
      const total = async (path: string) => Number((await call('POST', path, { page_size: 1 })).total);
      return {
        people: await total('/people/search'),
        companies: await total('/companies/search'),
        leads: await total('/leads/search'),
        opportunities: await total('/opportunities/search'),
      };
    },
    callOf(request) {
      return `${request.method} ${new URL(request.url).pathname.replace('/developer_api/v1', '')}`;
    },
    mayCarry: {
      // lookups and "add to CRM" send the address; logging sends it in the From line
      address:
        /^(POST \/(people|leads|companies)\/search|POST \/(people|companies|leads)|POST \/activities)$/,
      // linking and logging (consented) send the subject
      subject: /^(POST \/activities|PUT \/activities\/\d+)$/,
      // only logging at content level "full" (consented) sends the body
      body: /^POST \/activities$/,
    },
    logCall: 'POST /activities',
    createPersonCall: 'POST /people',
    salesPipeline: 'Sales',
    isMarksSync: (r) => r.url.endsWith('/activities/search') && r.body.includes('minimum_activity_date'),
    isNoteWith: (r, text) => r.url.endsWith('/activities') && r.body.includes(text),
  };
  return probe;
}

// ---------------------------------------------------------------------------------------------
// HubSpot (`../shared/reference/hubspot-api.md`)

interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
}

interface HubSpotSearchPage {
  total: number;
  results: HubSpotObject[];
  paging?: { next?: { after: string } };
}

/** A request's path: the browser's network log has whole URLs, the server's request log paths. */
const pathOf = (request: SentRequest): string => new URL(request.url, 'http://server.invalid').pathname;

/**
 * A HubSpot note body as text: the body is HTML (reference: `hs_note_body` (HTML)), so a line break
 * may come back as `<br>` and paragraphs as `<p>`; entities are decoded.
 */
function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const HUBSPOT_TYPES: Record<ProbeRef['type'], string> = {
  person: 'contacts',
  company: 'companies',
  opportunity: 'deals',
};

export function hubspotProbe(api: ServerApi): CrmProbe {
  const call = (method: string, path: string, body?: unknown) => retrying(api, method, path, body);
  const search = async (type: string, body: Record<string, unknown>): Promise<HubSpotSearchPage> => {
    const { status, body: page } = await call('POST', `/crm/v3/objects/${type}/search`, body);
    if (status !== 200) throw new Error(`search ${type}: ${status} ${JSON.stringify(page)}`);
    return page as HubSpotSearchPage;
  };
  const eq = (propertyName: string, value: string) => ({
    filterGroups: [{ filters: [{ propertyName, operator: 'EQ', value }] }],
  });
  /** Ids of the `toType` records associated with one record (v4, every page). */
  const associated = async (fromType: string, id: number, toType: string): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const query = `limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const { status, body } = await call(
        'GET',
        `/crm/v4/objects/${fromType}/${id}/associations/${toType}?${query}`,
      );
      if (status !== 200) throw new Error(`associations ${fromType}→${toType}: ${status}`);
      const page = body as {
        results: { toObjectId: string | number }[];
        paging?: { next?: { after: string } };
      };
      ids.push(...page.results.map((r) => String(r.toObjectId)));
      after = page.paging?.next?.after;
      if (!after) return ids;
    }
  };
  const batchRead = async (type: string, ids: string[], properties: string[]): Promise<HubSpotObject[]> => {
    const out: HubSpotObject[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const { status, body } = await call('POST', `/crm/v3/objects/${type}/batch/read`, {
        properties,
        inputs: ids.slice(i, i + 100).map((id) => ({ id })),
      });
      if (status !== 200 && status !== 207) throw new Error(`batch read ${type}: ${status}`);
      out.push(...(body as { results: HubSpotObject[] }).results);
    }
    return out;
  };
  const fullName = (p: Record<string, string | null>) =>
    [p.firstname, p.lastname].filter((part): part is string => !!part).join(' ');

  const probe: CrmProbe = {
    kind: 'hubspot',
    async person(email) {
      const page = await search('contacts', {
        ...eq('email', email),
        properties: ['email', 'firstname', 'lastname', 'jobtitle', 'company'],
      });
      const found = page.results[0];
      if (!found) return null;
      // A contact's company is the company it is associated with (the `company` text property is
      // only what someone typed); the first association, if any, else that text.
      const [companyId] = await associated('contacts', Number(found.id), 'companies');
      const [company] = companyId ? await batchRead('companies', [companyId], ['name']) : [];
      return {
        id: Number(found.id),
        name: fullName(found.properties),
        title: found.properties.jobtitle || null,
        companyName: company?.properties.name || found.properties.company || null,
      };
    },
    async personIdOf(email) {
      const found = await probe.person(email);
      if (!found) throw new Error(`${email} is not in the CRM`);
      return found.id;
    },
    async companyByDomain(domain) {
      const page = await search('companies', { ...eq('domain', domain), properties: ['name', 'domain'] });
      if (page.results.length > 1) throw new Error(`${page.results.length} companies for ${domain}`);
      const found = page.results[0];
      return found ? { id: Number(found.id), name: found.properties.name ?? '' } : null;
    },
    async setTitle(personId, title) {
      const { status } = await call('PATCH', `/crm/v3/objects/contacts/${personId}`, {
        properties: { jobtitle: title },
      });
      if (status !== 200) throw new Error(`PATCH contact ${personId}: ${status}`);
    },
    async deletePerson(personId) {
      const { status } = await call('DELETE', `/crm/v3/objects/contacts/${personId}`);
      if (status !== 204 && status !== 200) throw new Error(`DELETE contact ${personId}: ${status}`);
    },
    async activityTexts(ref) {
      const from = HUBSPOT_TYPES[ref.type];
      const notes = await batchRead('notes', await associated(from, ref.id, 'notes'), ['hs_note_body']);
      const emails = await batchRead('emails', await associated(from, ref.id, 'emails'), [
        'hs_email_text',
        'hs_email_subject',
      ]);
      return [
        ...notes.map((n) => htmlToText(n.properties.hs_note_body ?? '')),
        ...emails.map((e) => e.properties.hs_email_text ?? ''),
      ];
    },
    async tasksNamed(name) {
      const page = await search('tasks', {
        ...eq('hs_task_subject', name),
        properties: ['hs_task_subject', 'hs_task_status', 'hs_task_priority'],
        limit: 200,
      });
      const tasks: ProbeTask[] = [];
      for (const task of page.results.filter((t) => t.properties.hs_task_subject === name)) {
        const people = await associated('tasks', Number(task.id), 'contacts');
        tasks.push({
          completed: task.properties.hs_task_status === 'COMPLETED',
          highPriority: task.properties.hs_task_priority === 'HIGH',
          personId: people[0] === undefined ? null : Number(people[0]),
        });
      }
      return tasks;
    },
    async dealNamed(name) {
      const page = await search('deals', {
        ...eq('dealname', name),
        properties: ['dealname', 'amount', 'dealstage', 'pipeline'],
      });
      const deal = page.results.find((d) => d.properties.dealname === name);
      if (!deal) return null;
      const { body } = await call('GET', '/crm/v3/pipelines/deals');
      const stages = (
        body as { results: { stages: { id: string; label: string; metadata: { probability?: string } }[] }[] }
      ).results.flatMap((p) => p.stages);
      const stage = stages.find((s) => s.id === deal.properties.dealstage);
      const contacts = await associated('deals', Number(deal.id), 'contacts');
      const amount = deal.properties.amount;
      return {
        id: Number(deal.id),
        value: amount ? Number(amount) : null,
        stageName: stage?.label ?? null,
        // A won stage is a closed stage of probability 1.0 (the reference: 0.0 lost – 1.0 won).
        won: stage?.metadata.probability !== undefined && Number(stage.metadata.probability) === 1,
        primaryContactId: contacts[0] === undefined ? null : Number(contacts[0]),
      };
    },
    async totals() {
      const total = async (type: string) => (await search(type, { limit: 1 })).total;
      return {
        people: await total('contacts'),
        companies: await total('companies'),
        // HubSpot has no lead object: every contact is a person (ADMIN.md, the HubSpot mapping).
        leads: 0,
        opportunities: await total('deals'),
      };
    },
    callOf(request) {
      return `${request.method} ${pathOf(request)}`;
    },
    mayCarry: {
      // lookups and "add to CRM" send the address; logging sends it in the e-mail's headers
      address:
        /^(POST \/crm\/v3\/objects\/(contacts|companies)\/(search|batch\/read)|POST \/crm\/v3\/objects\/(contacts|companies|emails)|GET \/crm\/v3\/objects\/contacts\/[^/]+)$/,
      // linking and logging (consented) send the subject
      subject: /^(POST \/crm\/v3\/objects\/(notes|emails)|PATCH \/crm\/v3\/objects\/(notes|emails)\/\d+)$/,
      // only logging at content level "full" (consented) sends the body
      body: /^POST \/crm\/v3\/objects\/emails$/,
    },
    logCall: 'POST /crm/v3/objects/emails',
    createPersonCall: 'POST /crm/v3/objects/contacts',
    salesPipeline: 'Sales Pipeline',
    isMarksSync: (r) =>
      /\/crm\/v3\/objects\/(notes|emails)\/search$/.test(pathOf(r)) && r.body.includes('hs_timestamp'),
    isNoteWith: (r, text) => pathOf(r) === '/crm/v3/objects/notes' && r.body.includes(text),
  };
  return probe;
}

export function crmProbe(kind: ServerApiKind, api: ServerApi): CrmProbe {
  return kind === 'hubspot' ? hubspotProbe(api) : copperProbe(api);
}
