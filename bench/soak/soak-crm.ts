/**
 * What the soak reads from the CRM server (its Copper personality) before and after the run: the
 * records it writes to, and how many times each requested write is there. Read as any API client
 * would, with injected faults retried; the soak turns the faults off before it counts.
 */
import type { ProbeRef } from '../../test/e2e/crm-probe';
import type { CrmProcess } from '../../test/e2e/crm-process';

type Answer = Awaited<ReturnType<CrmProcess['api']>>;

async function call(crm: CrmProcess, method: string, path: string, body?: unknown): Promise<Answer> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await crm.api(method, path, body).catch(() => null);
    if (answer && answer.status < 500 && answer.status !== 429) {
      if (answer.status >= 400)
        throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer;
    }
    if (attempt > 50) throw new Error(`${method} ${path} kept failing`);
  }
}

/** Every page of a Copper search (page_size 200), in the server's stable order. */
async function searchAll<T>(crm: CrmProcess, path: string, body: Record<string, unknown>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page += 1) {
    const { body: list } = await call(crm, 'POST', path, { ...body, page_size: 200, page_number: page });
    out.push(...(list as T[]));
    if ((list as T[]).length < 200) return out;
  }
}

export interface SoakDeal {
  id: number;
  stageId: number;
  /** The other stages of its pipeline (a stage change picks one). */
  otherStages: number[];
}

export interface SoakTargets {
  /** Records that links, logs and notes go to. */
  records: ProbeRef[];
  /** People that tasks are about. */
  people: number[];
  /** Open deals, each changed once (so each stage change can be checked on its own). */
  deals: SoakDeal[];
}

/** Picks the records the soak writes to: seeded people, companies and open deals. */
export async function readTargets(crm: CrmProcess, deals: number): Promise<SoakTargets> {
  const people = (
    (await call(crm, 'POST', '/people/search', { page_size: 200, sort_by: 'name' })).body as { id: number }[]
  ).map((p) => p.id);
  const companies = (
    (await call(crm, 'POST', '/companies/search', { page_size: 40 })).body as { id: number }[]
  ).map((c) => c.id);
  const pipelines = (await call(crm, 'GET', '/pipelines')).body as { id: number; stages: { id: number }[] }[];
  const stagesOf = new Map(pipelines.map((p) => [p.id, p.stages.map((s) => s.id)]));
  const open = (
    await searchAll<{ id: number; status: string; pipeline_id: number; pipeline_stage_id: number }>(
      crm,
      '/opportunities/search',
      { sort_by: 'name' },
    )
  ).filter((d) => d.status === 'Open');
  const changeable = open
    .map((d) => ({
      id: d.id,
      stageId: d.pipeline_stage_id,
      otherStages: (stagesOf.get(d.pipeline_id) ?? []).filter((s) => s !== d.pipeline_stage_id),
    }))
    .filter((d) => d.otherStages.length > 0);
  if (changeable.length < deals + 20)
    throw new Error(`the CRM has ${changeable.length} open deals; the soak needs ${deals + 20}`);
  // The first 20 deals take notes, links and logs; the rest are changed once each.
  const noteDeals = changeable.slice(0, 20).map((d) => ({ type: 'opportunity' as const, id: d.id }));
  return {
    records: [
      ...people.slice(0, 60).map((id) => ({ type: 'person' as const, id })),
      ...companies.slice(0, 20).map((id) => ({ type: 'company' as const, id })),
      ...noteDeals,
    ],
    people: people.slice(60, 160),
    deals: changeable.slice(20, 20 + deals),
  };
}

/** How many times each address is on a person in the CRM. */
export async function countPeople(crm: CrmProcess, addresses: string[]): Promise<Map<string, number>> {
  const counts = new Map(addresses.map((a) => [a, 0]));
  for (let i = 0; i < addresses.length; i += 200) {
    const found = await searchAll<{ emails: { email: string }[] }>(crm, '/people/search', {
      emails: addresses.slice(i, i + 200),
    });
    for (const person of found)
      for (const { email } of person.emails) {
        const seen = counts.get(email.toLowerCase());
        if (seen !== undefined) counts.set(email.toLowerCase(), seen + 1);
      }
  }
  return counts;
}

/** How many companies each e-mail domain has. */
export async function countCompanies(crm: CrmProcess, domains: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const domain of domains) {
    const found = await searchAll<{ email_domain: string }>(crm, '/companies/search', {
      email_domains: domain,
    });
    counts.set(domain, found.filter((c) => c.email_domain === domain).length);
  }
  return counts;
}

/** How many tasks carry each name. */
export async function countTasks(crm: CrmProcess, names: string[]): Promise<Map<string, number>> {
  const counts = new Map(names.map((n) => [n, 0]));
  for (const task of await searchAll<{ name: string }>(crm, '/tasks/search', { sort_by: 'name' })) {
    const seen = counts.get(task.name);
    if (seen !== undefined) counts.set(task.name, seen + 1);
  }
  return counts;
}

/** Each deal's stage now. */
export async function dealStages(crm: CrmProcess, ids: number[]): Promise<Map<number, number>> {
  const stages = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 200) {
    const found = await searchAll<{ id: number; pipeline_stage_id: number }>(crm, '/opportunities/search', {
      ids: ids.slice(i, i + 200),
    });
    for (const deal of found) stages.set(deal.id, deal.pipeline_stage_id);
  }
  return stages;
}

export interface ServerStats {
  requests: number;
  rateLimited: number;
}

export async function serverStats(crm: CrmProcess): Promise<ServerStats> {
  const response = await fetch(`${crm.origin}/__admin/stats`, {
    headers: { 'X-Admin-Token': crm.adminToken },
  });
  return (await response.json()) as ServerStats;
}
