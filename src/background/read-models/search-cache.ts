import { accountKeyRange } from '../../db/key-prefix';
import type { ThreadlineDb } from '../../db/threadline-db';
import type { SearchResult } from '../../shared/protocol';

const PER_KIND = 8;

/**
 * Search-as-you-type over the cache: people, leads, companies and deals whose name, any word of it,
 * an e-mail address or a domain starts with the query. Never asks the CRM. Addresses are found
 * through the same address indexes the cards use (record-rows.ts keeps them out of searchKeys).
 */
export async function searchCache(db: ThreadlineDb, account: string, query: string): Promise<SearchResult[]> {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const [lower, upper] = accountKeyRange(account, q);
  const limit = PER_KIND * 4;
  // Keys start with the account's tag; the row's own account is checked too (key-prefix.ts).
  const unique = <T extends { id: number; account: string }>(rows: T[]): T[] => {
    const seen = new Set<number>();
    return rows
      .filter((r) => r.account === account && !seen.has(r.id) && seen.add(r.id) !== undefined)
      .slice(0, PER_KIND);
  };
  const [byName, byAddress, leadsByName, leadsByAddress, companies, deals] = await Promise.all([
    db.people.where('searchKeys').between(lower, upper, true, true).limit(limit).toArray(),
    db.people.where('emailKeys').between(lower, upper, true, true).limit(limit).toArray(),
    db.leads.where('searchKeys').between(lower, upper, true, true).limit(limit).toArray(),
    db.leads.where('emailKey').between(lower, upper, true, true).limit(limit).toArray(),
    db.companies.where('searchKeys').between(lower, upper, true, true).limit(limit).toArray(),
    db.opportunities.where('searchKeys').between(lower, upper, true, true).limit(limit).toArray(),
  ]);
  const people = [...byName, ...byAddress];
  const leads = [...leadsByName, ...leadsByAddress];
  return [
    ...unique(people).map((p) => ({
      kind: 'person' as const,
      id: p.id,
      title: p.name,
      subtitle: [p.title, p.companyName, p.emails[0]?.value].filter(Boolean).join(' · '),
    })),
    ...unique(companies).map((c) => ({
      kind: 'company' as const,
      id: c.id,
      title: c.name,
      subtitle: c.domain ?? '',
    })),
    ...unique(deals).map((d) => ({
      kind: 'opportunity' as const,
      id: d.id,
      title: d.name,
      subtitle: `${d.status}${d.value !== null ? ` · ${d.value}` : ''}`,
    })),
    ...unique(leads).map((l) => ({
      kind: 'lead' as const,
      id: l.id,
      title: l.name,
      subtitle: ['Lead', l.email].filter(Boolean).join(' · '),
    })),
  ];
}
