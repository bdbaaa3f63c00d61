// `npm test`: typecheck, lint, unit tests, both builds, then the browser tests in Chromium.
// Every stage runs even if an earlier one failed (except browser tests without a build), and the
// last line is the CI summary: `tests: N passed, N failed[, N skipped]` (unit + browser tests, plus
// one failure for each failed check).  `--only e2e` runs the builds and browser tests only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureDeps } from './ensure-deps.mjs';
import { findChromium, HOW_TO_GET_CHROMIUM } from './find-chromium.mjs';

const onlyE2e = process.argv.includes('--only') && process.argv.includes('e2e');
ensureDeps();

const bin = (name) => `node_modules/.bin/${name}`;
const results = { passed: 0, failed: 0, skipped: 0 };
const checks = [];
mkdirSync('test-results', { recursive: true });

function stage(name, command, args, env = {}) {
  console.log(`\n[threadline] ── ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = run.status === 0;
  console.log(
    `[threadline] ── ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return ok;
}

function check(name, command, args) {
  const ok = stage(name, command, args);
  checks.push(`${name} ${ok ? 'ok' : 'FAILED'}`);
  if (!ok) results.failed += 1;
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

if (!onlyE2e) {
  check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  check('lint', bin('biome'), ['ci', '.']);
  rmSync('test-results/unit.json', { force: true });
  const unitOk = stage('unit tests', bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/unit.json',
  ]);
  const unit = readJson('test-results/unit.json');
  if (unit) {
    results.passed += unit.numPassedTests;
    results.failed += unit.numFailedTests;
    results.skipped += unit.numPendingTests + unit.numTodoTests;
    if (!unitOk && unit.numFailedTests === 0) results.failed += 1; // e.g. a suite that failed to load
  } else if (!unitOk) {
    results.failed += 1;
  }
}

const builtProd = check('build', bin('vite'), ['build', '--logLevel', 'warn']);
const builtE2e = check('build (e2e)', bin('vite'), ['build', '--mode', 'e2e', '--logLevel', 'warn']);
const built = builtProd && builtE2e;
const chromium = findChromium();
if (!built) {
  console.error('[threadline] browser tests skipped: the build failed.');
} else if (!chromium) {
  console.error(`[threadline] ${HOW_TO_GET_CHROMIUM}`);
  checks.push('chromium MISSING');
  results.failed += 1;
} else {
  rmSync('test-results/e2e.json', { force: true });
  const e2eOk = stage('browser tests', bin('playwright'), ['test'], {
    CHROMIUM_PATH: chromium,
    PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json',
  });
  const e2e = readJson('test-results/e2e.json');
  if (e2e?.stats) {
    results.passed += e2e.stats.expected + e2e.stats.flaky;
    results.failed += e2e.stats.unexpected;
    results.skipped += e2e.stats.skipped;
    if (!e2eOk && e2e.stats.unexpected === 0) results.failed += 1;
  } else if (!e2eOk) {
    results.failed += 1;
  }
}

const summary = `tests: ${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`;
console.log(`\n[threadline] checks: ${checks.join(', ')}`);
writeFileSync('test-results/summary.txt', `${summary}\n`);
console.log(summary);
process.exit(results.failed === 0 && existsSync('test-results/summary.txt') ? 0 : 1);
