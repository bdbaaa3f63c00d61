import type { FastifyReply, FastifyRequest } from 'fastify';

/** Fault injection for tests and benchmarks: latency, a failure rate (500/503), dropped connections. */
export interface FaultConfig {
  latencyMs: number;
  /** 0..1: share of API requests answered with 500 or 503. */
  failRate: number;
  /** 0..1: share of API requests whose connection is dropped without an answer. */
  dropRate: number;
}

export const NO_FAULTS: FaultConfig = { latencyMs: 0, failRate: 0, dropRate: 0 };

/** A small seeded PRNG (mulberry32), so a run with the same seed fails the same requests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type FaultDecision = { kind: 'none' } | { kind: 'drop' } | { kind: 'fail'; status: 500 | 503 };

export function decideFault(config: FaultConfig, random: () => number): FaultDecision {
  if (config.dropRate > 0 && random() < config.dropRate) return { kind: 'drop' };
  if (config.failRate > 0 && random() < config.failRate)
    return { kind: 'fail', status: random() < 0.5 ? 500 : 503 };
  return { kind: 'none' };
}

/**
 * The first step of every API request, in both personalities: the configured latency, then maybe a
 * dropped connection (true: the reply is taken over and nothing more may be sent) or a failure,
 * thrown as `failure(status)` so each personality answers in its own error shape.
 */
export async function injectFaults(
  config: FaultConfig,
  random: () => number,
  request: FastifyRequest,
  reply: FastifyReply,
  failure: (status: 500 | 503) => Error,
): Promise<boolean> {
  if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
  const fault = decideFault(config, random);
  if (fault.kind === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  if (fault.kind === 'fail') throw failure(fault.status);
  return false;
}
