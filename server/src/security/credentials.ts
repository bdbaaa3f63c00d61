/**
 * The local CRM's secrets: each user's API key and the admin token. SQLite keeps only their SHA-256
 * hashes (`users.api_key_hash`, `meta.admin_token_sha256`); the plain values live in a key file next
 * to the database, readable only by the user (mode 0600), so `npm start` can print them again after
 * a restart. Delete the key file to get new keys; delete the database to start over.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db } from '../db/open-database';
import type { DemoUser } from '../seed/seed-demo-data';
import { hashSecret, matchesHash, newAdminToken, newApiKey } from './secrets';

export interface Credentials {
  /** Every user, with their plain API key. */
  users: DemoUser[];
  adminToken: string;
  /** What the server compares the admin token with. */
  adminTokenSha256: string;
}

const ADMIN_TOKEN_META = 'admin_token_sha256';

const keyFileShape = z.object({
  users: z.array(z.object({ email: z.string(), apiKey: z.string() })),
  adminToken: z.string(),
});

/** `.crm/demo.sqlite` → `.crm/demo.sqlite.keys.json`. */
export const keyFilePathFor = (dbPath: string): string => `${dbPath}.keys.json`;

interface UserRow {
  id: number;
  name: string;
  email: string;
  api_key_hash: string;
}

/** Gives the users (all, or those in `ids`) new random keys, stores their hashes, and returns the plain keys. */
export function issueApiKeys(db: Db, ids?: readonly number[]): DemoUser[] {
  const rows = db.prepare('SELECT id, name, email FROM users ORDER BY id').all() as Omit<
    UserRow,
    'api_key_hash'
  >[];
  const update = db.prepare('UPDATE users SET api_key_hash = ? WHERE id = ?');
  const issued: DemoUser[] = [];
  db.transaction(() => {
    for (const row of rows) {
      if (ids && !ids.includes(row.id)) continue;
      const apiKey = newApiKey();
      update.run(hashSecret(apiKey), row.id);
      issued.push({ ...row, apiKey });
    }
  })();
  return issued;
}

function readKeyFile(path: string): z.infer<typeof keyFileShape> | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = keyFileShape.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeKeyFile(path: string, credentials: Credentials): void {
  const text = `${JSON.stringify(
    {
      note: 'Threadline local CRM secrets. Keep this file private; delete it to get new keys.',
      users: credentials.users.map((u) => ({ email: u.email, apiKey: u.apiKey })),
      adminToken: credentials.adminToken,
    },
    null,
    2,
  )}\n`;
  // Written beside the target and renamed, so a crash never leaves half a file; created 0600.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/**
 * The plain secrets for this database: the key file's when they still match the stored hashes,
 * else new ones (the hashes are replaced and the key file rewritten). `known` are keys issued a
 * moment ago (by the seed) that may match too.
 */
export function loadOrIssueCredentials(
  db: Db,
  keyFilePath: string,
  known: readonly DemoUser[] = [],
): Credentials {
  const file = readKeyFile(keyFilePath);
  const candidates = [...known, ...(file?.users ?? [])];
  const rows = db.prepare('SELECT id, name, email, api_key_hash FROM users ORDER BY id').all() as UserRow[];
  const users: DemoUser[] = [];
  const missing: number[] = [];
  for (const row of rows) {
    const key = candidates.find(
      (c) => c.email.toLowerCase() === row.email.toLowerCase() && matchesHash(c.apiKey, row.api_key_hash),
    );
    if (key) users.push({ id: row.id, name: row.name, email: row.email, apiKey: key.apiKey });
    else missing.push(row.id);
  }
  if (missing.length > 0) users.push(...issueApiKeys(db, missing));
  users.sort((a, b) => a.id - b.id);

  const stored = db.prepare('SELECT value FROM meta WHERE key = ?').get(ADMIN_TOKEN_META) as
    | { value: string }
    | undefined;
  let adminToken = file?.adminToken;
  if (adminToken === undefined || stored === undefined || !matchesHash(adminToken, stored.value)) {
    adminToken = newAdminToken();
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
      ADMIN_TOKEN_META,
      hashSecret(adminToken),
    );
  }
  const credentials: Credentials = { users, adminToken, adminTokenSha256: hashSecret(adminToken) };
  const unchanged =
    file !== null &&
    file.adminToken === adminToken &&
    users.every((u) => file.users.some((f) => f.email === u.email && f.apiKey === u.apiKey));
  if (unchanged) chmodSync(keyFilePath, 0o600);
  else writeKeyFile(keyFilePath, credentials);
  return credentials;
}
