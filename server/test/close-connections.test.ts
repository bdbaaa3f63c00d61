import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './start-test-server';

const openSocket = async (origin: string): Promise<Socket> => {
  const socket = connect(Number(new URL(origin).port), '127.0.0.1');
  // The server resets these on purpose; the test waits for 'close'.
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
};
const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('closing the server', () => {
  it('is not held open by a connection that never sent a request (a browser preconnect)', async () => {
    const server = await startTestServer({ people: 5 });
    const silent = await openSocket(server.origin);
    const partial = await openSocket(server.origin);
    partial.write('GET /developer_api/v1/account HTTP/1.1\r\nHost: x\r\n');
    const silentClosed = closed(silent);
    const partialClosed = closed(partial);
    // Without the connection tracking this never resolves and the test times out.
    await server.close();
    await Promise.all([silentClosed, partialClosed]);
    expect(silent.destroyed && partial.destroyed).toBe(true);
  });

  it('still answers a request that is in progress, then closes its connection', async () => {
    const server = await startTestServer({ people: 5, faults: { latencyMs: 300 } });
    const received = server.nextRequest();
    const answer = server.call('GET', '/account');
    // The request has reached the server (it is waiting out the latency) before close begins.
    await received;
    await server.close();
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: expect.any(String) });
  });
});
