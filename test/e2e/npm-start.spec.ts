import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

interface Ready {
  kind: string;
  baseUrl: string;
  apiKey: string;
  email: string;
}

/** Runs `npm start`'s script until the CRM says it is ready; returns its output and the credentials. */
async function startMainJob(
  dbPath: string,
  args: string[] = [],
): Promise<{ child: ChildProcess; ready: Ready; output: () => string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    env: {
      ...process.env,
      THREADLINE_CRM_PORT: '0',
      THREADLINE_CRM_DB: dbPath,
      THREADLINE_SEED_PEOPLE: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setInterval(() => {
      const line = out.split('\n').find((l) => l.startsWith('THREADLINE_CRM_READY '));
      if (line) {
        clearInterval(timer);
        resolve(JSON.parse(line.slice('THREADLINE_CRM_READY '.length)) as Ready);
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited (${code}) before the CRM was ready:\n${out}`));
    });
  });
  return { child, ready, output: () => out };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

test('npm start builds dist/, explains how to load it, and serves the seeded demo CRM until Ctrl+C', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'threadline-start-'));
  try {
    const dbPath = join(dir, 'demo.sqlite');
    const first = await startMainJob(dbPath);
    expect(first.output()).toContain('Load unpacked');
    // What it tells the user to do next is what the first-run test walks through (first-run.spec.ts).
    expect(first.output()).toMatch(/welcome page opens: choose "Local demo CRM"/);
    expect(first.output()).not.toContain('lists its participants');
    expect(first.output()).toMatch(/Threadline is built: .*dist/);
    expect(first.output()).toMatch(/\[crm\] seeded .* in [\d.]+ s/);
    expect(first.ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/developer_api\/v1$/);
    const headers = {
      'X-PW-AccessToken': first.ready.apiKey,
      'X-PW-Application': 'developer_api',
      'X-PW-UserEmail': first.ready.email,
      'Content-Type': 'application/json',
    };
    const alice = await fetch(`${first.ready.baseUrl}/people/fetch_by_email`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: 'alice.doe@acme.test' }),
    });
    expect(alice.status).toBe(200);
    const created = await fetch(`${first.ready.baseUrl}/people`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Kept Across Restarts' }),
    });
    const { id } = (await created.json()) as { id: number };
    expect(await stop(first.child)).toBe(0);

    // A second run reuses the database: no reseed, and the record is still there.
    const second = await startMainJob(dbPath);
    expect(second.output()).toContain('using the existing database');
    const again = await fetch(`${second.ready.baseUrl}/people/${id}`, { headers });
    expect(((await again.json()) as { name: string }).name).toBe('Kept Across Restarts');
    expect(await stop(second.child)).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm start -- --crm hubspot serves the same demo world through HubSpot’s API', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'threadline-start-'));
  try {
    const run = await startMainJob(join(dir, 'hubspot.sqlite'), ['--crm', 'hubspot']);
    // The next steps name HubSpot, its token and where its address goes.
    expect(run.output()).toMatch(/welcome page opens: choose "HubSpot"/);
    expect(run.output()).toContain('(HubSpot API)');
    expect(run.ready.kind).toBe('hubspot');
    expect(run.ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const alice = await fetch(
      `${run.ready.baseUrl}/crm/v3/objects/contacts/alice.doe@acme.test?idProperty=email&properties=firstname`,
      { headers: { Authorization: `Bearer ${run.ready.apiKey}` } },
    );
    expect(alice.status).toBe(200);
    expect(((await alice.json()) as { properties: { firstname: string } }).properties.firstname).toBe(
      'Alice',
    );
    expect(await stop(run.child)).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
