/**
 * The local CRM tried as an attacker would (issue 14): over real HTTP, with raw sockets where a
 * client library would tidy the request up (percent-encoded paths, absolute-form targets, a foreign
 * Host). Every attack is refused, and the ordinary request beside it still works.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-database';
import { keyFilePathFor, loadOrIssueCredentials } from '../src/security/credentials';
import { DEMO_ACCOUNT, seedDemoData } from '../src/seed/seed-demo-data';
import { authHeaders, startTestServer, type TestServer } from './start-test-server';

let server: TestServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-security-'));
  dirs.push(dir);
  return dir;
};

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const portOf = (s: TestServer): number => Number(new URL(s.origin).port);

/** Sends `head` (request line and headers, without the blank line) as written, and reads the answer. */
function rawRequest(port: number, head: string, body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const length =
        body === '' ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      socket.write(`${head}\r\n${length}Connection: close\r\n\r\n${body}`);
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [headBlock = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = headBlock.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const bodyText = rest.join('\r\n\r\n');
      let parsed: unknown = bodyText;
      try {
        parsed = JSON.parse(bodyText);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: parsed });
    });
  });
}

/** The owner's headers as raw header lines, for `rawRequest`. */
const keyLines = (s: TestServer): string =>
  Object.entries(authHeaders(s.owner))
    .filter(([name]) => name !== 'Content-Type')
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');

