import type { Activity, Company, CrmUser, Lead, Opportunity, Person, Pipeline } from '../../shared/crm-model';

export interface ConnectionCheck {
  accountName: string;
  user: CrmUser;
}

export interface PageQuery {
  /** From 1. */
  page: number;
  pageSize: number;
  /** Only records modified at or after / at or before these (unix seconds). */
  modifiedFrom?: number;
  modifiedTo?: number;
}

export interface Page<T> {
  records: T[];
  /** The CRM's count of all matches, when it says. */
  total: number | null;
}

export interface NewPerson {
  name: string;
  email: string;
  companyId: number | null;
  title?: string | null;
}

export interface PersonPatch {
  title?: string | null;
  phones?: { value: string; category: string }[];
  tags?: string[];
}

/**
 * The one interface the worker sees of a CRM (ARCHITECTURE.md). Another CRM is one new adapter
 * implementing this, not changes across the worker. Every answer is validated by the adapter.
 */
export interface CrmClient {
  checkConnection(): Promise<ConnectionCheck>;
  listUsers(): Promise<CrmUser[]>;
  listPipelines(): Promise<Pipeline[]>;
  pagePeople(query: PageQuery): Promise<Page<Person>>;
  pageCompanies(query: PageQuery): Promise<Page<Company>>;
  pageLeads(query: PageQuery): Promise<Page<Lead>>;
  pageOpportunities(query: PageQuery): Promise<Page<Opportunity>>;
  /** One request for every address (the thread's cache misses). */
  searchPeopleByEmails(addresses: readonly string[]): Promise<Person[]>;
  recentActivities(
    parent: { type: 'person' | 'lead' | 'company'; id: number },
    limit: number,
  ): Promise<Activity[]>;
  findPersonByEmail(address: string): Promise<Person | null>;
  findLeadByEmail(address: string): Promise<Lead | null>;
  findCompanyByDomain(domain: string): Promise<Company | null>;
  createCompany(input: { name: string; domain: string }): Promise<Company>;
  createPerson(input: NewPerson): Promise<Person>;
  createLead(input: { name: string; email: string; companyName: string | null }): Promise<Lead>;
  updatePerson(id: number, patch: PersonPatch): Promise<Person>;
}
