import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lets `server.close()` finish while browsers hold connections open.
 *
 * Node closes only connections it considers idle, and a connection that was opened but has not
 * sent a request yet (Chromium preconnects speculatively) is not one of them: the server then
 * never exits on Ctrl+C or SIGTERM. From `beginClosing()` on, every connection with no request in
 * progress is destroyed at once, and every other one as soon as its last answer has been written,
 * so answers in flight still arrive.
 */
export function trackConnections(server: Server): { beginClosing(): void } {
  const inProgress = new Map<Socket, number>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    inProgress.set(socket, 0);
    socket.once('close', () => inProgress.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    inProgress.set(socket, (inProgress.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const count = inProgress.get(socket);
      // The connection may already be gone (the client hung up first): do not add it back.
      if (count === undefined) return;
      const left = count - 1;
      inProgress.set(socket, left);
      if (closing && left === 0) socket.destroySoon();
    });
  });

  return {
    beginClosing() {
      closing = true;
      for (const [socket, count] of inProgress) if (count === 0) socket.destroy();
    },
  };
}
