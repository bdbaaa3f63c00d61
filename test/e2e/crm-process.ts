import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrmProbe, crmProbe, type ServerApiKind } from './crm-probe';

export interface CrmProcess {
  /** Which API the server speaks (`--api`). */
  apiKind: ServerApiKind;
  /** The extension's CRM kind for this server, from its ready line (`local` = the Copper personality). */
  kind: 'local' | 'hubspot';
  /** What a test reads back from the CRM, in CRM-neutral terms. */
  probe: CrmProbe;
  baseUrl: string;
  origin: string;
  apiKey: string;
  email: string;
  adminToken: string;
  port: number;
  /** Calls the CRM API as the demo owner. */
  api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; total: string | null }>;
  stop(): Promise<void>;
  /** Starts again on the same port and database. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

interface Ready {
  kind?: 'local' | 'hubspot';
  origin: string;
  baseUrl: string;
  apiKey: string;
  email: string;
  adminToken: string;
}

/** The repo's CRM server in its own process, on 127.0.0.1, with a fresh seeded database. */
export async function startCrm(
  options: { people?: number; extraArgs?: string[]; api?: ServerApiKind } = {},
): Promise<CrmProcess> {
  const apiKind = options.api ?? 'copper';
  const dir = mkdtempSync(join(tmpdir(), 'threadline-crm-'));
  const db = join(dir, 'crm.sqlite');
  let child: ChildProcess | null = null;
  let port = 0;
  let ready: Ready | null = null;

  const launch = async (): Promise<Ready> => {
    const args = [
      '--import',
      'tsx',
      'server/src/main.ts',
      '--db',
      db,
      '--port',
      String(port),
      '--seed-people',
      String(options.people ?? 300),
    ];
    args.push(
      '--rate-limit',
      '0',
      '--admin-token',
      'e2e-admin',
      '--record-requests',
      ...(apiKind === 'hubspot' ? ['--api', 'hubspot'] : []),
      ...(options.extraArgs ?? []),
    );
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    // A run that dies before stopping it (a browser that would not start) leaves no server behind.
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.off('exit', killOnExit));
    let out = '';
    return new Promise<Ready>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('THREADLINE_CRM_READY '));
        if (line) resolve(JSON.parse(line.slice('THREADLINE_CRM_READY '.length)) as Ready);
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.on('exit', (code) => reject(new Error(`CRM exited (${code}):\n${out}`)));
    });
  };

  ready = await launch();
  port = Number(new URL(ready.origin).port);
  const first = ready;
  const headers: Record<string, string> =
    apiKind === 'hubspot'
      ? { Authorization: `Bearer ${first.apiKey}` }
      : {
          'X-PW-AccessToken': first.apiKey,
          'X-PW-Application': 'developer_api',
          'X-PW-UserEmail': first.email,
        };
  const api: CrmProcess['api'] = async (method, path, body) => {
    const response = await fetch(`${first.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? null : (JSON.parse(text) as unknown),
      total: response.headers.get('X-PW-TOTAL'),
    };
  };
  const crm: CrmProcess = {
    apiKind: apiKind,
    kind: first.kind ?? 'local',
    probe: crmProbe(apiKind, api),
    baseUrl: first.baseUrl,
    origin: first.origin,
    apiKey: first.apiKey,
    email: first.email,
    adminToken: first.adminToken,
    port,
    api,
    async stop() {
      const proc = child;
      // Already gone (exited, or killed by a signal): 'exit' will not fire again.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<boolean>((resolve) => proc.on('exit', () => resolve(true)));
      proc.kill('SIGTERM');
      // Ctrl+C must stop the server promptly; if it does not, say so instead of hanging the run.
      const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref());
      if (!(await Promise.race([exited, timedOut]))) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error('the CRM server did not exit within 5 s of SIGTERM');
      }
    },
    async start() {
      await launch();
    },
    async dispose() {
      try {
        await crm.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return crm;
}
