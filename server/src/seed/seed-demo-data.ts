import type { Db } from '../db/open-database';
import type { DateOrder } from '../route-context';
import { saveDateOrder } from '../routes/close-date';
import { hashSecret } from '../security/secrets';
import {
  ACTIVITY_TYPES,
  type CrmUserRow,
  DEMO_ACCOUNT,
  type DemoUser,
  type DemoWorld,
  generateDemoWorld,
  PIPELINES,
} from './generate-demo-world';

export type { CrmUserRow, DemoUser } from './generate-demo-world';
export { ACTIVITY_TYPES, DEMO_ACCOUNT, PIPELINES, SEED_NOW } from './generate-demo-world';

export interface SeedSummary {
  /** The users with their new keys: the only time the plain keys are known. */
  users: DemoUser[];
  counts: Record<string, number>;
}

/**
 * Fills an empty database with the demo world (generate-demo-world.ts) as Copper sees it: the demo
 * account and its users, pipelines, activity types, custom fields, then the generated companies,
 * people, leads, opportunities, activities and tasks. Only the users' API keys are not
 * deterministic: they are random, and stored hashed.
 */
export function seedDemoData(
  db: Db,
  options: { people: number; seed?: number; dateOrder?: DateOrder },
): SeedSummary {
  const seed = options.seed ?? 42;
  const dateOrder = options.dateOrder ?? 'MM/DD';
  const world = generateDemoWorld({ people: options.people, seed, dateOrder });
  const counts: Record<string, number> = {};
  db.transaction(() => {
    writeAccount(db, world);
    writeRecords(db, world);
    counts.companies = world.companies.length;
    counts.people = world.people.length;
    counts.leads = world.leads.length;
    counts.opportunities = world.opportunities.length;
    counts.activities = world.activities.length;
    counts.tasks = world.tasks.length;
    saveDateOrder(db, dateOrder);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)").run(
      JSON.stringify({ seed, people: options.people }),
    );
  })();
  return { users: world.users, counts };
}

/** The account, its users (keys hashed), pipelines, activity types and custom field definitions. */
function writeAccount(db: Db, world: DemoWorld): void {
  db.prepare('INSERT INTO account (id, name) VALUES (?, ?)').run(DEMO_ACCOUNT.id, DEMO_ACCOUNT.name);
  writeUsers(db, world.users);
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
    db.prepare('INSERT INTO custom_field_definitions (id, data) VALUES (?, ?)').run(f.id, JSON.stringify(f));
}

/** The demo users with their keys' hashes: both personalities authenticate against this table. */
export function writeUsers(db: Db, users: readonly DemoUser[]): void {
  const insertUser = db.prepare('INSERT INTO users (id, name, email, api_key_hash) VALUES (?, ?, ?, ?)');
  for (const u of users) insertUser.run(u.id, u.name, u.email, hashSecret(u.apiKey));
}

function writeRecords(db: Db, world: DemoWorld): void {
  const insertCompany = db.prepare(
    'INSERT INTO companies (id, name, email_domain, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const c of world.companies)
    insertCompany.run(c.id, c.name, c.email_domain, c.date_created, c.date_modified, JSON.stringify(c));
  const insertPerson = db.prepare(
    'INSERT INTO people (id, name, company_id, phones, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEmail = db.prepare('INSERT INTO person_emails (email, person_id) VALUES (?, ?)');
  for (const p of world.people) {
    insertPerson.run(
      p.id,
      p.name,
      p.company_id,
      p.phone_numbers.map((x) => x.number.replace(/\D/g, '')).join(' '),
      p.date_created,
      p.date_modified,
      JSON.stringify(p),
    );
    for (const e of p.emails) insertEmail.run(e.email, p.id);
  }
  const insertLead = db.prepare(
    'INSERT INTO leads (id, name, email, status, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const l of world.leads)
    insertLead.run(l.id, l.name, l.email.email, l.status, l.date_created, l.date_modified, JSON.stringify(l));
  const insertOpportunity = db.prepare(
    `INSERT INTO opportunities (id, name, pipeline_id, pipeline_stage_id, status, company_id, primary_contact_id,
      monetary_value, date_created, date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { record: o } of world.opportunities)
    insertOpportunity.run(
      o.id,
      o.name,
      o.pipeline_id,
      o.pipeline_stage_id,
      o.status,
      o.company_id,
      o.primary_contact_id,
      o.monetary_value,
      o.date_created,
      o.date_modified,
      JSON.stringify(o),
    );
  const insertActivity = db.prepare(
    `INSERT INTO activities (id, parent_type, parent_id, type_category, type_id, activity_date, date_created,
      date_modified, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const a of world.activities)
    insertActivity.run(
      a.id,
      a.parent.type,
      a.parent.id,
      'user',
      a.type.id,
      a.activity_date,
      a.date_created,
      a.date_modified,
      JSON.stringify(a),
    );
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, name, related_type, related_id, status, due_date, date_created, date_modified, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of world.tasks)
    insertTask.run(
      t.id,
      t.name,
      t.related_resource.type,
      t.related_resource.id,
      t.status,
      t.due_date,
      t.date_created,
      t.date_modified,
      JSON.stringify(t),
    );
}

/** The users of an existing database (their keys are stored hashed: see security/credentials.ts). */
export function demoUsers(db: Db): CrmUserRow[] {
  return db.prepare('SELECT id, name, email FROM users ORDER BY id').all() as CrmUserRow[];
}
