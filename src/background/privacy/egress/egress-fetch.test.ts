/**
 * The egress gate's own rules (egress-fetch.ts, issue 14), each in a test that fails if the rule is
 * removed: the destination origin, `credentials: 'omit'`, `redirect: 'error'`, no referrer, the
 * timeout, the consent check, and the audit row written before the request leaves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AuditEntry,
  createEgress,
  EgressDenied,
  type EgressRequest,
  type EgressResponse,
  REQUEST_TIMEOUT_MS,
} from './egress-fetch';

const CRM = 'https://api.crm.example';

interface Sent {
  url: string;
  init: RequestInit;
}

const answer = (status = 200, body = '{}'): EgressResponse => ({
  status,
  headers: { get: () => null },
  text: async () => body,
});

/** A fetch that records what it was asked to send and answers at once. */
function recordingFetch(): {
  sent: Sent[];
  fetchImpl: (url: string, init: RequestInit) => Promise<EgressResponse>;
} {
  const sent: Sent[] = [];
  return {
    sent,
    fetchImpl: async (url, init) => {
      sent.push({ url, init });
      return answer();
    },
  };
}

const read = (url = `${CRM}/developer_api/v1/people/1`): EgressRequest => ({
  url,
  method: 'GET',
  headers: { 'X-Api-Key': 'key' },
  purpose: 'syncRecords',
  dataClasses: ['crmData'],
});

const logEmail = (account = 'me@example.test'): EgressRequest => ({
  url: `${CRM}/developer_api/v1/activities`,
  method: 'POST',
  headers: { 'X-Api-Key': 'key', 'Content-Type': 'application/json' },
  body: '{"details":"Hello"}',
  purpose: 'logEmail',
  dataClasses: ['googleUserData', 'crmData'],
  recordIds: ['person:1'],
  account,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('destination', () => {
  it('sends to the connected CRM origin', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const egress = createEgress({ allowedOrigin: () => CRM, fetchImpl });
    expect((await egress(read())).status).toBe(200);
    expect(sent.map((s) => s.url)).toEqual([`${CRM}/developer_api/v1/people/1`]);
  });

  it.each([
    ['another host', 'https://evil.example/developer_api/v1/people/1'],
    [
      'a host that only starts like the CRM',
      'https://api.crm.example.evil.example/developer_api/v1/people/1',
    ],
    ['the CRM over plain HTTP', 'http://api.crm.example/developer_api/v1/people/1'],
    ['the CRM host on another port', 'https://api.crm.example:8443/developer_api/v1/people/1'],
    ['user info that hides another host', 'https://api.crm.example@evil.example/developer_api/v1/people/1'],
    ['not a URL', 'api.crm.example/people'],
  ])('refuses %s, and sends nothing', async (_label, url) => {
    const { sent, fetchImpl } = recordingFetch();
    const egress = createEgress({ allowedOrigin: () => CRM, fetchImpl });
    await expect(egress(read(url))).rejects.toBeInstanceOf(EgressDenied);
    expect(sent).toEqual([]);
    // The same gate still sends to the CRM: the refusal is about the destination.
    await egress(read());
    expect(sent).toHaveLength(1);
  });

  it('refuses everything when no CRM is connected', async () => {
    const { sent, fetchImpl } = recordingFetch();
    let origin: string | null = null;
    const egress = createEgress({ allowedOrigin: () => origin, fetchImpl });
    await expect(egress(read())).rejects.toThrow(/no CRM is connected/);
    expect(sent).toEqual([]);
    origin = CRM;
    await egress(read());
    expect(sent).toHaveLength(1);
  });

  it('follows the allowed origin as it changes', async () => {
    const { sent, fetchImpl } = recordingFetch();
    let origin = CRM;
    const egress = createEgress({ allowedOrigin: () => origin, fetchImpl });
    await egress(read());
    origin = 'http://127.0.0.1:8787';
    await expect(egress(read())).rejects.toBeInstanceOf(EgressDenied);
    await egress(read('http://127.0.0.1:8787/developer_api/v1/people/1'));
    expect(sent.map((s) => new URL(s.url).origin)).toEqual([CRM, 'http://127.0.0.1:8787']);
  });

  it('refuses plain HTTP to a configured CRM that is not on this machine', async () => {
    const { sent, fetchImpl } = recordingFetch();
    let origin = 'http://crm.example';
    const egress = createEgress({ allowedOrigin: () => origin, fetchImpl });
    await expect(egress(read('http://crm.example/developer_api/v1/people/1'))).rejects.toThrow(/insecure/);
    expect(sent).toEqual([]);
    origin = 'http://localhost:8787';
    await egress(read('http://localhost:8787/developer_api/v1/people/1'));
    expect(sent).toHaveLength(1);
  });

  it('reaches an admin-allowed host over HTTPS only', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const egress = createEgress({
      allowedOrigin: () => CRM,
      extraHosts: () => ['crm.corp.example'],
      fetchImpl,
    });
    await expect(egress(read('http://crm.corp.example/developer_api/v1/people/1'))).rejects.toBeInstanceOf(
      EgressDenied,
    );
    await egress(read('https://crm.corp.example/developer_api/v1/people/1'));
    expect(sent.map((s) => s.url)).toEqual(['https://crm.corp.example/developer_api/v1/people/1']);
  });
});

