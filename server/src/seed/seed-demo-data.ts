import { en, Faker } from '@faker-js/faker';
import type { Db } from '../db/open-database';
import type { DateOrder } from '../route-context';
import { formatCloseDate, saveDateOrder } from '../routes/close-date';
import { hashSecret, newApiKey } from '../security/secrets';

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

export interface SeedSummary {
  /** The users with their new keys: the only time the plain keys are known. */
  users: DemoUser[];
  counts: Record<string, number>;
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
 * Fills an empty database with deterministic, realistic demo data: the demo account and its users,
 * pipelines, activity types, custom fields, the fixed records the Gmail double's threads talk
 * about, then `people` generated people with companies, leads, opportunities, activities and tasks.
 * Only the users' API keys are not deterministic: they are random, and stored hashed.
 */
export function seedDemoData(
  db: Db,
  options: { people: number; seed?: number; dateOrder?: DateOrder },
): SeedSummary {
  const seed = options.seed ?? 42;
  const dateOrder = options.dateOrder ?? 'MM/DD';
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const counts: Record<string, number> = {};
  const users: DemoUser[] = [
    { id: 1, name: 'Sam Seller', email: `sam.seller@${DEMO_ACCOUNT.domain}`, apiKey: '' },
    { id: 2, name: 'Tara Teammate', email: `tara@${DEMO_ACCOUNT.domain}`, apiKey: '' },
    { id: 3, name: 'Omar Owner', email: `omar@${DEMO_ACCOUNT.domain}`, apiKey: '' },
  ].map((u) => ({ ...u, apiKey: newApiKey() }));

  const insertPerson = db.prepare(
    'INSERT INTO people (id, name, company_id, phones, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEmail = db.prepare('INSERT INTO person_emails (email, person_id) VALUES (?, ?)');
  const insertCompany = db.prepare(
    'INSERT INTO companies (id, name, email_domain, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertLead = db.prepare(
    'INSERT INTO leads (id, name, email, status, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertOpportunity = db.prepare(
    `INSERT INTO opportunities (id, name, pipeline_id, pipeline_stage_id, status, company_id, primary_contact_id,
      monetary_value, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertActivity = db.prepare(
    `INSERT INTO activities (id, parent_type, parent_id, type_category, type_id, activity_date, date_created,
      date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, name, related_type, related_id, status, due_date, date_created, date_modified, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const dates = () => {
    const created = SEED_NOW - faker.number.int({ min: 30 * 86_400, max: 730 * 86_400 });
    return { created, modified: faker.number.int({ min: created, max: SEED_NOW }) };
  };

  db.transaction(() => {
    db.prepare('INSERT INTO account (id, name) VALUES (?, ?)').run(DEMO_ACCOUNT.id, DEMO_ACCOUNT.name);
    const insertUser = db.prepare('INSERT INTO users (id, name, email, api_key_hash) VALUES (?, ?, ?, ?)');
    for (const u of users) insertUser.run(u.id, u.name, u.email, hashSecret(u.apiKey));
    for (const p of PIPELINES) {
      db.prepare('INSERT INTO pipelines (id, name) VALUES (?, ?)').run(p.id, p.name);
      p.stages.forEach((s, i) => {
        db.prepare(
          'INSERT INTO pipeline_stages (id, pipeline_id, name, win_probability, position) VALUES (?, ?, ?, ?, ?)',
        ).run(s.id, p.id, s.name, s.win_probability, i);
      });
    }
    const insertType = db.prepare(
      'INSERT INTO activity_types (id, category, name, is_disabled, count_as_interaction) VALUES (?, ?, ?, 0, ?)',
    );
    insertType.run(ACTIVITY_TYPES.note, 'user', 'Note', 0);
    insertType.run(ACTIVITY_TYPES.phoneCall, 'user', 'Phone Call', 1);
    insertType.run(ACTIVITY_TYPES.meeting, 'user', 'Meeting', 1);
    // An "Email" type an admin retired (disabled) before making the current one: Copper refuses
    // activities of a disabled type, so a client must look at is_disabled, not only the name.
    db.prepare(
      'INSERT INTO activity_types (id, category, name, is_disabled, count_as_interaction) VALUES (?, ?, ?, 1, 1)',
    ).run(ACTIVITY_TYPES.retiredEmail, 'user', 'Email');
    insertType.run(ACTIVITY_TYPES.email, 'user', 'Email', 1);
    insertType.run(ACTIVITY_TYPES.propertyChanged, 'system', 'Property Changed', 0);
    insertType.run(ACTIVITY_TYPES.stageChanged, 'system', 'Pipeline Stage Changed', 0);
    const fields = [
      {
        id: 6,
        name: 'Contract Start',
        canonical_name: null,
        data_type: 'Date',
        available_on: ['person', 'opportunity'],
      },
      {
        id: 7,
        name: 'Region',
        canonical_name: null,
        data_type: 'Dropdown',
        available_on: ['company', 'person'],
        options: [
          { id: 71, name: 'EMEA', rank: 0 },
          { id: 72, name: 'Americas', rank: 1 },
          { id: 73, name: 'APAC', rank: 2 },
        ],
      },
      { id: 8, name: 'LinkedIn', canonical_name: null, data_type: 'URL', available_on: ['person', 'lead'] },
    ];
    for (const f of fields)
      db.prepare('INSERT INTO custom_field_definitions (id, data) VALUES (?, ?)').run(
        f.id,
        JSON.stringify(f),
      );

    // --- companies ---------------------------------------------------------------------------
    const domains = new Set<string>();
    const companies: { id: number; name: string; domain: string }[] = [];
    const addCompany = (name: string, domain: string, created: number, modified: number) => {
      const id = companies.length + 1;
      domains.add(domain);
      const record = {
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
      };
      insertCompany.run(id, name, domain, created, modified, JSON.stringify(record));
      companies.push({ id, name, domain });
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
    counts.companies = companies.length;

    // --- people ------------------------------------------------------------------------------
    const emails = new Set<string>();
    let personId = 0;
    const peopleIds: number[] = [];
    const addPerson = (p: {
      first: string;
      last: string;
      title: string;
      company: { id: number; name: string; domain: string } | null;
      emails: { email: string; category: string }[];
      created: number;
      modified: number;
      tags: string[];
    }) => {
      personId += 1;
      const phones = [{ number: faker.phone.number({ style: 'national' }), category: 'work' }];
      if (faker.datatype.boolean(0.4))
        phones.push({ number: faker.phone.number({ style: 'national' }), category: 'mobile' });
      const record = {
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
      };
      insertPerson.run(
        personId,
        record.name,
        record.company_id,
        phones.map((x) => x.number.replace(/\D/g, '')).join(' '),
        p.created,
        p.modified,
        JSON.stringify(record),
      );
      for (const e of p.emails) {
        insertEmail.run(e.email, personId);
        emails.add(e.email.toLowerCase());
      }
      peopleIds.push(personId);
      return personId;
    };
    const fixed = (
      first: string,
      last: string,
      title: string,
      company: (typeof companies)[number],
      email: string,
    ) =>
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
    const acmeCompany = companies[acme - 1] as (typeof companies)[number];
    const globexCompany = companies[globex - 1] as (typeof companies)[number];
    const alice = fixed('Alice', 'Doe', 'VP Operations', acmeCompany, 'alice.doe@acme.test');
    const bob = fixed('Bob', 'Buyer', 'Procurement Lead', acmeCompany, 'bob@acme.test');
    const carol = fixed('Carol', 'Chen', 'Head of Partnerships', globexCompany, 'carol.chen@globex.test');
    for (let i = peopleIds.length; i < options.people; i += 1) {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const company = faker.datatype.boolean(0.85) ? faker.helpers.arrayElement(companies) : null;
      const domain =
        company?.domain ?? faker.helpers.arrayElement(['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me']);
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
    counts.people = peopleIds.length;

    // --- leads -------------------------------------------------------------------------------
    const leadCount = Math.ceil(options.people / 10);
    for (let id = 1; id <= leadCount; id += 1) {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const email = `${local(first)}.${local(last)}.lead${id}@${faker.internet.domainName()}`;
      const status = faker.helpers.arrayElement(['New', 'Unqualified', 'Contacted', 'Qualified'] as const);
      const d = dates();
      const record = {
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
      };
      insertLead.run(id, record.name, email, status, d.created, d.modified, JSON.stringify(record));
    }
    counts.leads = leadCount;

    // --- opportunities -------------------------------------------------------------------------
    let opportunityId = 0;
    const addOpportunity = (o: {
      name: string;
      pipeline: (typeof PIPELINES)[number];
      stageIndex: number;
      status: 'Open' | 'Won' | 'Lost' | 'Abandoned';
      companyId: number | null;
      companyName: string | null;
      contactId: number | null;
      value: number;
      created: number;
      modified: number;
    }) => {
      opportunityId += 1;
      const stage = o.pipeline.stages[o.stageIndex] ?? o.pipeline.stages[0];
      const record = {
        id: opportunityId,
        name: o.name,
        assignee_id: faker.helpers.arrayElement([1, 2, 3]),
        close_date: formatCloseDate(SEED_NOW + faker.number.int({ min: -60, max: 180 }) * 86_400, dateOrder),
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
      };
      insertOpportunity.run(
        opportunityId,
        o.name,
        o.pipeline.id,
        stage.id,
        o.status,
        o.companyId,
        o.contactId,
        o.value,
        o.created,
        o.modified,
        JSON.stringify(record),
      );
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
    while (opportunityId < opportunityCount) {
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
    counts.opportunities = opportunityId;

    // --- activities and tasks ----------------------------------------------------------------
    let activityId = 0;
    const addActivity = (
      parent: { type: string; id: number },
      typeId: number,
      details: string,
      when: number,
    ) => {
      activityId += 1;
      const record = {
        id: activityId,
        parent,
        type: { id: typeId, category: 'user' },
        user_id: faker.helpers.arrayElement([1, 2, 3]),
        details,
        activity_date: when,
        old_value: null,
        new_value: null,
        date_created: when,
        date_modified: when,
      };
      insertActivity.run(
        activityId,
        parent.type,
        parent.id,
        'user',
        typeId,
        when,
        when,
        when,
        JSON.stringify(record),
      );
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
    const types = [
      ACTIVITY_TYPES.note,
      ACTIVITY_TYPES.phoneCall,
      ACTIVITY_TYPES.meeting,
      ACTIVITY_TYPES.email,
    ];
    while (activityId < activityCount) {
      const when = SEED_NOW - faker.number.int({ max: 365 * 86_400 });
      addActivity(
        { type: 'person', id: faker.helpers.arrayElement(peopleIds) },
        faker.helpers.arrayElement(types),
        faker.lorem.sentence(),
        when,
      );
    }
    counts.activities = activityId;

    const taskCount = Math.ceil(options.people / 10);
    for (let id = 1; id <= taskCount; id += 1) {
      const related = { type: 'person', id: id === 1 ? alice : faker.helpers.arrayElement(peopleIds) };
      const status = faker.helpers.arrayElement(['Open', 'Open', 'Completed'] as const);
      const d = dates();
      const due = SEED_NOW + faker.number.int({ min: -20, max: 40 }) * 86_400;
      const record = {
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
      };
      insertTask.run(
        id,
        record.name,
        related.type,
        related.id,
        status,
        due,
        d.created,
        d.modified,
        JSON.stringify(record),
      );
    }
    counts.tasks = taskCount;
    saveDateOrder(db, dateOrder);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)").run(
      JSON.stringify({ seed, people: options.people }),
    );
  })();

  return { users, counts };
}

/** The users of an existing database (their keys are stored hashed: see security/credentials.ts). */
export function demoUsers(db: Db): CrmUserRow[] {
  return db.prepare('SELECT id, name, email FROM users ORDER BY id').all() as CrmUserRow[];
}
