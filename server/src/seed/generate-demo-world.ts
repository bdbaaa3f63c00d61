// The English locale's own entry: the package's main entry loads every locale, about 0.2 s of each
// server start here (npm start, and every browser test's CRM).
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import type { DateOrder } from '../route-context';
import { formatCloseDate } from '../routes/close-date';
import { newApiKey } from '../security/secrets';

/** Seeded records use dates up to this instant (2026-09-21), so the same seed gives the same data. */
export const SEED_NOW = 1_790_000_000;

export interface CrmUserRow {
  id: number;
  name: string;
  email: string;
}

/** A user and their API key in plain text: known only when the key is issued (the database keeps its hash). */
export interface DemoUser extends CrmUserRow {
  apiKey: string;
}

export const DEMO_ACCOUNT = { id: 1, name: 'Threadline Demo Co.', domain: 'threadline-demo.test' };
export const PIPELINES = [
  {
    id: 213214,
    name: 'Sales',
    stages: [
      { id: 987790, name: 'Qualified', win_probability: 5 },
      { id: 987791, name: 'Meeting Scheduled', win_probability: 20 },
      { id: 987792, name: 'Proposal', win_probability: 50 },
      { id: 987793, name: 'Negotiation', win_probability: 75 },
      { id: 987794, name: 'Closing', win_probability: 90 },
    ],
  },
  {
    id: 213215,
    name: 'Renewals',
    stages: [
      { id: 987800, name: 'Upcoming', win_probability: 50 },
      { id: 987801, name: 'In Discussion', win_probability: 70 },
      { id: 987802, name: 'Committed', win_probability: 95 },
    ],
  },
] as const;
export const ACTIVITY_TYPES = {
  note: 0,
  phoneCall: 190711,
  meeting: 190712,
  email: 190713,
  /** Disabled. */
  retiredEmail: 190700,
  propertyChanged: 1,
  stageChanged: 3,
} as const;

export type DemoPipeline = (typeof PIPELINES)[number];
type Address = { street: string; city: string; state: string; postal_code: string; country: string };
type Labelled = { category: string };

export interface DemoCompany {
  id: number;
  name: string;
  address: Address;
  assignee_id: number | null;
  contact_type_id: null;
  details: string;
  email_domain: string;
  phone_numbers: ({ number: string } & Labelled)[];
  socials: never[];
  tags: string[];
  websites: ({ url: string } & Labelled)[];
  custom_fields: never[];
  interaction_count: number;
  date_created: number;
  date_modified: number;
}

export interface DemoPerson {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  prefix: null;
  middle_name: null;
  suffix: null;
  address: Address | null;
  assignee_id: number | null;
  company_id: number | null;
  company_name: string | null;
  contact_type_id: null;
  details: null;
  emails: ({ email: string } & Labelled)[];
  phone_numbers: ({ number: string } & Labelled)[];
  socials: never[];
  tags: string[];
  title: string;
  websites: never[];
  custom_fields: never[];
  date_created: number;
  date_modified: number;
  date_last_contacted: number | null;
  interaction_count: number;
  leads_converted_from: never[];
  date_lead_created: null;
}

export interface DemoLead {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  assignee_id: number;
  company_name: string;
  email: { email: string } & Labelled;
  monetary_value: number;
  phone_numbers: ({ number: string } & Labelled)[];
  status: 'New' | 'Unqualified' | 'Contacted' | 'Qualified';
  title: string;
  date_created: number;
  date_modified: number;
  [more: string]: unknown;
}

export type OpportunityStatus = 'Open' | 'Won' | 'Lost' | 'Abandoned';

export interface DemoOpportunity {
  id: number;
  name: string;
  assignee_id: number;
  close_date: string;
  company_id: number | null;
  company_name: string | null;
  pipeline_id: number;
  pipeline_stage_id: number;
  primary_contact_id: number | null;
  status: OpportunityStatus;
  monetary_value: number;
  win_probability: number;
  date_created: number;
  date_modified: number;
  [more: string]: unknown;
}