describe('hardened request options', () => {
  it('omits credentials, refuses redirects, sends no referrer and bypasses the cache', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const egress = createEgress({ allowedOrigin: () => CRM, fetchImpl });
    await egress(read());
    const init = sent[0]?.init;
    expect(init?.credentials).toBe('omit');
    expect(init?.redirect).toBe('error');
    expect(init?.referrerPolicy).toBe('no-referrer');
    expect(init?.referrer).toBe('');
    expect(init?.cache).toBe('no-store');
    // What the caller asked for is sent as it was.
    expect(init?.method).toBe('GET');
    expect(init?.headers).toEqual({ 'X-Api-Key': 'key' });
  });

  it(`gives up on a CRM that does not answer within ${REQUEST_TIMEOUT_MS} ms`, async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | null = null;
    let started!: () => void;
    const sending = new Promise<void>((resolve) => {
      started = resolve;
    });
    // A CRM that accepts the request and never answers: only the signal ends it.
    const fetchImpl = (_url: string, init: RequestInit) =>
      new Promise<EgressResponse>((_resolve, reject) => {
        signal = init.signal ?? null;
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        started();
      });
    const egress = createEgress({ allowedOrigin: () => CRM, fetchImpl });
    const outcome = egress(read()).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    await sending;
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    expect((signal as AbortSignal | null)?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('TimeoutError');
    expect((signal as AbortSignal | null)?.aborted).toBe(true);
  });
});

describe('consent', () => {
  it('refuses Google user data for a purpose that needs consent until the account has it', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const asked: [string, string][] = [];
    let agreed = false;
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async (scope, account) => {
        asked.push([scope, account]);
        return agreed;
      },
      fetchImpl,
    });
    const refused = await egress(logEmail()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EgressDenied);
    expect((refused as EgressDenied).consent).toBe('emailLogging');
    expect(sent).toEqual([]);
    agreed = true;
    await egress(logEmail());
    expect(sent).toHaveLength(1);
    expect(asked).toEqual([
      ['emailLogging', 'me@example.test'],
      ['emailLogging', 'me@example.test'],
    ]);
  });

  it('refuses such a call that names no account, and one with no consent store', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const withStore = createEgress({ allowedOrigin: () => CRM, hasConsent: async () => true, fetchImpl });
    await expect(withStore(logEmail(''))).rejects.toBeInstanceOf(EgressDenied);
    const withoutStore = createEgress({ allowedOrigin: () => CRM, fetchImpl });
    await expect(withoutStore(logEmail())).rejects.toBeInstanceOf(EgressDenied);
    expect(sent).toEqual([]);
    await withStore(logEmail());
    expect(sent).toHaveLength(1);
  });
});

