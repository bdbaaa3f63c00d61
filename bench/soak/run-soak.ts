/**
 * The soak (issue 17): thousands of mixed writes sent the way the sidebar sends them, drained by the
 * worker to the local CRM server under faults, then counted in the CRM one by one.
 *
 * - Writes: add person (an unknown address), link a thread to a record, log a thread's messages on
 *   a linked record, note, task, stage change (each open deal changed once), chosen with a seeded
 *   generator so a failing run can be replayed with the same SOAK_SEED. Each is a message from the
 *   sidebar frame to the worker (`chrome.runtime.sendMessage`, the sidebar is their allowed sender),
 *   so it passes the router, the consent and logging gates and the outbox like a click would.
 * - Faults: the server fails `failRate` of API requests with 500/503 and drops `dropRate` of the
 *   connections; the worker is stopped `workerStops` times at random points (while writes are sent
 *   and drained); the server is restarted once half-way (same port and database).
 * - Counting: every write carries a unique marker (an address, a marker line, a note text, a task
 *   name, a deal's new stage); after the outbox is empty the faults are turned off and the CRM is read
 *   back: landed = there exactly once, lost = not there, duplicated = there more than once.
 *
 * A write whose message got no answer (the worker stopped while it was handled) is sent again, as a
 * user would click again; whether the first one was queued or not, it must land once. A note or
 * task is sent again with its save's id, as the sidebar does (sidebar/action-ids.ts).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { BrowserContext, Frame, Page } from '@playwright/test';
import type { FaultConfig } from '../../server/src/faults';
import type { RequestOf } from '../../src/shared/protocol';
import { markerLine } from '../../src/shared/threadline-marker';
import { connectThroughOptions } from '../../test/e2e/connect';
import type { ProbeRef } from '../../test/e2e/crm-probe';
import type { CrmProcess } from '../../test/e2e/crm-process';
import { GMAIL_URL, routeGmail, sidebarFrame, stopServiceWorkers } from '../../test/e2e/fixtures';
import { adminConfig, linkWithConsent } from '../../test/e2e/open-thread';
import { syncDone } from '../browser-measures';
import { countFaults } from './count-faults';
import {
  countCompanies,
  countPeople,
  countTasks,
  dealStages,
  readTargets,
  type SoakTargets,
  serverStats,
} from './soak-crm';
import { MESSAGES_PER_THREAD, soakFixture } from './soak-fixture';

export interface SoakOptions {
  /** Writes to request (each logged message, link, note, … is one). */
  writes: number;
  seed: number;
  /** After this long the soak stops sending and waiting, counts what landed and reports the run incomplete. */
  budgetMs: number;
  failRate: number;
  dropRate: number;
  workerStops: number;
  serverRestarts: 0 | 1;
  /** Writes waiting in the outbox before the soak stops sending more (a user does not queue 10,000 at once). */
  backlog: number;
  log: (line: string) => void;
}

export const DEFAULT_SOAK: Omit<SoakOptions, 'log'> = {
  writes: 10_000,
  seed: 17,
  // 10,000 writes take about 95 minutes on a busy 2-core machine (the outbox sends one at a time).
  budgetMs: 120 * 60_000,
  failRate: 0.3,
  dropRate: 0.01,
  workerStops: 10,
  serverRestarts: 1,
  backlog: 150,
};

export const KINDS = ['person', 'link', 'log', 'note', 'task', 'stage'] as const;
export type WriteKind = (typeof KINDS)[number];

/** Enough open deals for one stage change per planned stage write, plus 20 that take notes. */
export function soakCrmOptions(options: Pick<SoakOptions, 'writes' | 'failRate' | 'dropRate'>): {
  people: number;
  extraArgs: string[];
} {
  // The seed makes a deal for every 5th person, about 60 % of them open.
  const deals = Math.ceil(options.writes / KINDS.length) + 60;
  return {
    people: Math.max(300, Math.ceil((deals * 5) / 0.5)),
    extraArgs: ['--fail-rate', String(options.failRate), '--drop-rate', String(options.dropRate)],
  };
}

