// `npm start [-- --crm hubspot]`: installs if needed, builds the extension into dist/, says how to
// load it, then runs the local demo CRM (Copper-compatible by default, or HubSpot-compatible with
// `--crm hubspot`; SQLite in .crm/, seeded on first run) in the foreground.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDeps } from './ensure-deps.mjs';

let crmKind = 'copper';
try {
  crmKind = parseArgs({ options: { crm: { type: 'string', default: 'copper' } }, strict: true }).values.crm;
} catch (error) {
  console.error(
    `[threadline] ${error instanceof Error ? error.message : String(error)}\nUsage: npm start [-- --crm copper|hubspot]`,
  );
  process.exit(2);
}
if (crmKind !== 'copper' && crmKind !== 'hubspot') {
  console.error(`[threadline] --crm must be copper or hubspot (got "${crmKind}").`);
  process.exit(2);
}
const hubspot = crmKind === 'hubspot';
// One database file holds one personality's world, so HubSpot's has its own.
const dbPath = process.env.THREADLINE_CRM_DB ?? (hubspot ? '.crm/hubspot.sqlite' : '.crm/demo.sqlite');
ensureDeps();
console.log('[threadline] building the extension into dist/ …');
const build = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'error'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[threadline] the build failed (see above).');
  process.exit(build.status ?? 1);
}
const connectStep = hubspot
  ? `  4. Threadline's welcome page opens: choose "HubSpot", paste the private-app token and owner
     e-mail printed below, and under "Advanced" set the API address printed below (instead of
     https://api.hubapi.com); test the connection, connect, then "Open Gmail".`
  : `  4. Threadline's welcome page opens: choose "Local demo CRM" and paste the API key and
     e-mail printed below, test the connection, connect, then "Open Gmail".`;
console.log(`
Threadline is built: ${resolve('dist')}

Load it in Chrome or Chromium:
  1. Open chrome://extensions
  2. Turn on "Developer mode" (top right)
  3. Click "Load unpacked" and choose the folder above
${connectStep}
  5. Open any conversation: the sidebar shows who its people are in the CRM (try threads with
     alice.doe@acme.test or bob@acme.test), their company, open deals and recent activity.
     The toolbar icon shows the sync and "Sync now"; its "Settings" changes the rest.

Starting the local demo CRM${hubspot ? ' (HubSpot API)' : ''} (database: ${dbPath}; delete it to start over) …`);

const args = [
  'server/src/main.ts',
  '--db',
  dbPath,
  '--seed-people',
  process.env.THREADLINE_SEED_PEOPLE ?? '1000',
];
if (hubspot) args.push('--api', 'hubspot');
if (process.env.THREADLINE_CRM_PORT) args.push('--port', process.env.THREADLINE_CRM_PORT);
const crm = spawn('node_modules/.bin/tsx', args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => crm.kill(signal));
crm.on('exit', (code, signal) => {
  if (code !== 0 && signal === null) {
    console.error(
      `[threadline] the demo CRM stopped (exit ${code}). Is port ${process.env.THREADLINE_CRM_PORT ?? 8787} in use? Set THREADLINE_CRM_PORT to use another.`,
    );
  }
  process.exit(code ?? 0);
});