export interface DemoActivity {
  id: number;
  parent: { type: string; id: number };
  type: { id: number; category: string };
  user_id: number;
  details: string;
  activity_date: number;
  date_created: number;
  date_modified: number;
  [more: string]: unknown;
}

export interface DemoTask {
  id: number;
  name: string;
  related_resource: { type: string; id: number };
  assignee_id: number;
  due_date: number;
  completed_date: number | null;
  priority: string;
  status: 'Open' | 'Completed';
  date_created: number;
  date_modified: number;
  [more: string]: unknown;
}

/**
 * The demo world both personalities seed from (issue 16): the same users, companies, people, leads,
 * deals, activities and tasks for the same seed. Copper's seed writes these records as they are;
 * the HubSpot seed maps them to HubSpot objects. Every faker call happens here, in one fixed order,
 * so the Copper seed's output did not change when it was split out of seed-demo-data.ts.
 */
export interface DemoWorld {
  users: DemoUser[];
  companies: DemoCompany[];
  people: DemoPerson[];
  leads: DemoLead[];
  /** With the close date as Unix seconds too (`close_date` is the account's date-order string). */
  opportunities: { record: DemoOpportunity; closeDate: number }[];
  activities: DemoActivity[];
  tasks: DemoTask[];
}

const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 40) || 'company';

const local = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase() || 'x';

/**
 * Deterministic, realistic demo data: the demo users, the fixed records the Gmail double's threads
 * talk about, then `people` generated people with companies, leads, opportunities, activities and
 * tasks. Only the users' API keys are not deterministic: they are random.
 */
