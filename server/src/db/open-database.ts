import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { hashSecret, newApiKey } from '../security/secrets';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  api_key_hash TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS people (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, company_id INTEGER, phones TEXT NOT NULL DEFAULT '',
  date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS people_name ON people (name, id);
CREATE INDEX IF NOT EXISTS people_modified ON people (date_modified, id);
CREATE INDEX IF NOT EXISTS people_created ON people (date_created, id);
CREATE INDEX IF NOT EXISTS people_company ON people (company_id);
CREATE TABLE IF NOT EXISTS person_emails (email TEXT PRIMARY KEY COLLATE NOCASE, person_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_emails_person ON person_emails (person_id);
CREATE TABLE IF NOT EXISTS companies (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, email_domain TEXT COLLATE NOCASE,
  date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS companies_name ON companies (name, id);
CREATE INDEX IF NOT EXISTS companies_domain ON companies (email_domain);
CREATE INDEX IF NOT EXISTS companies_modified ON companies (date_modified, id);
CREATE INDEX IF NOT EXISTS companies_created ON companies (date_created, id);
CREATE TABLE IF NOT EXISTS leads (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, email TEXT COLLATE NOCASE, status TEXT,
  date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_name ON leads (name, id);
CREATE INDEX IF NOT EXISTS leads_email ON leads (email);
CREATE INDEX IF NOT EXISTS leads_modified ON leads (date_modified, id);
CREATE TABLE IF NOT EXISTS pipelines (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline_stages (
  id INTEGER PRIMARY KEY, pipeline_id INTEGER NOT NULL, name TEXT NOT NULL, win_probability INTEGER, position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS opportunities (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, pipeline_id INTEGER, pipeline_stage_id INTEGER,
  status TEXT NOT NULL, company_id INTEGER, primary_contact_id INTEGER, monetary_value REAL,
  date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS opportunities_name ON opportunities (name, id);
CREATE INDEX IF NOT EXISTS opportunities_modified ON opportunities (date_modified, id);
CREATE INDEX IF NOT EXISTS opportunities_contact ON opportunities (primary_contact_id);
CREATE INDEX IF NOT EXISTS opportunities_company ON opportunities (company_id);
CREATE TABLE IF NOT EXISTS activity_types (
  id INTEGER NOT NULL, category TEXT NOT NULL, name TEXT NOT NULL, is_disabled INTEGER NOT NULL DEFAULT 0,
  count_as_interaction INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (category, id)
);
CREATE TABLE IF NOT EXISTS activities (
  id INTEGER PRIMARY KEY, parent_type TEXT NOT NULL, parent_id INTEGER NOT NULL, type_category TEXT NOT NULL,
  type_id INTEGER NOT NULL, activity_date INTEGER NOT NULL,
  date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activities_parent ON activities (parent_type, parent_id, activity_date);
CREATE INDEX IF NOT EXISTS activities_date ON activities (activity_date, id);
CREATE INDEX IF NOT EXISTS activities_modified ON activities (date_modified, id);
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, related_type TEXT, related_id INTEGER, status TEXT NOT NULL,
  due_date INTEGER, date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_related ON tasks (related_type, related_id);
CREATE INDEX IF NOT EXISTS tasks_modified ON tasks (date_modified, id);
CREATE TABLE IF NOT EXISTS custom_field_definitions (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hs_objects (
  id INTEGER PRIMARY KEY, type TEXT NOT NULL, properties TEXT NOT NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0, archived_at INTEGER
);
CREATE INDEX IF NOT EXISTS hs_objects_type ON hs_objects (type, archived, id);
CREATE INDEX IF NOT EXISTS hs_contacts_email ON hs_objects (lower(json_extract(properties, '$.email')))
  WHERE type = 'contacts';
CREATE TABLE IF NOT EXISTS hs_associations (
  from_id INTEGER NOT NULL, type_id INTEGER NOT NULL, to_id INTEGER NOT NULL, from_type TEXT NOT NULL,
  to_type TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (from_id, type_id, to_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS hs_associations_to_type ON hs_associations (from_id, to_type, to_id);
CREATE TABLE IF NOT EXISTS related_links (
  a_type TEXT NOT NULL, a_id INTEGER NOT NULL, b_type TEXT NOT NULL, b_id INTEGER NOT NULL,
  PRIMARY KEY (a_type, a_id, b_type, b_id)
) WITHOUT ROWID;
`;

/** Opens (and creates) the CRM database. `:memory:` works for tests. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  retirePlainKeys(db);
  return db;
}

/**
 * Databases made before issue 14 kept each user's API key in plain text (`api_key`), and the key was
 * computable from the source. Rename the column and overwrite every key with the hash of a random
 * one nobody knows: the old keys stop working, and `loadOrIssueCredentials` issues new ones.
 */
function retirePlainKeys(db: Db): void {
  const columns = db.prepare('PRAGMA table_info(users)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'api_key')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE users RENAME COLUMN api_key TO api_key_hash');
    const retire = db.prepare('UPDATE users SET api_key_hash = ? WHERE id = ?');
    for (const { id } of db.prepare('SELECT id FROM users').all() as { id: number }[]) {
      retire.run(hashSecret(newApiKey()), id);
    }
  })();
  // The old plain keys may linger in free pages of the file until it is rewritten.
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function isSeeded(db: Db): boolean {
  return (
    (db.prepare("SELECT value FROM meta WHERE key = 'seeded'").get() as { value: string } | undefined) !==
    undefined
  );
}