export interface KindCounts {
  requested: number;
  landed: number;
  lost: number;
  duplicated: number;
}

export interface SoakReport {
  complete: boolean;
  /**
   * Why the run is incomplete (the time budget ran out), or null. In an incomplete run `lost` counts
   * the writes not found in the CRM, including those still waiting in the outbox (`outboxAtEnd`).
   */
  incomplete: string | null;
  seed: number;
  writes: KindCounts & { target: number; byKind: Record<WriteKind, KindCounts> };
  /** Writes still in the outbox when the soak stopped waiting, and writes the outbox gave up on. */
  outboxAtEnd: { pending: number; dead: number };
  /** Companies the added people created, one per e-mail domain (more would be a duplicate). */
  companies: { domains: number; duplicated: number };
  messages: { sent: number; resentAfterNoAnswer: number; refused: number };
  /**
   * From the server's counts (`/__admin/stats`, and its seeded fault generator: count-faults.ts),
   * exact up to the few requests that arrive between the last count and the restart's SIGTERM.
   */
  requests: {
    /** API requests the server let through (answered), over both server processes. */
    answered: number;
    serverErrors: number;
    dropped: number;
    /** Requests sent again because an attempt failed (each 5xx and each dropped connection). */
    retries: number;
    /** All API requests (answered + failed + dropped) beyond one per write: reads, checks and retries. */
    beyondOnePerWrite: number;
  };
  faults: { failRate: number; dropRate: number; workerStops: number; serverRestarts: number };
  seconds: { total: number; setup: number; writesAndDrain: number; count: number };
  writesPerSecond: number;
  /** A few of the lost and duplicated writes, to start a replay from. */
  examples: { lost: string[]; duplicated: string[] };
  machine: { cores: number; node: string };
}

export interface SoakEnvironment {
  context: BrowserContext;
  extensionId: string;
  /** Started with `soakCrmOptions(options)`. */
  crm: CrmProcess;
}

type Expected =
  | { kind: 'person'; address: string }
  | { kind: 'link' | 'log'; ref: ProbeRef; marker: string }
  | { kind: 'note'; ref: ProbeRef; text: string }
  | { kind: 'task'; name: string }
  | { kind: 'stage'; dealId: number; stageId: number };

type SoakRequest =
  | RequestOf<'addContact'>
  | RequestOf<'linkThread'>
  | RequestOf<'logThread'>
  | RequestOf<'addNote'>
  | RequestOf<'createTask'>
  | RequestOf<'updateDeal'>;

interface Op {
  request: SoakRequest;
  expected: Expected[];
}

type Outcome = { answer: unknown } | { failed: string };

const PERSON_DOMAINS = 20;
const THREADS = 60;
const OPS_PER_BATCH = 20;
const MAX_SENDS = 6;

/** mulberry32: small, seeded, the same sequence on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const refKey = (ref: ProbeRef) => `${ref.type}:${ref.id}`;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/**
 * The writes, made up as the soak goes: a log goes to a record the open thread was linked to
 * earlier (so it is only messages, no new link), a link to a record the thread is not linked to.
 */
