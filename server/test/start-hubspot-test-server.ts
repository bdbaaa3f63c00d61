import type { AddressInfo } from 'node:net';
import { type CrmServerOptions, createCrmServer } from '../src/create-crm-server';
import { type Db, openDatabase } from '../src/db/open-database';
import type { DemoUser } from '../src/seed/seed-demo-data';
import { seedHubspotData } from '../src/seed/seed-hubspot-data';
import type { Answer } from './start-test-server';

export interface HubspotTestServer {
  origin: string;
  db: Db;
  owner: DemoUser;
  /** Calls `path` (from `/crm/…`) with the owner's token, or with `headers` instead. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export const bearer = (token: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
});

/** A seeded HubSpot-personality server on 127.0.0.1 and a random port, talked to over real HTTP. */
export async function startHubspotTestServer(
  options: Partial<CrmServerOptions> & { people?: number } = {},
): Promise<HubspotTestServer> {
  const db = options.db ?? openDatabase(':memory:');
  const { users } = seedHubspotData(db, { people: options.people ?? 60 });
  const owner = users[0];
  if (!owner) throw new Error('no users');
  const app = await createCrmServer({ rateLimit: 0, ...options, api: 'hubspot', db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    origin,
    db,
    owner,
    call: async (method, path, body, headers) => {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: headers ?? bearer(owner.apiKey),
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    close: async () => {
      await app.close();
      db.close();
    },
  };
}

export interface HsRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: { id: string; type: string }[] }>;
}
