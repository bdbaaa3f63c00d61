/**
 * Seeds the HubSpot personality's database with the same demo world as Copper's
 * (generate-demo-world.ts): the same users (as owners), companies by domain, people as contacts
 * (first e-mail primary, the rest in `hs_additional_emails`), Copper's leads as contacts with
 * `lifecyclestage=lead`, opportunities as deals in the two pipelines, activities as notes (notes,
 * calls, meetings) and e-mails, and tasks, each associated as HubSpot would associate them.
 */
import type { Db } from '../db/open-database';
import { createHubspotStore } from '../hubspot/hubspot-store';
import type { ObjectType } from '../hubspot/object-types';
import { ownerIdOf } from '../hubspot/pipelines-and-owners';
import type { DateOrder } from '../route-context';
import { ACTIVITY_TYPES, type DemoOpportunity, generateDemoWorld, PIPELINES } from './generate-demo-world';
import { type SeedSummary, writeUsers } from './seed-demo-data';

/** Copper's stages → HubSpot's (the `default` pipeline uses HubSpot's internal stage ids). */
function stageOf(o: DemoOpportunity): { pipeline: string; stage: string } {
  const sales = o.pipeline_id === PIPELINES[0].id;
  const won = o.status === 'Won';
  const lost = o.status === 'Lost' || o.status === 'Abandoned';
  if (sales) {
    const open = [
      'qualifiedtobuy',
      'appointmentscheduled',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
    ];
    const index = PIPELINES[0].stages.findIndex((s) => s.id === o.pipeline_stage_id);
    return {
      pipeline: 'default',
      stage: won ? 'closedwon' : lost ? 'closedlost' : (open[index] ?? 'qualifiedtobuy'),
    };
  }
  return { pipeline: '213215', stage: won ? '987803' : lost ? '987804' : String(o.pipeline_stage_id) };
}

export const HUBSPOT_SEEDED_META = 'hubspot_seeded';

export function seedHubspotData(
  db: Db,
  options: { people: number; seed?: number; dateOrder?: DateOrder },
): SeedSummary {
  const seed = options.seed ?? 42;
  const world = generateDemoWorld({ people: options.people, seed, dateOrder: options.dateOrder ?? 'MM/DD' });
  const store = createHubspotStore(db);
  const ms = (seconds: number) => seconds * 1000;
  const owner = (userId: number | null) => (userId === null ? {} : { hubspot_owner_id: ownerIdOf(userId) });
  const counts: Record<ObjectType, number> = {
    contacts: 0,
    companies: 0,
    deals: 0,
    notes: 0,
    emails: 0,
    tasks: 0,
  };
  const add = (
    type: ObjectType,
    properties: Record<string, string | undefined>,
    created: number,
    updated: number,
  ) => {
    counts[type] += 1;
    const set = Object.fromEntries(
      Object.entries(properties).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
    );
    return store.insert(type, set, { created: ms(created), updated: ms(updated) }).id;
  };
  db.transaction(() => {
    writeUsers(db, world.users);
    const companyIds = new Map<number, number>();
    for (const c of world.companies)
      companyIds.set(
        c.id,
        add('companies', { name: c.name, domain: c.email_domain }, c.date_created, c.date_modified),
      );
    const contactIds = new Map<number, number>();
    for (const p of world.people) {
      const [primary, ...more] = p.emails;
      const id = add(
        'contacts',
        {
          email: primary?.email,
          hs_additional_emails: more.map((e) => e.email).join(';'),
          firstname: p.first_name,
          lastname: p.last_name,
          jobtitle: p.title,
          phone: p.phone_numbers[0]?.number,
          company: p.company_name ?? undefined,
          lifecyclestage: 'customer',
          ...owner(p.assignee_id),
        },
        p.date_created,
        p.date_modified,
      );
      contactIds.set(p.id, id);
      const company = p.company_id === null ? undefined : companyIds.get(p.company_id);
      if (company !== undefined) {
        store.associate('contacts', id, 'companies', company, 279);
        store.associate('contacts', id, 'companies', company, 1);
      }
    }
    for (const l of world.leads)
      add(
        'contacts',
        {
          email: l.email.email,
          firstname: l.first_name,
          lastname: l.last_name,
          jobtitle: l.title,
          phone: l.phone_numbers[0]?.number,
          company: l.company_name,
          lifecyclestage: 'lead',
          ...owner(l.assignee_id),
        },
        l.date_created,
        l.date_modified,
      );
    for (const { record: o, closeDate } of world.opportunities) {
      const { pipeline, stage } = stageOf(o);
      const id = add(
        'deals',
        {
          dealname: o.name,
          pipeline,
          dealstage: stage,
          amount: String(o.monetary_value),
          closedate: String(ms(closeDate)),
        },
        o.date_created,
        o.date_modified,
      );
      const contact = o.primary_contact_id === null ? undefined : contactIds.get(o.primary_contact_id);
      if (contact !== undefined) store.associate('deals', id, 'contacts', contact, 3);
      const company = o.company_id === null ? undefined : companyIds.get(o.company_id);
      if (company !== undefined) {
        store.associate('deals', id, 'companies', company, 341);
        store.associate('deals', id, 'companies', company, 5);
      }
    }
    for (const a of world.activities) {
      const contact = contactIds.get(a.parent.id);
      const when = String(ms(a.activity_date));
      if (a.type.id === ACTIVITY_TYPES.email) {
        const id = add(
          'emails',
          {
            hs_timestamp: when,
            hs_email_direction: 'EMAIL',
            hs_email_status: 'SENT',
            hs_email_subject: a.details,
            hs_email_text: a.details,
          },
          a.date_created,
          a.date_modified,
        );
        if (contact !== undefined) store.associate('emails', id, 'contacts', contact, 198);
      } else {
        const prefix =
          a.type.id === ACTIVITY_TYPES.phoneCall
            ? 'Call: '
            : a.type.id === ACTIVITY_TYPES.meeting
              ? 'Meeting: '
              : '';
        const id = add(
          'notes',
          { hs_timestamp: when, hs_note_body: `${prefix}${a.details}` },
          a.date_created,
          a.date_modified,
        );
        if (contact !== undefined) store.associate('notes', id, 'contacts', contact, 202);
      }
    }
    for (const t of world.tasks) {
      const id = add(
        'tasks',
        {
          hs_timestamp: String(ms(t.due_date)),
          hs_task_subject: t.name,
          hs_task_status: t.status === 'Completed' ? 'COMPLETED' : 'NOT_STARTED',
          hs_task_priority: t.priority === 'High' ? 'HIGH' : undefined,
        },
        t.date_created,
        t.date_modified,
      );
      const contact = contactIds.get(t.related_resource.id);
      if (contact !== undefined) store.associate('tasks', id, 'contacts', contact, 204);
    }
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)").run(
      JSON.stringify({ seed, people: options.people, api: 'hubspot' }),
    );
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(HUBSPOT_SEEDED_META, '1');
  })();
  return { users: world.users, counts };
}

/** Which personality a seeded database holds: one file serves one (Copper's have no marker). */
export function seededApi(db: Db): 'copper' | 'hubspot' | null {
  const seeded = db.prepare("SELECT 1 FROM meta WHERE key = 'seeded'").get() !== undefined;
  if (!seeded) return null;
  return db.prepare('SELECT 1 FROM meta WHERE key = ?').get(HUBSPOT_SEEDED_META) !== undefined
    ? 'hubspot'
    : 'copper';
}