function createPlanner(options: SoakOptions, targets: SoakTargets, account: string) {
  const random = seeded(options.seed);
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  // A log is MESSAGES_PER_THREAD writes: it is chosen that much less often, so the mix is even.
  const weights: [WriteKind, number][] = KINDS.map((k) => [k, k === 'log' ? 1 / MESSAGES_PER_THREAD : 1]);
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const linked = new Map<string, Set<string>>();
  const linkedUnlogged = new Map<string, ProbeRef[]>();
  const deals = [...targets.deals];
  let n = 0;
  const fixture = soakFixture(THREADS, options.seed);
  const threads = fixture.threads.slice(-THREADS);

  const next = (threadId: string): Op => {
    n += 1;
    let roll = random() * total;
    let kind: WriteKind = 'note';
    for (const [k, w] of weights) {
      if (roll < w) {
        kind = k;
        break;
      }
      roll -= w;
    }
    const thread = threads.find((t) => t.threadId === threadId);
    if (!thread) throw new Error(`unknown thread ${threadId}`);
    const unlogged = linkedUnlogged.get(threadId) ?? [];
    if (kind === 'log' && unlogged.length === 0) kind = 'link';
    if (kind === 'stage' && deals.length === 0) kind = 'note';
    const tag = `soak ${options.seed}-${n}`;
    switch (kind) {
      case 'person': {
        const address = `soak${options.seed}-p${n}@soak-co${n % PERSON_DOMAINS}.test`;
        return {
          request: {
            type: 'addContact',
            account,
            address,
            name: `Soak Person ${n}`,
            kind: 'person',
            companyName: null,
          },
          expected: [{ kind: 'person', address }],
        };
      }
      case 'link': {
        const done = linked.get(threadId) ?? new Set<string>();
        const free = targets.records.filter((r) => !done.has(refKey(r)));
        if (free.length === 0) break;
        const record = pick(free);
        done.add(refKey(record));
        linked.set(threadId, done);
        linkedUnlogged.set(threadId, [...unlogged, record]);
        return {
          request: { type: 'linkThread', account, threadId, record },
          expected: [{ kind: 'link', ref: record, marker: markerLine({ kind: 'link', threadId }) }],
        };
      }
      case 'log': {
        const index = Math.floor(random() * unlogged.length);
        const record = unlogged[index];
        if (!record) break;
        linkedUnlogged.set(
          threadId,
          unlogged.filter((_, i) => i !== index),
        );
        return {
          request: { type: 'logThread', account, threadId, records: [record] },
          expected: thread.messages.map((m) => ({
            kind: 'log' as const,
            ref: record,
            marker: markerLine({ kind: 'email', threadId, messageId: m.messageId }),
          })),
        };
      }
      case 'task': {
        const name = `${tag} task`;
        return {
          request: {
            type: 'createTask',
            account,
            actionId: randomUUID(),
            name,
            related: { type: 'person', id: pick(targets.people) },
            dueDate: null,
            priority: random() < 0.5 ? 'High' : 'None',
          },
          expected: [{ kind: 'task', name }],
        };
      }
      case 'stage': {
        const deal = deals.shift();
        if (!deal) break;
        const stageId = pick(deal.otherStages);
        return {
          request: { type: 'updateDeal', account, dealId: deal.id, stageId },
          expected: [{ kind: 'stage', dealId: deal.id, stageId }],
        };
      }
      case 'note':
        break;
    }
    const record = pick(targets.records);
    const text = `${tag} note: called back about the rollout.`;
    return {
      request: { type: 'addNote', account, actionId: randomUUID(), record, text },
      expected: [{ kind: 'note', ref: record, text }],
    };
  };
  return { next, fixture, threads: threads.map((t) => t.threadId) };
}

/** Sends the requests one after another from the sidebar frame, as its buttons do. */
async function send(frame: Frame, requests: SoakRequest[]): Promise<Outcome[]> {
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  // No named inner functions: tsx would wrap them in a helper that does not exist in the page.
  return frame.evaluate(async (list) => {
    const out: ({ answer: unknown } | { failed: string })[] = [];
    for (const request of list) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const answer = await Promise.race([
          (globalThis as unknown as Runtime).chrome.runtime.sendMessage(request),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer in 30 s')), 30_000);
          }),
        ]);
        out.push({ answer });
      } catch (error) {
        out.push({ failed: error instanceof Error ? error.message : String(error) });
      } finally {
        clearTimeout(timer);
      }
    }
    return out;
  }, requests);
}

const accepted = (outcome: Outcome): boolean =>
  'answer' in outcome &&
  typeof outcome.answer === 'object' &&
  outcome.answer !== null &&
  (outcome.answer as { ok?: unknown }).ok === true;

const refusal = (outcome: Outcome): string | null =>
  'answer' in outcome &&
  typeof outcome.answer === 'object' &&
  outcome.answer !== null &&
  (outcome.answer as { ok?: unknown }).ok === false
    ? String((outcome.answer as { error?: unknown }).error)
    : null;

