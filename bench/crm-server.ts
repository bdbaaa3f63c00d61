/**
 * `npm run bench:crm`: the CRM server's own numbers, measured on this machine.
 * - seed time for N people (default 100,000) into a fresh SQLite file;
 * - people/search by 10 e-mails: requests per second and latency percentiles, the server in its
 *   own process with the rate limit off, C concurrent clients for D seconds (bounded, loopback only).
 * Prints a table and writes bench/results/crm-server.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/src/db/open-database';
import { seedDemoData } from '../server/src/seed/seed-demo-data';

const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const dbPath = join(dir, 'bench.sqlite');
  try {
    const db = openDatabase(dbPath);
    const seedStart = performance.now();
    const summary = seedDemoData(db, { people });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const emails = (
      db.prepare('SELECT email FROM person_emails ORDER BY RANDOM() LIMIT 5000').all() as { email: string }[]
    ).map((r) => r.email);
    db.close();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/src/main.ts', '--db', dbPath, '--port', '0', '--rate-limit', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const ready = await new Promise<{ baseUrl: string; apiKey: string; email: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('THREADLINE_CRM_READY '));
        if (line)
          resolve(
            JSON.parse(line.slice('THREADLINE_CRM_READY '.length)) as {
              baseUrl: string;
              apiKey: string;
              email: string;
            },
          );
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const headers = {
      'X-PW-AccessToken': ready.apiKey,
      'X-PW-Application': 'developer_api',
      'X-PW-UserEmail': ready.email,
      'Content-Type': 'application/json',
    };
    const latencies: number[] = [];
    let errors = 0;
    let found = 0;
    const deadline = performance.now() + seconds * 1000;
    let cursor = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        const batch = Array.from({ length: 10 }, () => emails[cursor++ % emails.length]);
        const started = performance.now();
        try {
          const response = await fetch(`${ready.baseUrl}/people/search`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ emails: batch, page_size: 200 }),
          });
          const body = (await response.json()) as unknown[];
          if (response.status !== 200) errors += 1;
          else found += body.length;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - started);
      }
    };
    const loadStart = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - loadStart) / 1000;
    child.kill('SIGTERM');
    latencies.sort((a, b) => a - b);
    const result = {
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      seed: { people, counts: summary.counts, seconds: Number(seedSeconds.toFixed(2)) },
      peopleSearchBy10Emails: {
        concurrency,
        seconds: Number(elapsed.toFixed(2)),
        requests: latencies.length,
        errors,
        requestsPerSecond: Math.round(latencies.length / elapsed),
        matchedPerRequest: Number((found / Math.max(1, latencies.length - errors)).toFixed(2)),
        latencyMs: {
          p50: Number(percentile(latencies, 50).toFixed(2)),
          p95: Number(percentile(latencies, 95).toFixed(2)),
          p99: Number(percentile(latencies, 99).toFixed(2)),
        },
      },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/crm-server.json', `${JSON.stringify(result, null, 2)}\n`);
    console.table([
      { measure: `seed ${people} people (+ related records)`, value: `${result.seed.seconds} s` },
      {
        measure: 'people/search by 10 emails',
        value: `${result.peopleSearchBy10Emails.requestsPerSecond} req/s`,
      },
      {
        measure: 'latency p50 / p95 / p99',
        value: `${result.peopleSearchBy10Emails.latencyMs.p50} / ${result.peopleSearchBy10Emails.latencyMs.p95} / ${result.peopleSearchBy10Emails.latencyMs.p99} ms`,
      },
      { measure: 'errors', value: String(errors) },
    ]);
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