describe('audit', () => {
  it('writes the row before the request leaves, and sends nothing until it is written', async () => {
    const sent: Sent[] = [];
    const rows: AuditEntry[] = [];
    let finishWrite!: () => void;
    let writeStarted!: () => void;
    // Settles when the audit write begins, or (if the gate skipped it) when the request is sent.
    const writing = new Promise<void>((resolve) => {
      writeStarted = resolve;
    });
    const fetchImpl = async (url: string, init: RequestInit): Promise<EgressResponse> => {
      sent.push({ url, init });
      writeStarted();
      return answer();
    };
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async () => true,
      now: () => 1_700_000_000_000,
      audit: (entry) =>
        new Promise<void>((resolve) => {
          writeStarted();
          finishWrite = () => {
            rows.push(entry);
            resolve();
          };
        }),
      fetchImpl,
    });
    const done = egress(logEmail());
    await writing;
    // The audit write has begun and not finished: nothing has left yet.
    expect(sent).toEqual([]);
    finishWrite();
    await done;
    expect(sent).toHaveLength(1);
    expect(rows).toEqual([
      {
        account: 'me@example.test',
        at: 1_700_000_000_000,
        purpose: 'logEmail',
        host: 'api.crm.example',
        method: 'POST',
        dataClasses: ['googleUserData', 'crmData'],
        recordIds: ['person:1'],
        bytes: 19,
      },
    ]);
    // Never the content.
    expect(JSON.stringify(rows)).not.toContain('Hello');
  });

  it('sends nothing when the audit row cannot be written', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async () => true,
      audit: async () => {
        throw new Error('disk full');
      },
      fetchImpl,
    });
    await expect(egress(logEmail())).rejects.toThrow('disk full');
    expect(sent).toEqual([]);
  });

  it("takes the rate limiters' turn after the audit row and just before the request leaves; a refused call takes none", async () => {
    const order: string[] = [];
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async (_scope, account) => account === 'me@example.test',
      audit: async () => void order.push('audit'),
      fetchImpl: async () => {
        order.push('send');
        return answer();
      },
    });
    const beforeSend = async () => void order.push('turn');
    await egress({ ...logEmail(), beforeSend });
    expect(order).toEqual(['audit', 'turn', 'send']);
    order.length = 0;
    await expect(egress({ ...logEmail(), account: 'other@example.test', beforeSend })).rejects.toThrow(
      EgressDenied,
    );
    expect(order).toEqual([]);
  });

  it('does not audit plain CRM reads', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const rows: AuditEntry[] = [];
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async () => true,
      audit: async (entry) => {
        rows.push(entry);
      },
      fetchImpl,
    });
    await egress(read());
    await egress(logEmail());
    expect(sent).toHaveLength(2);
    expect(rows.map((r) => r.purpose)).toEqual(['logEmail']);
  });
});

describe('rule 0: the admin policy in force now', () => {
  it('refuses before anything else (no audit row, nothing sent), and asks again on every call', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const rows: AuditEntry[] = [];
    let refusal: string | null = 'the policy names another CRM';
    const egress = createEgress({
      allowedOrigin: () => CRM,
      hasConsent: async () => true,
      audit: async (row) => void rows.push(row),
      policyRefusal: async () => refusal,
      fetchImpl,
    });
    const denied = await egress(logEmail()).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(EgressDenied);
    expect(denied).toMatchObject({ policy: true, consent: null });
    expect(sent).toEqual([]);
    expect(rows).toEqual([]);
    // The policy changed: the same gate lets the call through, with no reconnect.
    refusal = null;
    await egress(logEmail());
    expect(sent).toHaveLength(1);
    expect(rows).toHaveLength(1);
  });
});
