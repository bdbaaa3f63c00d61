/**
 * The HubSpot personality keeps the local server's shared features: the request guards (issue 14),
 * CORS for the extension, the admin API (request log, fault injection, stats), the same seeded demo
 * world as Copper's, and `npm run crm -- --api hubspot` with its ready line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-database';
import { createHubspotStore } from '../src/hubspot/hubspot-store';
import { seedDemoData } from '../src/seed/seed-demo-data';
import { seedHubspotData } from '../src/seed/seed-hubspot-data';
import { bearer, type HubspotTestServer, startHubspotTestServer } from './start-hubspot-test-server';

let server: HubspotTestServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Sends a request exactly as written (no client tidying), and returns the status code. */
function rawStatus(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(text.split(' ')[1])));
  });
}

describe('request guards', () => {
  it('refuse a foreign Host, a web page’s Origin, and an encoded path without a token', async () => {
    server = await startHubspotTestServer({ people: 5 });
    const port = Number(new URL(server.origin).port);
    const auth = `Authorization: Bearer ${server.owner.apiKey}`;
    expect(await rawStatus(port, `GET /crm/v3/owners HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}`)).toBe(
      200,
    );
    expect(
      await rawStatus(
        port,
        `GET /crm/v3/owners HTTP/1.1\r\nHost: rebind.attacker.example:${port}\r\n${auth}`,
      ),
    ).toBe(421);
    expect(
      await rawStatus(
        port,
        `GET http://other.host/crm/v3/owners HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}`,
      ),
    ).toBe(421);
    expect(await rawStatus(port, `GET /%63rm/v3/objects/contacts HTTP/1.1\r\nHost: 127.0.0.1:${port}`)).toBe(
      401,
    );
    expect(
      await rawStatus(port, `GET /crm/v3/%6fbjects/contacts HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}`),
    ).toBe(200);
    const page = await server.call('GET', '/crm/v3/owners', undefined, {
      ...bearer(server.owner.apiKey),
      Origin: 'https://evil.example',
    });
    expect(page.status).toBe(403);
  });

  it('let the extension’s worker send Authorization and PATCH, and read the rate headers', async () => {
    server = await startHubspotTestServer({ people: 5 });
    const extension = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const preflight = await fetch(`${server.origin}/crm/v3/objects/contacts/1`, {
      method: 'OPTIONS',
      headers: {
        Origin: extension,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const call = await server.call('GET', '/crm/v3/owners', undefined, {
      ...bearer(server.owner.apiKey),
      Origin: extension,
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-expose-headers')).toContain('X-HubSpot-RateLimit-Remaining');
  });
});

describe('admin API', () => {
  it('records requests, injects faults in HubSpot’s error shape, and counts', async () => {
    server = await startHubspotTestServer({ people: 5, adminToken: 'admin-secret', recordRequests: true });
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${server?.origin}/__admin${path}`, {
        method,
        headers: { 'X-Admin-Token': 'admin-secret', 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect(
      (
        await server.call('POST', '/crm/v3/objects/contacts', {
          properties: { email: 'logged@example.test' },
        })
      ).status,
    ).toBe(201);
    const log = (await (await admin('GET', '/requests')).json()) as {
      method: string;
      url: string;
      userEmail: string;
      body: string;
    }[];
    expect(log).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/crm/v3/objects/contacts',
        userEmail: server.owner.email,
        body: JSON.stringify({ properties: { email: 'logged@example.test' } }),
      }),
    ]);
    expect((await admin('POST', '/config', { failRate: 1 })).status).toBe(200);
    const failed = await server.call('GET', '/crm/v3/owners');
    expect([500, 503]).toContain(failed.status);
    expect(failed.body).toMatchObject({ status: 'error', correlationId: expect.any(String) });
    expect((await admin('POST', '/config', { failRate: 0 })).status).toBe(200);
    expect((await server.call('GET', '/crm/v3/owners')).status).toBe(200);
    const stats = (await (await admin('GET', '/stats')).json()) as { requests: number };
    expect(stats.requests).toBe(2);
    expect((await fetch(`${server.origin}/__admin/requests`)).status).toBe(401);
  });
});

describe('the demo world', () => {
  it('is the same as Copper’s for the same seed: people by name and e-mail, companies by domain, users as owners', () => {
    const copper = openDatabase(':memory:');
    const hubspot = openDatabase(':memory:');
    seedDemoData(copper, { people: 120, seed: 9 });
    const summary = seedHubspotData(hubspot, { people: 120, seed: 9 });
    const people = copper
      .prepare(
        "SELECT json_extract(data, '$.name') AS name, json_extract(data, '$.emails') AS emails FROM people",
      )
      .all() as {
      name: string;
      emails: string;
    }[];
    const contacts = createHubspotStore(hubspot)
      .all('contacts')
      .filter((c) => c.properties.lifecyclestage === 'customer');
    const asHubspot = (p: { name: string; emails: string }) => {
      const [primary, ...more] = (JSON.parse(p.emails) as { email: string }[]).map((e) => e.email);
      return `${p.name}|${primary}|${more.join(';')}`;
    };
    expect(
      contacts
        .map(
          (c) =>
            `${c.properties.firstname} ${c.properties.lastname}|${c.properties.email}|${c.properties.hs_additional_emails ?? ''}`,
        )
        .sort(),
    ).toEqual(people.map(asHubspot).sort());
    for (const name of ['Alice Doe', 'Bob Buyer', 'Carol Chen'])
      expect(people.map((p) => p.name)).toContain(name);
    const domains = (copper.prepare('SELECT email_domain AS d FROM companies').all() as { d: string }[])
      .map((r) => r.d)
      .sort();
    expect(
      createHubspotStore(hubspot)
        .all('companies')
        .map((c) => c.properties.domain)
        .sort(),
    ).toEqual(domains);
    expect(summary.counts.deals).toBe(24);
    copper.close();
    hubspot.close();
  });

  it('has owners for the demo users and deal pipelines with stage metadata', async () => {
    server = await startHubspotTestServer({ people: 5 });
    const owners = (
      await server.call('GET', `/crm/v3/owners?email=${encodeURIComponent(server.owner.email)}`)
    ).body as {
      results: { id: string; email: string; type: string }[];
    };
    expect(owners.results).toEqual([
      expect.objectContaining({
        email: server.owner.email,
        type: 'PERSON',
        id: expect.stringMatching(/^\d+$/),
      }),
    ]);
    const pipelines = (await server.call('GET', '/crm/v3/pipelines/deals')).body as {
      results: {
        id: string;
        stages: { id: string; metadata: { probability: string; isClosed: string } }[];
      }[];
    };
    const sales = pipelines.results.find((p) => p.id === 'default');
    expect(sales?.stages.find((s) => s.id === 'closedwon')?.metadata).toEqual({
      probability: '1.0',
      isClosed: 'true',
    });
    expect(sales?.stages.find((s) => s.id === 'closedlost')?.metadata).toEqual({
      probability: '0.0',
      isClosed: 'true',
    });
    for (const stage of pipelines.results.flatMap((p) => p.stages))
      expect(Number(stage.metadata.probability)).toBeLessThanOrEqual(1);
  });
});

interface Ready {
  kind: string;
  origin: string;
  baseUrl: string;
  apiKey: string;
  email: string;
  adminToken: string;
}

/** `npm run crm -- …` in its own process; resolves with its ready line and a stop function. */
async function runCrm(args: string[]): Promise<{ ready: Ready; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  const stop = () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };
  return { ready, stop };
}

describe('npm run crm -- --api hubspot', () => {
  it('prints a ready line with kind "hubspot", the origin as baseUrl and a working token; Copper’s says "local"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-hubspot-'));
    dirs.push(dir);
    const hubspot = await runCrm([
      '--api',
      'hubspot',
      '--db',
      join(dir, 'hs.sqlite'),
      '--seed-people',
      '5',
      '--admin-token',
      'a',
    ]);
    try {
      expect(hubspot.ready.kind).toBe('hubspot');
      expect(hubspot.ready.baseUrl).toBe(hubspot.ready.origin);
      const owners = await fetch(
        `${hubspot.ready.baseUrl}/crm/v3/owners?email=${encodeURIComponent(hubspot.ready.email)}`,
        {
          headers: { Authorization: `Bearer ${hubspot.ready.apiKey}` },
        },
      );
      expect(owners.status).toBe(200);
      expect(((await owners.json()) as { results: unknown[] }).results).toHaveLength(1);
      const admin = await fetch(`${hubspot.ready.origin}/__admin/stats`, {
        headers: { 'X-Admin-Token': 'a' },
      });
      expect(admin.status).toBe(200);
    } finally {
      expect(await hubspot.stop()).toBe(0);
    }
    // One database holds one personality's world.
    const mismatch = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/src/main.ts', '--port', '0', '--db', join(dir, 'hs.sqlite')],
      {
        stdio: 'ignore',
      },
    );
    expect(await new Promise((resolve) => mismatch.on('exit', resolve))).toBe(2);
    const copper = await runCrm(['--db', join(dir, 'copper.sqlite'), '--seed-people', '5']);
    try {
      expect(copper.ready.kind).toBe('local');
      expect(copper.ready.baseUrl).toBe(`${copper.ready.origin}/developer_api/v1`);
    } finally {
      await copper.stop();
    }
  });

  it('gives a token only the scopes of --hubspot-scopes, and the limits of --hubspot-tier and --daily-limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-hubspot-'));
    dirs.push(dir);
    const crm = await runCrm([
      '--api',
      'hubspot',
      '--db',
      join(dir, 'hs.sqlite'),
      '--seed-people',
      '5',
      '--hubspot-scopes',
      'crm.objects.contacts.read,crm.objects.owners.read',
      '--hubspot-tier',
      'professional',
      '--daily-limit',
      '5000',
    ]);
    try {
      const headers = { Authorization: `Bearer ${crm.ready.apiKey}` };
      const contacts = await fetch(`${crm.ready.baseUrl}/crm/v3/objects/contacts`, { headers });
      expect(contacts.status).toBe(200);
      // Professional: 190 per 10 s; the daily budget as --daily-limit says.
      expect(contacts.headers.get('x-hubspot-ratelimit-max')).toBe('190');
      expect(contacts.headers.get('x-hubspot-ratelimit-daily')).toBe('5000');
      const deals = await fetch(`${crm.ready.baseUrl}/crm/v3/objects/deals`, { headers });
      expect(deals.status).toBe(403);
      expect(await deals.json()).toMatchObject({
        category: 'MISSING_SCOPES',
        errors: [{ context: { requiredGranularScopes: ['crm.objects.deals.read'] } }],
      });
    } finally {
      await crm.stop();
    }
  });
});
