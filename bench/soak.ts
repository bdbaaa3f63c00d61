/**
 * `npm run soak` (issue 17; not part of CI): 10,000 mixed writes through the extension's real path
 * with 30 % of CRM requests failing, 1 % of connections dropped, the worker stopped 10 times and
 * the CRM server restarted once; the report goes to bench/results/soak.json and is printed. It stops
 * by itself when the time budget runs out (the report then says the run is incomplete) and exits
 * non-zero when a write was lost or duplicated, or the run did not finish.
 *
 * SOAK_WRITES (default 10000), SOAK_MINUTES (time budget, default 120), SOAK_SEED (default 17, to
 * replay a run), or the same as flags: `npm run soak -- --writes 300 --minutes 10 --seed 5`.
 * Build the extension first (`npm run build:e2e`); the script does it when dist-e2e/ is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCrm } from '../test/e2e/crm-process';
import { E2E_DIST, extensionWorker, launchWithExtension } from '../test/e2e/fixtures';
import { DEFAULT_SOAK, KINDS, runSoak, type SoakReport, soakCrmOptions } from './soak/run-soak';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of at least 1 (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

function table(report: SoakReport): string {
  const rows = [
    ['kind', 'requested', 'landed', 'lost', 'duplicated'],
    ...KINDS.map((k) => {
      const c = report.writes.byKind[k];
      return [k, c.requested, c.landed, c.lost, c.duplicated].map(String);
    }),
    ['all', report.writes.requested, report.writes.landed, report.writes.lost, report.writes.duplicated].map(
      String,
    ),
  ];
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(8) : cell.padStart(10))).join(' '))
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { writes: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const writes = positive(
    '--writes / SOAK_WRITES',
    values.writes ?? process.env.SOAK_WRITES,
    DEFAULT_SOAK.writes,
  );
  const minutes = positive(
    '--minutes / SOAK_MINUTES',
    values.minutes ?? process.env.SOAK_MINUTES,
    DEFAULT_SOAK.budgetMs / 60_000,
  );
  const seed = positive('--seed / SOAK_SEED', values.seed ?? process.env.SOAK_SEED, DEFAULT_SOAK.seed);
  if (!existsSync(E2E_DIST)) {
    const built = spawnSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'], {
      stdio: 'inherit',
    });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const options = { ...DEFAULT_SOAK, writes, seed, budgetMs: minutes * 60_000 };
  const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
  log(`${writes} writes, seed ${seed}, budget ${minutes} min`);
  const crm = await startCrm(soakCrmOptions(options));
  const profile = mkdtempSync(join(tmpdir(), 'threadline-soak-'));
  const context = await launchWithExtension(profile);
  let report: SoakReport;
  try {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    report = await runSoak({ context, extensionId, crm }, { ...options, log });
  } finally {
    await context.close().catch(() => undefined);
    await crm.dispose().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
  const json = JSON.stringify({ when: new Date().toISOString(), ...report }, null, 2);
  const out = fileURLToPath(new URL('results/soak.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('results/', import.meta.url)), { recursive: true });
  writeFileSync(out, `${json}\n`);
  console.log(json);
  console.log(`\n${table(report)}`);
  console.log(
    `\n${report.requests.retries} retries (${report.requests.serverErrors} 5xx, ${report.requests.dropped} dropped), ` +
      `${report.faults.workerStops} worker stops, ${report.faults.serverRestarts} server restart(s), ` +
      `${report.seconds.total} s, ${report.writesPerSecond} writes/s${report.complete ? '' : ` — INCOMPLETE: ${report.incomplete}`}`,
  );
  if (report.companies.duplicated > 0)
    console.log(
      `${report.companies.duplicated} of ${report.companies.domains} new e-mail domains got more than one company`,
    );
  console.log(`report: ${out}`);
  const failed =
    !report.complete ||
    report.writes.lost > 0 ||
    report.writes.duplicated > 0 ||
    report.companies.duplicated > 0 ||
    report.outboxAtEnd.dead > 0;
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