export function generateDemoWorld(options: {
  people: number;
  seed: number;
  dateOrder: DateOrder;
}): DemoWorld {
  const { dateOrder } = options;
  // One shared instance, seeded here: generation is synchronous, so no other call runs in between.
  const faker = englishFaker;
  faker.seed(options.seed);
  const users: DemoUser[] = [
    { id: 1, name: 'Sam Seller', email: `sam.seller@${DEMO_ACCOUNT.domain}`, apiKey: '' },
    { id: 2, name: 'Tara Teammate', email: `tara@${DEMO_ACCOUNT.domain}`, apiKey: '' },
    { id: 3, name: 'Omar Owner', email: `omar@${DEMO_ACCOUNT.domain}`, apiKey: '' },
  ].map((u) => ({ ...u, apiKey: newApiKey() }));

  const dates = () => {
    const created = SEED_NOW - faker.number.int({ min: 30 * 86_400, max: 730 * 86_400 });
    return { created, modified: faker.number.int({ min: created, max: SEED_NOW }) };
  };

  // --- companies ---------------------------------------------------------------------------
  const domains = new Set<string>();
  const companies: DemoCompany[] = [];
  const addCompany = (name: string, domain: string, created: number, modified: number) => {
    const id = companies.length + 1;
    domains.add(domain);
    companies.push({
      id,
      name,
      address: {
        street: faker.location.streetAddress(),
        city: faker.location.city(),
        state: faker.location.state({ abbreviated: true }),
        postal_code: faker.location.zipCode(),
        country: 'US',
      },
      assignee_id: faker.helpers.arrayElement([1, 2, 3, null]),
      contact_type_id: null,
      details: faker.company.catchPhrase(),
      email_domain: domain,
      phone_numbers: [{ number: faker.phone.number({ style: 'national' }), category: 'work' }],
      socials: [],
      tags: faker.helpers.arrayElements(['customer', 'prospect', 'partner', 'enterprise', 'smb'], {
        min: 0,
        max: 2,
      }),
      websites: [{ url: `https://www.${domain}`, category: 'work' }],
      custom_fields: [],
      interaction_count: faker.number.int({ max: 40 }),
      date_created: created,
      date_modified: modified,
    });
    return id;
  };
  const acme = addCompany('Acme Corporation', 'acme.test', SEED_NOW - 400 * 86_400, SEED_NOW - 10 * 86_400);
  const globex = addCompany('Globex', 'globex.test', SEED_NOW - 300 * 86_400, SEED_NOW - 20 * 86_400);
  const companyCount = Math.max(5, Math.ceil(options.people / 8));
  for (let i = companies.length; i < companyCount; i += 1) {
    const name = faker.company.name();
    let domain = `${slug(name)}.com`;
    if (domains.has(domain)) domain = `${slug(name)}-${i}.com`;
    const d = dates();
    addCompany(name, domain, d.created, d.modified);
  }

  // --- people ------------------------------------------------------------------------------
  const emails = new Set<string>();
  const people: DemoPerson[] = [];
  const peopleIds: number[] = [];
  const addPerson = (p: {
    first: string;
    last: string;
    title: string;
    company: DemoCompany | null;
    emails: { email: string; category: string }[];
    created: number;
    modified: number;
    tags: string[];
  }) => {
    const personId = people.length + 1;
    const phones = [{ number: faker.phone.number({ style: 'national' }), category: 'work' }];
    if (faker.datatype.boolean(0.4))
      phones.push({ number: faker.phone.number({ style: 'national' }), category: 'mobile' });
    people.push({
      id: personId,
      name: `${p.first} ${p.last}`,
      first_name: p.first,
      last_name: p.last,
      prefix: null,
      middle_name: null,
      suffix: null,
      address: faker.datatype.boolean(0.7)
        ? {
            street: faker.location.streetAddress(),
            city: faker.location.city(),
            state: faker.location.state({ abbreviated: true }),
            postal_code: faker.location.zipCode(),
            country: 'US',
          }
        : null,
      assignee_id: faker.helpers.arrayElement([1, 1, 2, 3, null]),
      company_id: p.company?.id ?? null,
      company_name: p.company?.name ?? null,
      contact_type_id: null,
      details: null,
      emails: p.emails,
      phone_numbers: phones,
      socials: [],
      tags: p.tags,
      title: p.title,
      websites: [],
      custom_fields: [],
      date_created: p.created,
      date_modified: p.modified,
      date_last_contacted: faker.datatype.boolean(0.6)
        ? faker.number.int({ min: p.created, max: SEED_NOW })
        : null,
      interaction_count: faker.number.int({ max: 60 }),
      leads_converted_from: [],
      date_lead_created: null,
    });
    for (const e of p.emails) emails.add(e.email.toLowerCase());
    peopleIds.push(personId);
    return personId;
  };
  const fixed = (first: string, last: string, title: string, company: DemoCompany, email: string) =>
    addPerson({
      first,
      last,
      title,
      company,
      emails: [{ email, category: 'work' }],
      created: SEED_NOW - 200 * 86_400,
      modified: SEED_NOW - 5 * 86_400,
      tags: ['demo'],
    });
  const acmeCompany = companies[acme - 1] as DemoCompany;
  const globexCompany = companies[globex - 1] as DemoCompany;
  const alice = fixed('Alice', 'Doe', 'VP Operations', acmeCompany, 'alice.doe@acme.test');
  const bob = fixed('Bob', 'Buyer', 'Procurement Lead', acmeCompany, 'bob@acme.test');
  const carol = fixed('Carol', 'Chen', 'Head of Partnerships', globexCompany, 'carol.chen@globex.test');
  for (let i = peopleIds.length; i < options.people; i += 1) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const company = faker.datatype.boolean(0.85) ? faker.helpers.arrayElement(companies) : null;
    const domain =
      company?.email_domain ??
      faker.helpers.arrayElement(['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me']);
    let email = `${local(first)}.${local(last)}@${domain}`;
    if (emails.has(email)) email = `${local(first)}.${local(last)}${i}@${domain}`;
    const list = [{ email, category: company ? 'work' : 'personal' }];
    if (company && faker.datatype.boolean(0.3)) {
      list.push({
        email: `${local(first)}${local(last)}${i}@${faker.helpers.arrayElement(['gmail.com', 'outlook.com'])}`,
        category: 'personal',
      });
    }
    const d = dates();
    addPerson({
      first,
      last,
      title: faker.person.jobTitle(),
      company,
      emails: list,
      created: d.created,
      modified: d.modified,
      tags: faker.helpers.arrayElements(['decision-maker', 'champion', 'technical', 'newsletter', 'vip'], {
        min: 0,
        max: 2,
      }),
    });
  }

  // --- leads -------------------------------------------------------------------------------
  const leads: DemoLead[] = [];
  const leadCount = Math.ceil(options.people / 10);
  for (let id = 1; id <= leadCount; id += 1) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const email = `${local(first)}.${local(last)}.lead${id}@${faker.internet.domainName()}`;
    const status = faker.helpers.arrayElement(['New', 'Unqualified', 'Contacted', 'Qualified'] as const);
    const d = dates();
    leads.push({
      id,
      name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      prefix: null,
      middle_name: null,
      suffix: null,
      address: null,
      assignee_id: faker.helpers.arrayElement([1, 2, 3]),
      company_name: faker.company.name(),
      customer_source_id: null,
      details: null,
      email: { email, category: 'work' },
      monetary_value: faker.number.int({ min: 1, max: 100 }) * 500,
      phone_numbers: [{ number: faker.phone.number({ style: 'national' }), category: 'work' }],
      socials: [],
      status,
      status_id: ['New', 'Unqualified', 'Contacted', 'Qualified'].indexOf(status) + 1,
      tags: [],
      title: faker.person.jobTitle(),
      websites: [],
      custom_fields: [],
      interaction_count: 0,
      date_created: d.created,
      date_modified: d.modified,
      date_last_contacted: null,
    });
  }

  // --- opportunities -------------------------------------------------------------------------
  const opportunities: DemoWorld['opportunities'] = [];
  const addOpportunity = (o: {
    name: string;
    pipeline: DemoPipeline;
    stageIndex: number;
    status: OpportunityStatus;
    companyId: number | null;
    companyName: string | null;
    contactId: number | null;
    value: number;
    created: number;
    modified: number;
  }) => {
    const opportunityId = opportunities.length + 1;
    const stage = o.pipeline.stages[o.stageIndex] ?? o.pipeline.stages[0];
    const assignee = faker.helpers.arrayElement([1, 2, 3]);
    const closeDate = SEED_NOW + faker.number.int({ min: -60, max: 180 }) * 86_400;
    opportunities.push({
      closeDate,
      record: {
        id: opportunityId,
        name: o.name,
        assignee_id: assignee,
        close_date: formatCloseDate(closeDate, dateOrder),
        company_id: o.companyId,
        company_name: o.companyName,
        customer_source_id: null,
        details: null,
        loss_reason_id: null,
        pipeline_id: o.pipeline.id,
        pipeline_stage_id: stage.id,
        primary_contact_id: o.contactId,
        priority: faker.helpers.arrayElement(['None', 'Low', 'Medium', 'High']),
        status: o.status,
        tags: [],
        interaction_count: faker.number.int({ max: 30 }),
        monetary_value: o.value,
        win_probability: stage.win_probability,
        custom_fields: [],
        date_created: o.created,
        date_modified: o.modified,
        date_stage_changed: o.modified,
        date_last_contacted: null,
      },
    });
  };
  const sales = PIPELINES[0];
  addOpportunity({
    name: 'Acme — 40 seats',
    pipeline: sales,
    stageIndex: 2,
    status: 'Open',
    companyId: acme,
    companyName: 'Acme Corporation',
    contactId: alice,
    value: 48_000,
    created: SEED_NOW - 30 * 86_400,
    modified: SEED_NOW - 2 * 86_400,
  });
  const opportunityCount = Math.ceil(options.people / 5);
  while (opportunities.length < opportunityCount) {
    const contact = faker.helpers.arrayElement(peopleIds);
    const pipeline = faker.helpers.arrayElement(PIPELINES);
    const company = faker.helpers.arrayElement(companies);
    const d = dates();
    addOpportunity({
      name: `${company.name} — ${faker.commerce.productName()}`,
      pipeline,
      stageIndex: faker.number.int({ max: pipeline.stages.length - 1 }),
      status: faker.helpers.weightedArrayElement([
        { weight: 6, value: 'Open' as const },
        { weight: 2, value: 'Won' as const },
        { weight: 1, value: 'Lost' as const },
        { weight: 1, value: 'Abandoned' as const },
      ]),
      companyId: company.id,
      companyName: company.name,
      contactId: contact,
      value: faker.number.int({ min: 2, max: 400 }) * 250,
      created: d.created,
      modified: d.modified,
    });
  }

  // --- activities and tasks ----------------------------------------------------------------
  const activities: DemoActivity[] = [];
  const addActivity = (
    parent: { type: string; id: number },
    typeId: number,
    details: string,
    when: number,
  ) => {
    activities.push({
      id: activities.length + 1,
      parent,
      type: { id: typeId, category: 'user' },
      user_id: faker.helpers.arrayElement([1, 2, 3]),
      details,
      activity_date: when,
      old_value: null,
      new_value: null,
      date_created: when,
      date_modified: when,
    });
  };
  addActivity(
    { type: 'person', id: alice },
    ACTIVITY_TYPES.note,
    'Prefers email; budget approved for Q3.',
    SEED_NOW - 3 * 86_400,
  );
  addActivity(
    { type: 'person', id: alice },
    ACTIVITY_TYPES.phoneCall,
    'Intro call: 40 seats, rollout in Q3.',
    SEED_NOW - 9 * 86_400,
  );
  addActivity(
    { type: 'person', id: bob },
    ACTIVITY_TYPES.meeting,
    'Procurement review.',
    SEED_NOW - 6 * 86_400,
  );
  addActivity(
    { type: 'person', id: carol },
    ACTIVITY_TYPES.note,
    'Met at the partner summit.',
    SEED_NOW - 15 * 86_400,
  );
  const activityCount = Math.ceil(options.people / 2);
  const types = [ACTIVITY_TYPES.note, ACTIVITY_TYPES.phoneCall, ACTIVITY_TYPES.meeting, ACTIVITY_TYPES.email];
  while (activities.length < activityCount) {
    const when = SEED_NOW - faker.number.int({ max: 365 * 86_400 });
    addActivity(
      { type: 'person', id: faker.helpers.arrayElement(peopleIds) },
      faker.helpers.arrayElement(types),
      faker.lorem.sentence(),
      when,
    );
  }

  const tasks: DemoTask[] = [];
  const taskCount = Math.ceil(options.people / 10);
  for (let id = 1; id <= taskCount; id += 1) {
    const related = { type: 'person', id: id === 1 ? alice : faker.helpers.arrayElement(peopleIds) };
    const status = faker.helpers.arrayElement(['Open', 'Open', 'Completed'] as const);
    const d = dates();
    const due = SEED_NOW + faker.number.int({ min: -20, max: 40 }) * 86_400;
    tasks.push({
      id,
      name:
        id === 1
          ? 'Send Acme the revised proposal'
          : `${faker.hacker.verb()} ${faker.hacker.noun()}`.replace(/^./, (c) => c.toUpperCase()),
      related_resource: related,
      assignee_id: faker.helpers.arrayElement([1, 2, 3]),
      due_date: due,
      reminder_date: null,
      completed_date: status === 'Completed' ? d.modified : null,
      priority: faker.helpers.arrayElement(['None', 'High']),
      status,
      details: null,
      tags: [],
      custom_fields: [],
      date_created: d.created,
      date_modified: d.modified,
    });
  }

  return { users, companies, people, leads, opportunities, activities, tasks };
}