const personCount = (s: TestServer): number =>
  (s.db.prepare('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n;

const hostLine = (s: TestServer): string => `Host: 127.0.0.1:${portOf(s)}`;

describe('ordinary requests still work', () => {
  it('answers the owner with a key, over a plain path and over an absolute-form target for this server', async () => {
    server = await startTestServer({ people: 20 });
    const port = portOf(server);
    expect((await server.call('GET', '/account')).status).toBe(200);
    const created = await rawRequest(
      port,
      `POST /developer_api/v1/people HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
      JSON.stringify({ name: 'Ordinary Olga' }),
    );
    expect(created.status).toBe(200);
    const { id } = created.body as { id: number };
    const own = await rawRequest(
      port,
      `GET http://127.0.0.1:${port}/developer_api/v1/people/${id} HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id, name: 'Ordinary Olga' });
    for (const host of [`localhost:${port}`, `[::1]:${port}`]) {
      const answer = await rawRequest(
        port,
        `GET /developer_api/v1/account HTTP/1.1\r\nHost: ${host}\r\n${keyLines(server)}`,
      );
      expect(answer.status, host).toBe(200);
    }
    const deleted = await rawRequest(
      port,
      `DELETE /developer_api/v1/people/${id} HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
    );
    expect(deleted.status).toBe(200);
  });

  it('lets the extension’s worker through CORS', async () => {
    server = await startTestServer({ people: 5 });
    const extension = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const preflight = await server.raw('/developer_api/v1/people/search', {
      method: 'OPTIONS',
      headers: {
        Origin: extension,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-pw-accesstoken,x-pw-application,x-pw-useremail,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(extension);
    const call = await server.call('GET', '/account', undefined, {
      ...authHeaders(server.owner),
      Origin: extension,
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(extension);
  });
});

describe('percent-encoded spellings of API paths', () => {
  it('refuses read, create and delete without a key, and changes nothing', async () => {
    server = await startTestServer({ people: 20 });
    const port = portOf(server);
    const before = personCount(server);
    const read = await rawRequest(port, `GET /%64eveloper_api/v1/people/1 HTTP/1.1\r\n${hostLine(server)}`);
    const create = await rawRequest(
      port,
      `POST /developer_api/%761/people HTTP/1.1\r\n${hostLine(server)}`,
      JSON.stringify({ name: 'Intruder' }),
    );
    const remove = await rawRequest(
      port,
      `DELETE /developer_api/v1/%70eople/1 HTTP/1.1\r\n${hostLine(server)}`,
    );
    for (const answer of [read, create, remove]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ success: false, status: 401 });
    }
    expect(personCount(server)).toBe(before);
    // The record the delete aimed at is still there, read the ordinary way.
    expect((await server.call('GET', '/people/1')).status).toBe(200);
  });

  it('counts encoded requests against the rate limit', async () => {
    server = await startTestServer({ people: 5, rateLimit: 2 });
    const port = portOf(server);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const answer = await rawRequest(
        port,
        `GET /%64eveloper_api/v1/account HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
      );
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('absolute-form requests', () => {
  it('refuses a target on another host even with a valid key, and changes nothing', async () => {
    server = await startTestServer({ people: 20 });
    const port = portOf(server);
    const before = personCount(server);
    const read = await rawRequest(
      port,
      `GET http://other.host/developer_api/v1/account HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
    );
    const remove = await rawRequest(
      port,
      `DELETE http://other.host/developer_api/v1/people/1 HTTP/1.1\r\n${hostLine(server)}\r\n${keyLines(server)}`,
    );
    for (const answer of [read, remove]) {
      expect(answer.status).toBe(421);
      expect((answer.body as { message: string }).message).toMatch(/Misdirected Request: .*other\.host/);
    }
    expect(personCount(server)).toBe(before);
  });

  it('still asks for a key on an absolute-form target for this server', async () => {
    server = await startTestServer({ people: 5 });
    const port = portOf(server);
    const before = personCount(server);
    const answer = await rawRequest(
      port,
      `POST http://127.0.0.1:${port}/developer_api/v1/people HTTP/1.1\r\n${hostLine(server)}`,
      JSON.stringify({ name: 'Intruder' }),
    );
    expect(answer.status).toBe(401);
    expect(personCount(server)).toBe(before);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('refuses a foreign Host even with a valid key', async () => {
    server = await startTestServer({ people: 5 });
    const port = portOf(server);
    for (const host of [
      `rebind.attacker.example:${port}`,
      'rebind.attacker.example',
      `127.0.0.1:${port + 1}`,
    ]) {
      const answer = await rawRequest(
        port,
        `GET /developer_api/v1/account HTTP/1.1\r\nHost: ${host}\r\n${keyLines(server)}`,
      );
      expect(answer.status, host).toBe(421);
      expect(answer.body).toMatchObject({ success: false, status: 421 });
    }
  });
});

describe('CORS and foreign origins', () => {
  it('gives a web page’s preflight no Access-Control-Allow-Origin', async () => {
    server = await startTestServer({ people: 5 });
    for (const origin of ['https://evil.example', 'null', 'chrome-extension://not-an-extension-id']) {
      const preflight = await server.raw('/developer_api/v1/people/search', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-pw-accesstoken,x-pw-application,x-pw-useremail,content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('refuses a request from a web page even when it carries a valid key', async () => {
    server = await startTestServer({ people: 5 });
    const before = personCount(server);
    const answer = await server.call(
      'POST',
      '/people',
      { name: 'Forged' },
      { ...authHeaders(server.owner), Origin: 'https://evil.example' },
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(personCount(server)).toBe(before);
  });
});

describe('API keys', () => {
  it('are not the old computable hash of the seed and the e-mail', async () => {
    server = await startTestServer({ people: 5 });
    const email = `sam.seller@${DEMO_ACCOUNT.domain}`;
    expect(server.owner.email).toBe(email);
    // The formula every copy of the source used to share: sha256("threadline-demo:<seed>:<email>").
    const computed = createHash('sha256').update(`threadline-demo:42:${email}`).digest('hex').slice(0, 32);
    const answer = await server.call('GET', '/account', undefined, {
      ...authHeaders(server.owner),
      'X-PW-AccessToken': computed,
    });
    expect(answer.status).toBe(401);
    // And the real key is random: another database with the same seed gets another key.
    const other = openDatabase(':memory:');
    try {
      const [again] = seedDemoData(other, { people: 0 }).users;
      expect(again?.apiKey).toMatch(/^[0-9a-f]{32}$/);
      expect(again?.apiKey).not.toBe(server.owner.apiKey);
    } finally {
      other.close();
    }
  });

  it('are not stored in plain text in the SQLite file', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'crm.sqlite');
    server = await startTestServer({ dbPath, people: 5 });
    const keys = server.users.map((u) => u.apiKey);
    expect((await server.call('GET', '/account')).status).toBe(200);
    await server.close();
    server = null;
    const files = readdirSync(dir).filter((name) => name.startsWith('crm.sqlite'));
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(dir, name))));
    // The file holds the users (so this looks in the right place) but none of their keys.
    expect(bytes.includes(`sam.seller@${DEMO_ACCOUNT.domain}`)).toBe(true);
    for (const key of keys) expect(bytes.includes(key)).toBe(false);
  });

  it('keep working across restarts through a key file only the user can read; the admin token is hashed too', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'crm.sqlite');
    const db = openDatabase(dbPath);
    const seeded = seedDemoData(db, { people: 0 }).users;
    const first = loadOrIssueCredentials(db, keyFilePathFor(dbPath), seeded);
    expect(first.users.map((u) => u.apiKey)).toEqual(seeded.map((u) => u.apiKey));
    db.close();
    const keyFile = keyFilePathFor(dbPath);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toContain(first.adminToken);

    const reopened = openDatabase(dbPath);
    const second = loadOrIssueCredentials(reopened, keyFile);
    reopened.close();
    expect(second.users.map((u) => u.apiKey)).toEqual(first.users.map((u) => u.apiKey));
    expect(second.adminToken).toBe(first.adminToken);
    const bytes = Buffer.concat(
      readdirSync(dir)
        .filter((name) => name.startsWith('crm.sqlite') && !name.endsWith('.keys.json'))
        .map((name) => readFileSync(join(dir, name))),
    );
    expect(bytes.includes(first.adminToken)).toBe(false);
    for (const user of first.users) expect(bytes.includes(user.apiKey)).toBe(false);
  });

  it('retires the plain, computable keys of a database made before issue 14', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'old.sqlite');
    const old = openDatabase(dbPath);
    // The old schema: the key itself in `users.api_key`.
    old.exec('DROP TABLE users');
    old.exec(
      'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, api_key TEXT NOT NULL UNIQUE)',
    );
    const oldKey = createHash('sha256').update('threadline-demo:42:sam@old.test').digest('hex').slice(0, 32);
    old
      .prepare('INSERT INTO users (id, name, email, api_key) VALUES (1, ?, ?, ?)')
      .run('Sam', 'sam@old.test', oldKey);
    old.close();
    const db = openDatabase(dbPath);
    const credentials = loadOrIssueCredentials(db, keyFilePathFor(dbPath));
    db.close();
    expect(credentials.users).toHaveLength(1);
    expect(credentials.users[0]?.apiKey).not.toBe(oldKey);
    const bytes = Buffer.concat(
      readdirSync(dir)
        .filter((name) => name.startsWith('old.sqlite') && !name.endsWith('.keys.json'))
        .map((name) => readFileSync(join(dir, name))),
    );
    expect(bytes.includes(oldKey)).toBe(false);
  });

  it('are printed again by `npm run crm` after a restart, and work', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'crm.sqlite');
    interface Ready {
      baseUrl: string;
      apiKey: string;
      email: string;
      adminToken: string;
    }
    const run = async (): Promise<Ready> => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'server/src/main.ts', '--db', dbPath, '--port', '0', '--seed-people', '5'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      const ready = await new Promise<Ready>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.startsWith('THREADLINE_CRM_READY '));
          if (line) resolve(JSON.parse(line.slice('THREADLINE_CRM_READY '.length)) as Ready);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`CRM exited (${code}):\n${out}`)));
      });
      const headers = {
        'X-PW-AccessToken': ready.apiKey,
        'X-PW-Application': 'developer_api',
        'X-PW-UserEmail': ready.email,
      };
      expect((await fetch(`${ready.baseUrl}/account`, { headers })).status).toBe(200);
      const admin = await fetch(`${new URL(ready.baseUrl).origin}/__admin/stats`, {
        headers: { 'X-Admin-Token': ready.adminToken },
      });
      expect(admin.status).toBe(200);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return ready;
    };
    const first = await run();
    const second = await run();
    expect(second.apiKey).toBe(first.apiKey);
    expect(second.adminToken).toBe(first.adminToken);
    expect(statSync(keyFilePathFor(dbPath)).mode & 0o777).toBe(0o600);
  });
});

