/**
 * `npm run crm -- [--api copper|hubspot] --port 8787 --db ./.crm/demo.sqlite --seed-people 1000
 *   [--rate-limit 180] [--latency-ms N] [--fail-rate 0.1] [--drop-rate 0.01] [--host 127.0.0.1]
 *   [--seed 42] [--admin-token T] [--record-requests]
 *   [--hubspot-tier free|starter|professional|enterprise] [--daily-limit N] [--hubspot-scopes a,b]`
 * Starts the local CRM server speaking Copper's API (the default) or HubSpot's, seeding the
 * database first if it is empty. One database file holds one personality's world.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  API_PREFIX,
  type CrmApi,
  createCrmServer,
  HUBSPOT_TIERS,
  type HubspotTier,
} from './create-crm-server';
import { isSeeded, openDatabase } from './db/open-database';
import { keyFilePathFor, loadOrIssueCredentials } from './security/credentials';
import { hashSecret } from './security/secrets';
import type { DemoUser } from './seed/seed-demo-data';
import { seedDemoData } from './seed/seed-demo-data';
import { seededApi, seedHubspotData } from './seed/seed-hubspot-data';

const USAGE = `Usage: npm run crm -- [--api copper|hubspot] [--port 8787] [--host 127.0.0.1] [--db ./.crm/demo.sqlite]
  [--seed-people 1000] [--seed 42] [--rate-limit 180] [--rate-window-ms 60000] [--latency-ms 0] [--fail-rate 0]
  [--drop-rate 0] [--admin-token TOKEN] [--record-requests] [--seed-only] [--date-order MM/DD|DD/MM]
  HubSpot only: [--hubspot-tier free|starter|professional|enterprise] [--daily-limit N] [--hubspot-scopes a,b,c]
  (--rate-limit is then per 10 s, the tier's by default; --rate-limit 0 turns every limit off)`;

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got "${raw}")\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        'seed-people': { type: 'string' },
        seed: { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-window-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'fail-rate': { type: 'string' },
        'drop-rate': { type: 'string' },
        'admin-token': { type: 'string' },
        'record-requests': { type: 'boolean' },
        'seed-only': { type: 'boolean' },
        'date-order': { type: 'string' },
        api: { type: 'string' },
        'hubspot-tier': { type: 'string' },
        'daily-limit': { type: 'string' },
        'hubspot-scopes': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dbPath = resolve(values.db ?? '.crm/demo.sqlite');
  const people = number('seed-people', values['seed-people'], 1000, 0, 1_000_000);
  const orderArg = values['date-order'];
  if (orderArg !== undefined && orderArg !== 'MM/DD' && orderArg !== 'DD/MM') {
    console.error(`--date-order must be MM/DD or DD/MM (got "${orderArg}")\n${USAGE}`);
    process.exit(2);
  }
  const apiArg = values.api ?? 'copper';
  if (apiArg !== 'copper' && apiArg !== 'hubspot') {
    console.error(`--api must be copper or hubspot (got "${apiArg}")\n${USAGE}`);
    process.exit(2);
  }
  const api: CrmApi = apiArg;
  const tierArg = values['hubspot-tier'] ?? 'free';
  if (!Object.hasOwn(HUBSPOT_TIERS, tierArg)) {
    console.error(
      `--hubspot-tier must be one of ${Object.keys(HUBSPOT_TIERS).join(', ')} (got "${tierArg}")\n${USAGE}`,
    );
    process.exit(2);
  }
  const tier = HUBSPOT_TIERS[tierArg as HubspotTier];
  const db = openDatabase(dbPath);
  const holds = seededApi(db);
  if (holds !== null && holds !== api) {
    console.error(`${dbPath} holds the ${holds} demo world; use another --db for --api ${api}.`);
    process.exit(2);
  }
  let seededUsers: DemoUser[] = [];
  if (!isSeeded(db)) {
    const started = performance.now();
    const seed = api === 'hubspot' ? seedHubspotData : seedDemoData;
    const summary = seed(db, {
      people,
      seed: number('seed', values.seed, 42, 0, 2 ** 31),
      ...(orderArg ? { dateOrder: orderArg } : {}),
    });
    seededUsers = summary.users;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`[crm] seeded ${dbPath} in ${seconds} s: ${JSON.stringify(summary.counts)}`);
  } else {
    console.log(`[crm] using the existing database ${dbPath}`);
  }
  // The plain keys live only in the key file (mode 0600) beside the database; SQLite keeps hashes.
  const keyFile = keyFilePathFor(dbPath);
  const credentials = loadOrIssueCredentials(db, keyFile, seededUsers);
  if (values['seed-only']) {
    db.close();
    return;
  }

  const host = values.host ?? '127.0.0.1';
  // `--admin-token` (for tests) replaces the stored token for this run only.
  const adminToken = values['admin-token'] ?? credentials.adminToken;
  const hubspot = api === 'hubspot';
  const app = await createCrmServer({
    db,
    api,
    ...(hubspot
      ? {
          hubspot: {
            dailyLimit: number('daily-limit', values['daily-limit'], tier.daily, 0, 100_000_000),
            ...(values['hubspot-scopes'] !== undefined
              ? {
                  scopes: values['hubspot-scopes']
                    .split(',')
                    .map((s) => s.trim())
                    .filter((s) => s !== ''),
                }
              : {}),
          },
        }
      : {}),
    rateLimit: number('rate-limit', values['rate-limit'], hubspot ? tier.interval : 180, 0, 1_000_000),
    rateWindowMs: number('rate-window-ms', values['rate-window-ms'], hubspot ? 10_000 : 60_000, 1, 3_600_000),
    faults: {
      latencyMs: number('latency-ms', values['latency-ms'], 0, 0, 60_000),
      failRate: number('fail-rate', values['fail-rate'], 0, 0, 1),
      dropRate: number('drop-rate', values['drop-rate'], 0, 0, 1),
    },
    adminTokenSha256: hashSecret(adminToken),
    recordRequests: values['record-requests'] ?? false,
    // The order the database was seeded with, unless this run says otherwise.
    ...(orderArg ? { dateOrder: orderArg } : {}),
  });
  await app.listen({ host, port: number('port', values.port, 8787, 0, 65_535) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const [owner] = credentials.users;
  // HubSpot's routes sit at its real paths under the origin, as under https://api.hubapi.com.
  const baseUrl = hubspot ? origin : `${origin}${API_PREFIX}`;
  if (hubspot) {
    console.log(`
Threadline demo CRM (HubSpot CRM API v3/v4 compatible) is running.
  API address:          ${baseUrl}
  Private-app token:    ${owner?.apiKey ?? '(no users)'}
  Owner e-mail:         ${owner?.email ?? '(no users)'}
In Threadline: open the extension's Options → Connect a CRM → "HubSpot", paste the token and the
owner e-mail, and under "Advanced" set the API address above (instead of https://api.hubapi.com).`);
  } else {
    console.log(`
Threadline demo CRM (Copper Developer API v1 compatible) is running.
  Base URL:   ${baseUrl}
  API key:    ${owner?.apiKey ?? '(no users)'}
  User email: ${owner?.email ?? '(no users)'}
In Threadline: open the extension's Options → Connect a CRM → "Local demo CRM", and paste the
API key and user email (the address is filled in for port 8787).`);
  }
  console.log(`The keys and the admin token are kept in ${keyFile} (readable only by you; the database stores
only their hashes). Delete that file and restart to get new keys.
Press Ctrl+C to stop.`);
  // One machine-readable line for scripts and tests that start the server. `kind` is the extension's
  // CRM kind for this personality: "local" (the local Copper-speaking server) or "hubspot".
  console.log(
    `THREADLINE_CRM_READY ${JSON.stringify({ kind: hubspot ? 'hubspot' : 'local', origin, baseUrl, apiKey: owner?.apiKey, email: owner?.email, adminToken, keyFile })}`,
  );
  const stop = () => {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
