import { describe, expect, it } from 'vitest';
import { createWorkerClient, WorkerRequestError } from './worker-client';

const noWait = () => Promise.resolve();

describe('the worker client', () => {
  it('sends the typed request and returns the answer checked against its declaration', async () => {
    const sent: unknown[] = [];
    const client = createWorkerClient(async (m) => {
      sent.push(m);
      return { results: [] };
    });
    expect(await client.ask('searchCrm', { account: 'me@corp.test', query: 'acme' })).toEqual({
      results: [],
    });
    expect(sent).toEqual([{ type: 'searchCrm', account: 'me@corp.test', query: 'acme' }]);
  });

  it('throws the worker’s own words when its handler failed, without retrying', async () => {
    let calls = 0;
    const client = createWorkerClient(async () => {
      calls += 1;
      return { threadlineError: { message: 'The CRM is busy.', retry: true } };
    });
    const error = await client.ask('syncNow', { account: 'me@corp.test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerRequestError);
    expect(error).toMatchObject({ kind: 'failed', userMessage: 'The CRM is busy.', retry: true });
    expect(calls).toBe(1);
  });

  it('retries only a failed delivery while the worker restarts', async () => {
    let calls = 0;
    const client = createWorkerClient(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('Could not establish connection. Receiving end does not exist.');
        return { ok: true };
      },
      { wait: noWait },
    );
    expect(await client.ask('syncNow', { account: 'me@corp.test' })).toEqual({ ok: true });
    expect(calls).toBe(3);
  });

  it('does not retry any other delivery error, and says unreachable', async () => {
    let calls = 0;
    const client = createWorkerClient(
      async () => {
        calls += 1;
        throw new Error('Extension context invalidated.');
      },
      { wait: noWait },
    );
    await expect(client.ask('syncNow', { account: 'me@corp.test' })).rejects.toMatchObject({
      kind: 'unreachable',
    });
    expect(calls).toBe(1);
  });

  it('fails a request nobody answers in time instead of waiting forever', async () => {
    const client = createWorkerClient(() => new Promise(() => undefined), { timeoutMs: 20 });
    await expect(client.ask('syncNow', { account: 'me@corp.test' })).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('treats no answer (a refused message) and an answer of the wrong shape as errors', async () => {
    const refused = createWorkerClient(async () => undefined);
    await expect(refused.ask('syncNow', { account: 'me@corp.test' })).rejects.toMatchObject({
      kind: 'refused',
      retry: false,
    });
    const odd = createWorkerClient(async () => ({ ok: true, extra: 'field' }));
    await expect(odd.ask('syncNow', { account: 'me@corp.test' })).rejects.toMatchObject({
      kind: 'badAnswer',
    });
  });
});
