import type { AddressInfo } from 'node:net';
import { API_PREFIX, type CrmServerOptions, createCrmServer } from '../src/create-crm-server';
import { type Db, openDatabase } from '../src/db/open-database';
import { issueApiKeys } from '../src/security/credentials';
import { type DemoUser, seedDemoData } from '../src/seed/seed-demo-data';

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface TestServer {
  origin: string;
  db: Db;
  owner: DemoUser;
  users: DemoUser[];
  /** Calls the API as the account owner (or with `headers` instead of the owner's). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  raw(path: string, init: RequestInit): Promise<Answer>;
  /**
   * Resolves when the server next receives a request (Node's `request` event: its head was read and
   * the server counts it as in progress), for tests that act while one is in progress. Call it before
   * sending the request.
   */
  nextRequest(): Promise<void>;
  close(): Promise<void>;
}

export function authHeaders(user: DemoUser): Record<string, string> {
  return {
    'X-PW-AccessToken': user.apiKey,
    'X-PW-Application': 'developer_api',
    'X-PW-UserEmail': user.email,
    'Content-Type': 'application/json',
  };
}

/** A seeded server on 127.0.0.1 and a random port, talked to over real HTTP. */
export async function startTestServer(
  options: Partial<CrmServerOptions> & { people?: number; dbPath?: string; seed?: boolean } = {},
): Promise<TestServer> {
  const db = options.db ?? openDatabase(options.dbPath ?? ':memory:');
  const summary =
    options.seed === false
      ? null
      : seedDemoData(db, {
          people: options.people ?? 250,
          ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
        });
  // The database keeps only hashes of the keys: an existing one gets new keys for this test.
  const users = summary?.users ?? issueApiKeys(db);
  const owner = users[0];
  if (!owner) throw new Error('no users');
  const app = await createCrmServer({ rateLimit: 0, ...options, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const toAnswer = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  return {
    origin,
    db,
    owner,
    users,
    call: async (method, path, body, headers) =>
      toAnswer(
        await fetch(`${origin}${API_PREFIX}${path}`, {
          method,
          headers: headers ?? authHeaders(owner),
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      ),
    raw: async (path, init) => toAnswer(await fetch(`${origin}${path}`, init)),
    nextRequest: () => new Promise((resolve) => app.server.once('request', () => resolve())),
    close: async () => {
      await app.close();
      db.close();
    },
  };
}