describe('admin paths', () => {
  it('refuse every admin request without the token, however the path is spelled', async () => {
    server = await startTestServer({ people: 5, adminToken: 'the-admin-token', recordRequests: true });
    const port = portOf(server);
    const refused = [
      await rawRequest(port, `GET /__admin/config HTTP/1.1\r\n${hostLine(server)}`),
      await rawRequest(port, `GET /%5F%5Fadmin/stats HTTP/1.1\r\n${hostLine(server)}`),
      await rawRequest(port, `GET /__admin/requests HTTP/1.1\r\n${hostLine(server)}\r\nX-Admin-Token: wrong`),
      await rawRequest(port, `DELETE /__%61dmin/requests HTTP/1.1\r\n${hostLine(server)}`),
      await rawRequest(
        port,
        `POST /__admin/config HTTP/1.1\r\n${hostLine(server)}`,
        JSON.stringify({ failRate: 1 }),
      ),
      await rawRequest(
        port,
        `POST http://127.0.0.1:${port}/__admin/config HTTP/1.1\r\n${hostLine(server)}`,
        JSON.stringify({ failRate: 1 }),
      ),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ success: false, status: 401 });
    }
    // Nothing changed: no faults were switched on, and the token still opens the admin API.
    expect((await server.call('GET', '/account')).status).toBe(200);
    const config = await server.raw('/__admin/config', { headers: { 'X-Admin-Token': 'the-admin-token' } });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ failRate: 0 });
  });

  it('do not exist without an admin token', async () => {
    server = await startTestServer({ people: 5 });
    const answer = await rawRequest(portOf(server), `GET /__admin/config HTTP/1.1\r\n${hostLine(server)}`);
    expect(answer.status).toBe(404);
  });
});
