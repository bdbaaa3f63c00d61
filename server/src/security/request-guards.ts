/**
 * What keeps the local CRM from being an open door on the user's machine (issue 14). They run on
 * every request, before routing decides anything, so no spelling of a path gets around them:
 * 1. the request must be addressed to this server: `Host` (and the authority of an absolute-form
 *    request target) must be the loopback name or address it listens on. A web page that points its
 *    own domain at 127.0.0.1 (DNS rebinding) sends `Host: evil.example` and is refused;
 * 2. CORS answers only `chrome-extension://` origins (the worker of an unpacked or installed
 *    Threadline), never reflects another origin, so a preflight from a web page fails;
 * 3. a request that carries another Origin is refused outright (covers requests that need no
 *    preflight, such as a form POST).
 * Authentication and the rate limit run inside the API's route scope (create-crm-server.ts).
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Chrome extension ids are 32 letters a–p. */
export const EXTENSION_ORIGIN = /^chrome-extension:\/\/[a-p]{32}$/;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The host names this connection may use: loopback, and the address it actually arrived on. */
function allowedHosts(request: FastifyRequest): Set<string> {
  const socket = request.raw.socket;
  const port = socket.localPort;
  const names = [...LOOPBACK_NAMES];
  const local = socket.localAddress?.replace(/^::ffff:/, '');
  // An IP literal cannot be rebound; a name other than localhost could be.
  if (local) names.push(local.includes(':') ? `[${local}]` : local);
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  if (port === 80) for (const name of names) hosts.add(name);
  return hosts;
}

function misdirected(reply: FastifyReply, hosts: Set<string>, what: string): FastifyReply {
  const [first] = hosts;
  return reply.status(421).send({
    success: false,
    status: 421,
    message: `Misdirected Request: ${what}. This server answers only requests addressed to it, such as http://${first ?? '127.0.0.1'}/`,
  });
}

/** Refuses requests addressed to another host (absolute-form targets and `Host`). */
async function checkHost(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const hosts = allowedHosts(request);
  const target = request.raw.url ?? '';
  if (!target.startsWith('/')) {
    // Absolute form (`GET http://other.host/path`), or `*`: the authority in the target counts.
    let authority: string | null = null;
    try {
      const url = new URL(target);
      if (url.protocol === 'http:') authority = url.host.toLowerCase();
    } catch {
      authority = null;
    }
    if (authority === null || !hosts.has(authority)) {
      return misdirected(
        reply,
        hosts,
        `the request target ${JSON.stringify(target.slice(0, 100))} is not this server`,
      );
    }
  }
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !hosts.has(host)) {
    return misdirected(
      reply,
      hosts,
      host === undefined
        ? 'the Host header is missing'
        : `Host ${JSON.stringify(host.slice(0, 100))} is not this server`,
    );
  }
  return undefined;
}

/** What CORS lets the extension's worker send and read: each personality's own headers. */
export interface CorsHeaders {
  methods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
}

/** Copper's: its three X-PW-* headers in, X-PW-TOTAL out. */
export const COPPER_CORS: CorsHeaders = {
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'X-PW-AccessToken', 'X-PW-Application', 'X-PW-UserEmail'],
  exposedHeaders: ['X-PW-TOTAL'],
};

/** Registers the three guards on the root instance, before any route. */
export async function registerRequestGuards(
  app: FastifyInstance,
  headers: CorsHeaders = COPPER_CORS,
): Promise<void> {
  app.addHook('onRequest', checkHost);
  // The extension's worker calls from chrome-extension://<id>; let it read the personality's headers.
  await app.register(cors, {
    origin: EXTENSION_ORIGIN,
    methods: headers.methods,
    allowedHeaders: headers.allowedHeaders,
    exposedHeaders: headers.exposedHeaders,
    maxAge: 600,
  });
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' || origin === undefined || EXTENSION_ORIGIN.test(origin))
      return undefined;
    return reply.status(403).send({
      success: false,
      status: 403,
      message: 'Forbidden: this server answers the Threadline extension (chrome-extension:// origins) only',
    });
  });
}
