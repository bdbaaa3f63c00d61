import { describe, expect, it, vi } from 'vitest';
import { createWorkerClient, UndeliveredError } from '../shared/worker-client';
import { type ContentPortLike, createPortTransport, PORT_CLOSED } from './worker-port';

/**
 * Runtime ports as the content script sees them, as strict as Chrome's: once closed (by either end),
 * posting throws and nothing more arrives. `vanish` closes one the way Chrome may before its
 * onDisconnect is delivered.
 */
function fakeWorkerPorts() {
  type Fake = ContentPortLike & {
    posted: { id: number; message: unknown }[];
    answer(reply: unknown): void;
    close(): void;
    vanish(): void;
    disconnected: boolean;
  };
  const ports: Fake[] = [];
  const connect = (): ContentPortLike => {
    const messageListeners: ((m: unknown) => void)[] = [];
    const closeListeners: (() => void)[] = [];
    let closed = false;
    const port: Fake = {
      posted: [],
      disconnected: false,
      postMessage(m: unknown) {
        if (closed) throw new Error('Attempting to use a disconnected port object');
        port.posted.push(m as { id: number; message: unknown });
      },
      disconnect() {
        closed = true;
        port.disconnected = true;
      },
      onMessage: { addListener: (l) => void messageListeners.push(l) },
      onDisconnect: { addListener: (l) => void closeListeners.push(l) },
      answer: (reply) => {
        if (!closed) for (const l of messageListeners) l(reply);
      },
      close: () => {
        closed = true;
        for (const l of closeListeners) l();
      },
      vanish: () => {
        closed = true;
      },
    };
    ports.push(port);
    return port;
  };
  return { ports, connect };
}

describe('the content script’s port transport', () => {
  it('opens one port for every request and matches each answer to its request by id', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const send = createPortTransport(connect);
    const first = send({ type: 'hostStatus' });
    const second = send({ type: 'rowBadges' });
    expect(ports).toHaveLength(1);
    expect(ports[0]?.posted).toEqual([
      { id: 1, message: { type: 'hostStatus' } },
      { id: 2, message: { type: 'rowBadges' } },
    ]);
    // Answers in another order than asked; one refused (no answer field).
    ports[0]?.answer({ id: 2 });
    ports[0]?.answer({ id: 1, answer: { enabled: true } });
    await expect(first).resolves.toEqual({ enabled: true });
    await expect(second).resolves.toBeUndefined();
  });

  it('ignores an answer of another shape, and keeps waiting for the real one', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const send = createPortTransport(connect);
    let settled = false;
    const asked = send({ type: 'hostStatus' }).finally(() => {
      settled = true;
    });
    ports[0]?.answer({ id: 1, answer: 'x', extra: true });
    ports[0]?.answer({ id: '1', answer: 'x' });
    ports[0]?.answer('nonsense');
    await Promise.resolve();
    expect(settled).toBe(false);
    ports[0]?.answer({ id: 1, answer: 'yes' });
    await expect(asked).resolves.toBe('yes');
  });

  it('fails what was waiting when the port closes, and opens a new port for the next request', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const send = createPortTransport(connect);
    const waiting = send({ type: 'rowBadges' });
    ports[0]?.close();
    await expect(waiting).rejects.toThrow(PORT_CLOSED);
    const next = send({ type: 'rowBadges' });
    expect(ports).toHaveLength(2);
    ports[1]?.answer({ id: 2, answer: 'again' });
    await expect(next).resolves.toBe('again');
  });

  it('fails a request posted on a port Chrome already closed, with all that waited on it, and opens a new one after', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const send = createPortTransport(connect);
    const waiting = send({ type: 'hostStatus' });
    ports[0]?.vanish();
    await expect(send({ type: 'rowBadges' })).rejects.toThrow(UndeliveredError);
    await expect(waiting).rejects.toThrow(PORT_CLOSED);
    expect(ports[0]?.disconnected).toBe(true);
    void send({ type: 'rowBadges' });
    expect(ports).toHaveLength(2);
    expect(ports[1]?.posted).toEqual([{ id: 3, message: { type: 'rowBadges' } }]);
  });

  it('fails without asking again when the extension is gone (the port cannot even open)', async () => {
    let tries = 0;
    const client = createWorkerClient(
      createPortTransport(() => {
        tries += 1;
        throw new Error('Extension context invalidated.');
      }),
      { wait: async () => undefined },
    );
    await expect(client.ask('hostStatus', { account: 'me@corp.test' })).rejects.toMatchObject({
      kind: 'unreachable',
    });
    expect(tries).toBe(1);
  });

  it('does not deliver again a request that timed out before its port closed', async () => {
    const { ports, connect } = fakeWorkerPorts();
    let retry: (() => void) | undefined;
    const client = createWorkerClient(createPortTransport(connect), {
      timeoutMs: 5,
      wait: () =>
        new Promise<void>((resolve) => {
          retry = resolve;
        }),
    });
    await expect(client.ask('rowBadges', { account: 'me@corp.test', rows: [] })).rejects.toMatchObject({
      kind: 'timeout',
    });
    ports[0]?.close();
    // The request that timed out learns its port is gone and waits to try again; then it gives up.
    await vi.waitFor(() => expect(retry).toBeDefined());
    retry?.();
    // The next request opens a port and goes on it alone: the one that timed out is not sent again
    // (were it, it would follow on the same port while this one waits for its answer).
    const next = client.ask('rowBadges', { account: 'me@corp.test', rows: [] }, { timeoutMs: 60_000 });
    const sent = ports[1]?.posted[0];
    ports[1]?.answer({ id: sent?.id, answer: { badges: [] } });
    await expect(next).resolves.toEqual({ badges: [] });
    expect(ports).toHaveLength(2);
    expect(ports[1]?.posted).toEqual([sent]);
  });

  it('lets the worker client deliver a request again when its port closed before the answer (a stopped worker)', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const client = createWorkerClient(createPortTransport(connect), { wait: async () => undefined });
    const asked = client.ask('rowBadges', { account: 'me@corp.test', rows: [] });
    ports[0]?.close();
    await expect.poll(() => ports.length).toBe(2);
    ports[1]?.answer({ id: 2, answer: { badges: [] } });
    await expect(asked).resolves.toEqual({ badges: [] });
  });
});
