/**
 * What the thread modules (src/background/threads/) need, for unit tests: an in-memory database
 * with a random name, an outbox that records what was queued, consent per account, settings that a
 * test changes, and teammates. No stubs of `chrome.*`: the modules take these as plain deps.
 */

import type { OutboxOp } from '../../src/background/outbox/outbox';
import type { QueueDeps } from '../../src/background/threads/queue-logs';
import { personRow } from '../../src/db/record-rows';
import { ThreadlineDb } from '../../src/db/threadline-db';
import type { Person } from '../../src/shared/crm-model';
import type { ThreadFacts } from '../../src/shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings';

export const ME = 'sam@corp.test';

export interface Queued {
  account: string;
  recordKey: string;
  write: OutboxOp;
}

export function threadDeps(overrides: Partial<Settings> = {}) {
  const db = new ThreadlineDb(`threads-${Math.random()}`);
  const queued: Queued[] = [];
  const consented = new Set<string>([ME]);
  const teammates = new Set<string>();
  const current: { settings: Settings } = { settings: { ...DEFAULT_SETTINGS, ...overrides } };
  const deps: QueueDeps = {
    db,
    outbox: { enqueue: async (account, recordKey, write) => void queued.push({ account, recordKey, write }) },
    nowMs: () => 1_800_000_000_000,
    settings: async () => current,
    consent: { has: async (account, scope) => scope === 'emailLogging' && consented.has(account) },
    teammatesOf: async () => teammates,
  };
  return {
    deps,
    db,
    queued,
    consented,
    teammates,
    /** Changes settings as a policy or the user would. */
    set: (patch: Partial<Settings>) => {
      current.settings = { ...current.settings, ...patch };
    },
    /** Only the writes of one op, with their payloads. */
    ops: (op: OutboxOp['op']) => queued.filter((q) => q.write.op === op),
    texts: () => queued.flatMap((q) => ('text' in q.write.payload ? [String(q.write.payload.text)] : [])),
  };
}

/** `details: false`: stored as sync stores a person whose card was never shown (no phones, address, tags). */
export async function addPerson(
  db: ThreadlineDb,
  id: number,
  address: string,
  account = ME,
  options: { details?: boolean } = {},
): Promise<void> {
  await db.people.put(personRow(account, personOf(id, address), options));
}

/** A CRM person with one work address and nothing else set; `overrides` for the rest. */
export function personOf(id: number, address: string, overrides: Partial<Person> = {}): Person {
  return {
    id,
    name: address.split('@')[0] ?? address,
    title: null,
    companyId: null,
    companyName: null,
    emails: [{ value: address, category: 'work' }],
    phones: [],
    address: null,
    tags: [],
    ownerId: null,
    lastContactedAt: null,
    modifiedAt: 1,
    ...overrides,
  };
}

const p = (address: string, name = '') => ({ name, address });

/** A thread: each message is `[from, to...]`, dated a minute apart. */
export function threadOf(
  messages: readonly (readonly string[])[],
  subject = 'Pricing',
  threadId = 't-1',
): ThreadFacts {
  const facts = messages.map(([from = '', ...to], i) => ({
    messageId: `<m${i + 1}@test>`,
    from: p(from),
    recipients: to.map((a) => p(a)),
    date: 1_700_000_000 + i * 60,
  }));
  const everyone = [...new Set(messages.flat())].map((a) => p(a));
  return {
    threadId,
    subject,
    participants: everyone,
    messageIds: facts.map((m) => m.messageId),
    messages: facts,
  };
}

/** A card number that passes Luhn (a test number of a card network). */
export const CARD = '4111 1111 1111 1111';

/** A pipeline "Sales" (id 1) with one stage (id 5), stored as sync stores it. */
export async function addSalesPipeline(db: ThreadlineDb, account = ME): Promise<void> {
  await db.pipelines.put({
    account,
    id: 1,
    name: 'Sales',
    stages: [{ id: 5, name: 'Lead', winProbability: 10 }],
  });
}

/** The sidebar's new deal "Acme" in that pipeline, Alice (21) its primary contact. */
export const newDeal = (threadId: string | null) => ({
  type: 'createDeal' as const,
  account: ME,
  threadId,
  name: 'Acme',
  pipelineId: 1,
  stageId: 5,
  value: null,
  closeDate: null,
  primaryContactId: 21,
  companyId: null,
});
