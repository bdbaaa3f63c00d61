import { describe, expect, it } from 'vitest';
import { createWorkerClient } from '../shared/worker-client';
import { type ContentPortLike, createPortTransport, PORT_CLOSED } from './worker-port';

/** A runtime port as the content script sees it: what it posted, and the worker's side to drive. */
function fakeWorkerPorts() {
  const ports: (ContentPortLike & {
    posted: { id: number; message: unknown }[];
    answer(reply: unknown): void;
    close(): void;
    throwOnPost: boolean;
  })[] = [];
  const connect = (): ContentPortLike => {
    const messageListeners: ((m: unknown) => void)[] = [];
    const closeListeners: (() => void)[] = [];
    const port = {
      posted: [] as { id: number; message: unknown }[],
      throwOnPost: false,
      postMessage(m: unknown) {
        if (port.throwOnPost) throw new Error('Attempting to use a disconnected port object');
        port.posted.push(m as { id: number; message: unknown });
      },
      onMessage: { addListener: (l: (m: unknown) => void) => void messageListeners.push(l) },
      onDisconnect: { addListener: (l: () => void) => void closeListeners.push(l) },
      answer: (reply: unknown) => {
        for (const l of messageListeners) l(reply);
      },
      close: () => {
        for (const l of closeListeners) l();
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

  it('fails a request posted on a port Chrome already closed, and opens a new one after it', async () => {
    const { ports, connect } = fakeWorkerPorts();
    const send = createPortTransport(connect);
    void send({ type: 'hostStatus' });
    if (ports[0]) ports[0].throwOnPost = true;
    await expect(send({ type: 'rowBadges' })).rejects.toThrow(PORT_CLOSED);
    void send({ type: 'rowBadges' });
    expect(ports).toHaveLength(2);
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
