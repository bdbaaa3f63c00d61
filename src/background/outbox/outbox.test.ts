import { describe, expect, it } from 'vitest';
import { personRow } from '../../db/record-rows';
import { recordRowKey, ThreadlineDb } from '../../db/threadline-db';
import type { Person } from '../../shared/crm-model';
import { createLogger } from '../../shared/logger';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { createOutbox } from './outbox';

const A = 'me@corp.test';
const base: Person = {
  id: 7,
  name: 'Pat',
  title: null,
  companyId: null,
  companyName: null,
  emails: [{ value: 'pat@acme.test', category: 'work' }],
  phones: [],
  address: null,
  tags: [],
  ownerId: null,
  lastContactedAt: null,
  modifiedAt: 1,
};

function crm(behaviour: { failTimes?: number; kind?: CrmError['kind'] } = {}) {
  const log: string[] = [];
  let failures = behaviour.failTimes ?? 0;
  const people = new Map<string, Person>();
  const client = {
    updatePerson: async (id: number, patch: { title?: string | null }) => {
      if (failures > 0) {
        failures -= 1;
        throw new CrmError(
          behaviour.kind ?? 'unreachable',
          behaviour.kind === 'invalidInput' ? 'Title: is too long' : 'down',
        );
      }
      log.push(`update ${id} ${patch.title}`);
      return { ...base, id, title: patch.title ?? null };
    },
    findPersonByEmail: async (address: string) => people.get(address) ?? null,
    findCompanyByDomain: async () => null,
    createCompany: async (c: { name: string; domain: string }) => {
      log.push(`company ${c.domain}`);
      return { id: 50, name: c.name, domain: c.domain, address: null, phones: [], tags: [], modifiedAt: 1 };
    },
    createPerson: async (p: { name: string; email: string; companyId: number | null }) => {
      log.push(`person ${p.email} at ${p.companyId}`);
      const created = {
        ...base,
        id: 100 + people.size,
        name: p.name,
        emails: [{ value: p.email, category: 'work' }],
      };
      people.set(p.email, created);
      return created;
    },
  } as unknown as CrmClient;
  return { client, log, people };
}

function setup(client: CrmClient) {
  let now = 1_000;
  const db = new ThreadlineDb(`outbox-${Math.random()}`);
  const outbox = createOutbox({
    db,
    client: async () => client,
    nowMs: () => now,
    random: () => 0.5,
    logger: createLogger('t', () => undefined),
  });
  return { db, outbox, advance: (ms: number) => (now += ms) };
}

describe('outbox', () => {
  it('sends writes to one record in order, and keeps going for other records', async () => {
    const fake = crm();
    const { outbox, db } = setup(fake.client);
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'one' } },
    });
    await outbox.enqueue(A, 'person:8', {
      op: 'updatePerson',
      payload: { personId: 8, patch: { title: 'x' } },
    });
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'two' } },
    });
    await outbox.drain();
    expect(fake.log).toEqual(['update 7 one', 'update 8 x', 'update 7 two']);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.people.get(recordRowKey(A, 7)))?.title).toBe('two');
  });

  it('holds later writes to a record while an earlier one waits for a retry, and retries with backoff', async () => {
    const fake = crm({ failTimes: 1 });
    const { outbox, db, advance } = setup(fake.client);
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'one' } },
    });
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'two' } },
    });
    await outbox.drain();
    expect(fake.log).toEqual([]);
    const [first] = await db.outbox.orderBy('seq').toArray();
    expect(first).toMatchObject({ attempts: 1, state: 'pending', lastError: 'unreachable' });
    expect(await outbox.nextDue()).toBeGreaterThan(1_000);
    await outbox.drain(); // not due yet: nothing happens
    expect(fake.log).toEqual([]);
    advance(60_000);
    await outbox.drain();
    expect(fake.log).toEqual(['update 7 one', 'update 7 two']);
  });

  it('puts a refused write in the dead letters with the CRM’s message, and can retry it', async () => {
    const fake = crm({ failTimes: 1, kind: 'invalidInput' });
    const { outbox, db } = setup(fake.client);
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'x'.repeat(10) } },
    });
    await outbox.drain();
    expect(await db.outbox.toArray()).toEqual([
      expect.objectContaining({ state: 'dead', lastError: 'Title: is too long' }),
    ]);
    await outbox.retryDead(A);
    await outbox.drain();
    expect(await db.outbox.count()).toBe(0);
  });

  it('never creates a person twice, even when an answer was lost and the write is retried', async () => {
    const fake = crm();
    const { outbox, db } = setup(fake.client);
    await db.people.put(personRow(A, { ...base, id: -5, name: 'Dave' }, { pending: true }));
    const write = {
      op: 'addPerson' as const,
      payload: { address: 'dave@initech.test', name: 'Dave', companyName: 'Initech', provisionalId: -5 },
    };
    await outbox.enqueue(A, 'contact:dave@initech.test', write);
    await outbox.drain();
    // The same write again (as after a worker died before deleting it): found, not created.
    await outbox.enqueue(A, 'contact:dave@initech.test', write);
    await outbox.drain();
    expect(fake.log).toEqual(['company initech.test', 'person dave@initech.test at 50']);
    expect(await db.people.get(recordRowKey(A, -5))).toBeUndefined();
    expect((await db.people.get(recordRowKey(A, 100)))?.name).toBe('Dave');
  });

  it('retries a failed create no sooner than the CRM’s search shows a write, and other writes by backoff alone', async () => {
    const fake = crm({ failTimes: 1, kind: 'server' });
    // HubSpot's search lags its writes: a retry sooner could miss what the first attempt made.
    const client = {
      ...fake.client,
      searchLagMs: 15_000,
      createCompany: async () => {
        throw new CrmError('server', 'down', 503);
      },
    } as CrmClient;
    const { outbox, db } = setup(client);
    await outbox.enqueue(A, 'person:7', {
      op: 'updatePerson',
      payload: { personId: 7, patch: { title: 'x' } },
    });
    await outbox.enqueue(A, 'contact:dave@initech.test', {
      op: 'addPerson',
      payload: { address: 'dave@initech.test', name: 'Dave', companyName: 'Initech', provisionalId: -5 },
    });
    await outbox.drain();
    const [update, create] = await db.outbox.orderBy('seq').toArray();
    expect(update).toMatchObject({ attempts: 1, lastError: 'server' });
    expect(create).toMatchObject({ attempts: 1, lastError: 'server' });
    expect((update?.nextAttemptAt ?? 0) - 1_000).toBeLessThan(2_000);
    expect((create?.nextAttemptAt ?? 0) - 1_000).toBe(15_000);
    // Try again (or consent given) sends the other writes now, the create still not before then.
    await outbox.retryDead(A);
    const again = await db.outbox.orderBy('seq').toArray();
    expect(again.map((r) => r.nextAttemptAt)).toEqual([0, 16_000]);
  });
});
