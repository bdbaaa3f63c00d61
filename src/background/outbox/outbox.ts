import { companyRow, leadRow, personRow } from '../../db/record-rows';
import type { OutboxRow, ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { domainOf, isPublicEmailDomain } from '../../shared/normalise-address';
import { backoffDelay } from '../crm/backoff';
import type { CrmClient, PersonPatch } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';

export type OutboxOp =
  | {
      op: 'addPerson';
      payload: { address: string; name: string; companyName: string | null; provisionalId: number };
    }
  | { op: 'addLead'; payload: { address: string; name: string; companyName: string | null } }
  | { op: 'updatePerson'; payload: { personId: number; patch: PersonPatch } };

export interface Outbox {
  enqueue(account: string, recordKey: string, write: OutboxOp): Promise<void>;
  /** Sends what is due, in order per record; returns when nothing more is due now. */
  drain(): Promise<void>;
  /** Dead writes of the account go back to pending, to be tried again at once. */
  retryDead(account: string): Promise<void>;
  /** When the next write is due (ms since epoch), or null if none waits. */
  nextDue(): Promise<number | null>;
}

/**
 * Durable writes: a write is stored before anything is sent (the UI updates optimistically), goes out
 * through the rate-limited client in order per record, is retried with backoff when the CRM is
 * unreachable or busy, and ends in a dead-letter state with the CRM's message when it is refused.
 * Creates check for an existing record first, so a retry after a lost answer never duplicates.
 */
export function createOutbox(options: {
  db: ThreadlineDb;
  client: () => Promise<CrmClient | null>;
  nowMs?: () => number;
  random?: () => number;
  onChange?: (account: string) => void;
  logger: Logger;
}): Outbox {
  const { db, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  let draining: Promise<void> | null = null;

  async function execute(client: CrmClient, row: OutboxRow): Promise<void> {
    const write = { op: row.op, payload: row.payload } as OutboxOp;
    const { account } = row;
    switch (write.op) {
      case 'addPerson': {
        const { address, name, companyName, provisionalId } = write.payload;
        let person = await client.findPersonByEmail(address);
        let company = null;
        if (!person) {
          const domain = domainOf(address);
          if (!isPublicEmailDomain(domain)) {
            company =
              (await client.findCompanyByDomain(domain)) ??
              (await client.createCompany({ name: companyName || domain, domain }));
          }
          person = await client.createPerson({ name, email: address, companyId: company?.id ?? null });
        }
        const created = person;
        await db.transaction('rw', db.people, db.companies, db.negativeLookups, async () => {
          await db.people.delete([account, provisionalId]);
          await db.people.put(personRow(account, created));
          if (company) await db.companies.put(companyRow(account, company));
          await db.negativeLookups.delete([account, address]);
        });
        return;
      }
      case 'addLead': {
        const { address, name, companyName } = write.payload;
        const lead =
          (await client.findLeadByEmail(address)) ??
          (await client.createLead({ name, email: address, companyName }));
        await db.transaction('rw', db.leads, db.negativeLookups, async () => {
          await db.leads.put(leadRow(account, lead));
          await db.negativeLookups.delete([account, address]);
        });
        return;
      }
      case 'updatePerson': {
        const updated = await client.updatePerson(write.payload.personId, write.payload.patch);
        await db.people.put(personRow(account, updated));
        return;
      }
    }
  }

  async function drainOnce(): Promise<void> {
    const client = await options.client();
    if (!client) return;
    for (;;) {
      const rows = await db.outbox.orderBy('seq').toArray();
      const blocked = new Set<string>();
      let progressed = false;
      for (const row of rows) {
        const key = `${row.account}\n${row.recordKey}`;
        if (blocked.has(key)) continue;
        // Later writes to the same record wait for this one: per-record order.
        blocked.add(key);
        if (row.state === 'dead' || row.nextAttemptAt > nowMs()) continue;
        try {
          await execute(client, row);
          await db.outbox.delete(row.seq ?? -1);
          progressed = true;
          blocked.delete(key);
          options.onChange?.(row.account);
        } catch (error) {
          const crm =
            error instanceof CrmError ? error : new CrmError('invalidResponse', 'unexpected failure');
          const attempts = row.attempts + 1;
          const dead = !crm.retryable;
          await db.outbox.update(row.seq ?? -1, {
            attempts,
            state: dead ? 'dead' : 'pending',
            lastError: crm.kind === 'invalidInput' ? crm.message : crm.kind,
            nextAttemptAt:
              nowMs() +
              backoffDelay(attempts - 1, {
                baseMs: 1000,
                capMs: 60_000,
                ...(options.random ? { random: options.random } : {}),
              }),
          });
          logger.warn('outbox.failed', { op: row.op, kind: crm.kind, attempts, dead });
          options.onChange?.(row.account);
          if (crm.kind === 'unreachable') return; // nothing else will get through either
        }
      }
      if (!progressed) return;
    }
  }

  return {
    async enqueue(account, recordKey, write) {
      await db.outbox.add({
        account,
        recordKey,
        idempotencyKey: crypto.randomUUID(),
        op: write.op,
        payload: write.payload,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
        createdAt: nowMs(),
      });
    },
    drain() {
      draining ??= drainOnce().finally(() => {
        draining = null;
      });
      return draining;
    },
    async retryDead(account) {
      await db.outbox
        .where('[account+state]')
        .equals([account, 'dead'])
        .modify({ state: 'pending', nextAttemptAt: 0, attempts: 0 });
      const pending = await db.outbox.where('[account+state]').equals([account, 'pending']).toArray();
      await db.outbox.bulkUpdate(
        pending.map((row) => ({ key: row.seq ?? -1, changes: { nextAttemptAt: 0 } })),
      );
    },
    async nextDue() {
      // Only the first write of each record can go next; later ones wait behind it.
      const heads = new Map<string, OutboxRow>();
      for (const row of await db.outbox.orderBy('seq').toArray()) {
        const key = `${row.account}\n${row.recordKey}`;
        if (!heads.has(key)) heads.set(key, row);
      }
      const due = [...heads.values()].filter((r) => r.state === 'pending').map((r) => r.nextAttemptAt);
      return due.length > 0 ? Math.min(...due) : null;
    },
  };
}