/** Pending and dead writes in the outbox, read from the worker's database (null: no worker now). */
export async function outboxCounts(
  context: BrowserContext,
): Promise<{ pending: number; dead: number } | null> {
  const worker = context.serviceWorkers().at(-1);
  if (!worker) return null;
  return worker
    .evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('threadline');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const rows = await new Promise<{ state: string }[]>((resolve, reject) => {
        const request = db.transaction('outbox').objectStore('outbox').getAll();
        request.onsuccess = () => resolve(request.result as { state: string }[]);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return {
        pending: rows.filter((r) => r.state !== 'dead').length,
        dead: rows.filter((r) => r.state === 'dead').length,
      };
    })
    .catch(() => null);
}

/** Waits (polling the worker's outbox) until at most `max` writes are pending, or the deadline. */
async function outboxDownTo(context: BrowserContext, max: number, deadline: number) {
  for (;;) {
    const counts = await outboxCounts(context);
    if (counts && counts.pending <= max) return counts;
    if (Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every sync entity has finished its first pass (the deals the soak changes are in the cache). */
async function syncFinished(context: BrowserContext): Promise<boolean> {
  const worker = context.serviceWorkers().at(-1);
  if (!worker) return false;
  return syncDone(worker).catch(() => false);
}

/** Opens a thread in the Gmail double and waits until the sidebar shows it (the worker has it as the tab's). */
async function openThread(page: Page, frame: Frame, threadId: string): Promise<void> {
  await page.evaluate((id) => {
    location.hash = `#inbox/${id}`;
  }, threadId);
  await frame.locator(`[data-testid="thread"][data-thread-id="${threadId}"]`).waitFor({ timeout: 60_000 });
}

export async function runSoak(env: SoakEnvironment, options: SoakOptions): Promise<SoakReport> {
  const { context, extensionId, crm } = env;
  const { log } = options;
  const startedAt = Date.now();
  const deadline = startedAt + options.budgetMs;
  const random = seeded(options.seed ^ 0x5eed);
  const faultConfig: FaultConfig = { latencyMs: 0, failRate: options.failRate, dropRate: options.dropRate };

  // --- setup, without faults: connect, open Gmail, consent, first sync --------------------------
  await adminConfig(crm, { failRate: 0, dropRate: 0 });
  const targets = await readTargets(crm, Math.ceil(options.writes / KINDS.length) + 10);
  const account = soakFixture(0, options.seed).account;
  const planner = createPlanner(options, targets, account);
  await connectThroughOptions(context, extensionId, crm, 100_000);
  await routeGmail(context, planner.fixture);
  const page = await context.newPage();
  const [pricing] = planner.fixture.threads;
  await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId ?? ''}`);
  const frame = await sidebarFrame(page, extensionId);
  await frame.getByTestId('thread-links').waitFor({ timeout: 60_000 });
  // Limited Use: logging and linking need the user's consent, given here through the notice.
  await linkWithConsent(frame, 'Person: Alice Doe');
  while (!(await syncFinished(context))) {
    if (Date.now() > deadline) throw new Error('the first sync did not finish within the time budget');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await outboxDownTo(context, 0, deadline);
  const setupSeconds = (Date.now() - startedAt) / 1000;
  log(`setup done in ${round(setupSeconds)} s; ${targets.deals.length} deals to change`);

  // --- writes under faults -------------------------------------------------------------------
  await adminConfig(crm, { failRate: options.failRate, dropRate: options.dropRate });
  const answeredBefore = (await serverStats(crm)).requests;
  let answered = 0;
  let faults = { failed: 0, dropped: 0 };
  const writesStart = Date.now();
  const stopAt = Array.from({ length: options.workerStops }, () =>
    Math.floor(options.writes * (0.05 + 0.9 * random())),
  ).sort((a, b) => a - b);
  const restartAt = options.serverRestarts > 0 ? Math.floor(options.writes / 2) : Number.POSITIVE_INFINITY;
  let workerStops = 0;
  let serverRestarts = 0;
  const expected: Expected[] = [];
  let planned = 0;
  let sent = 0;
  let resent = 0;
  const refused: string[] = [];
  let incomplete: string | null = null;

  const restartServer = async () => {
    // The first process's count, just before it goes: the second starts counting from zero.
    const stats = await serverStats(crm);
    const first = countFaults(faultConfig, stats.requests - answeredBefore);
    answered += stats.requests - answeredBefore;
    faults = first;
    await crm.stop();
    await crm.start();
    serverRestarts += 1;
    log(`CRM server restarted after ${planned} writes`);
  };

  for (let batch = 0; planned < options.writes; batch += 1) {
    if (Date.now() > deadline) {
      incomplete = `time budget of ${options.budgetMs / 60_000} min ran out after ${planned} writes were sent`;
      break;
    }
    await outboxDownTo(context, options.backlog, deadline);
    const threadId = planner.threads[batch % planner.threads.length] ?? '';
    await openThread(page, frame, threadId);
    const ops: Op[] = [];
    let batchWrites = 0;
    while (ops.length < OPS_PER_BATCH && planned + batchWrites < options.writes) {
      const op = planner.next(threadId);
      ops.push(op);
      batchWrites += op.expected.length;
    }
    const side: Promise<void>[] = [];
    const end = planned + batchWrites;
    while (stopAt.length > 0 && (stopAt[0] ?? 0) < end) {
      stopAt.shift();
      // A random point inside this batch: while a message is handled, a write queued or sent.
      const delay = Math.floor(random() * 600);
      side.push(
        new Promise((resolve) => setTimeout(resolve, delay)).then(async () => {
          await stopServiceWorkers(context, page);
          workerStops += 1;
          log(`worker stopped (${workerStops}) around write ${planned}`);
        }),
      );
    }
    if (restartAt < end && serverRestarts < options.serverRestarts) side.push(restartServer());
    let waiting = ops;
    for (let attempt = 0; waiting.length > 0; attempt += 1) {
      const outcomes = await send(
        frame,
        waiting.map((op) => op.request),
      );
      sent += waiting.length;
      const again: Op[] = [];
      outcomes.forEach((outcome, i) => {
        const op = waiting[i];
        if (!op) return;
        if (accepted(outcome)) {
          expected.push(...op.expected);
          return;
        }
        if (attempt + 1 >= MAX_SENDS) {
          refused.push(`${op.request.type}: ${refusal(outcome) ?? JSON.stringify(outcome)}`);
          return;
        }
        again.push(op);
      });
      resent += again.length;
      waiting = again;
      if (again.length > 0) {
        // After a stop the tab's thread is still open (storage.session); wait until the sidebar is back.
        await openThread(page, frame, threadId);
      }
    }
    await Promise.all(side);
    planned = end;
    if (batch % 25 === 0) {
      const counts = await outboxCounts(context);
      log(
        `${planned} of ${options.writes} writes sent, ${counts?.pending ?? '?'} in the outbox ` +
          `(${Math.round((Date.now() - writesStart) / 1000)} s)`,
      );
    }
  }

  // --- drain ----------------------------------------------------------------------------------
  const left = await outboxDownTo(context, 0, deadline);
  if (!left || left.pending > 0) {
    incomplete ??= `time budget of ${options.budgetMs / 60_000} min ran out with ${left?.pending ?? '?'} writes still in the outbox`;
  }
  const stats = await serverStats(crm);
  const last = countFaults(
    faultConfig,
    serverRestarts > 0 ? stats.requests : stats.requests - answeredBefore,
  );
  answered += serverRestarts > 0 ? stats.requests : stats.requests - answeredBefore;
  faults = { failed: faults.failed + last.failed, dropped: faults.dropped + last.dropped };
  await adminConfig(crm, { failRate: 0, dropRate: 0 });
  const writesSeconds = (Date.now() - writesStart) / 1000;
  log(`writes sent and drained in ${round(writesSeconds)} s; counting`);

  // --- count in the CRM -----------------------------------------------------------------------
  const countStart = Date.now();
  const found = await countFound(crm, expected);
  const domains = [
    ...new Set(expected.flatMap((e) => (e.kind === 'person' ? [e.address.split('@')[1] ?? ''] : []))),
  ];
  const companies = await countCompanies(crm, domains);
  const byKind = Object.fromEntries(
    KINDS.map((k) => [k, { requested: 0, landed: 0, lost: 0, duplicated: 0 }]),
  ) as Record<WriteKind, KindCounts>;
  const examples: SoakReport['examples'] = { lost: [], duplicated: [] };
  expected.forEach((write, i) => {
    const n = found[i] ?? 0;
    const counts = byKind[write.kind];
    counts.requested += 1;
    if (n === 1) counts.landed += 1;
    else if (n === 0) {
      counts.lost += 1;
      if (examples.lost.length < 10) examples.lost.push(JSON.stringify(write));
    } else {
      counts.duplicated += 1;
      if (examples.duplicated.length < 10) examples.duplicated.push(`${n}× ${JSON.stringify(write)}`);
    }
  });
  const sum = (key: keyof KindCounts) => KINDS.reduce((total, k) => total + byKind[k][key], 0);
  const end = await outboxCounts(context);
  const total = (Date.now() - startedAt) / 1000;
  const allRequests = answered + faults.failed + faults.dropped;
  return {
    complete: incomplete === null,
    incomplete,
    seed: options.seed,
    writes: {
      target: options.writes,
      requested: sum('requested'),
      landed: sum('landed'),
      lost: sum('lost'),
      duplicated: sum('duplicated'),
      byKind,
    },
    outboxAtEnd: end ?? left ?? { pending: -1, dead: -1 },
    companies: { domains: domains.length, duplicated: [...companies.values()].filter((n) => n > 1).length },
    messages: { sent, resentAfterNoAnswer: resent, refused: refused.length },
    requests: {
      answered,
      serverErrors: faults.failed,
      dropped: faults.dropped,
      retries: faults.failed + faults.dropped,
      beyondOnePerWrite: allRequests - sum('requested'),
    },
    faults: {
      failRate: options.failRate,
      dropRate: options.dropRate,
      workerStops,
      serverRestarts,
    },
    seconds: {
      total: round(total),
      setup: round(setupSeconds),
      writesAndDrain: round(writesSeconds),
      count: round((Date.now() - countStart) / 1000),
    },
    writesPerSecond: round(sum('requested') / writesSeconds, 2),
    examples: { ...examples, ...(refused.length > 0 ? { refused: refused.slice(0, 10) } : {}) },
    machine: { cores: cpus().length, node: process.version },
  };
}

/** How many times each expected write is in the CRM, in the order of `expected`. */
async function countFound(crm: CrmProcess, expected: Expected[]): Promise<number[]> {
  const people = await countPeople(
    crm,
    expected.flatMap((e) => (e.kind === 'person' ? [e.address] : [])),
  );
  const tasks = await countTasks(
    crm,
    expected.flatMap((e) => (e.kind === 'task' ? [e.name] : [])),
  );
  const stages = await dealStages(
    crm,
    expected.flatMap((e) => (e.kind === 'stage' ? [e.dealId] : [])),
  );
  const records = new Map<string, ProbeRef>();
  for (const e of expected) if ('ref' in e) records.set(refKey(e.ref), e.ref);
  const details = new Map<string, string[]>();
  for (const [key, ref] of records) details.set(key, await crm.probe.activityTexts(ref));
  const activities = (ref: ProbeRef) => details.get(refKey(ref)) ?? [];
  return expected.map((e) => {
    if (e.kind === 'person') return people.get(e.address) ?? 0;
    if (e.kind === 'task') return tasks.get(e.name) ?? 0;
    // Setting a stage twice leaves one stage: a stage change lands or is lost, never duplicated.
    if (e.kind === 'stage') return stages.get(e.dealId) === e.stageId ? 1 : 0;
    if (e.kind === 'note') return activities(e.ref).filter((d) => d === e.text).length;
    return activities(e.ref).filter((d) => d.trimEnd().endsWith(e.marker)).length;
  });
}
