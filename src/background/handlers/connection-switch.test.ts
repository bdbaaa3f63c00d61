import Dexie from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { createFakePlatform, recordingSink, TEST_ID, TEST_ORIGIN } from '../../../test/unit/fake-platform';
import { addPerson } from '../../../test/unit/thread-deps';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { main } from '../main';
import { CRM_DATE_ORDER_SETTING, storedDateOrder } from '../sync/date-order';

const ME = 'sam@corp.test';
const options = { id: TEST_ID, url: `${TEST_ORIGIN}src/options/index.html` };
const A = 'http://127.0.0.1:8787';
const B = 'http://127.0.0.1:9797';

/** A worker whose CRM answers as account "Co at <port>", so two base URLs are two CRMs. */
function worker() {
  const fake = createFakePlatform();
  const db = new ThreadlineDb(`connection-${Math.random()}`);
  const fetchImpl = async (url: string) => {
    const { pathname, port } = new URL(url);
    const json = pathname.endsWith('/account')
      ? { id: 1, name: `Co at ${port}` }
      : pathname.endsWith('/users/me')
        ? { id: 1, name: 'Sam', email: ME }
        : pathname.endsWith('/activity_types')
          ? { user: [], system: [] }
          : [];
    return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify(json) };
  };
  main(fake.platform, createLogger('worker', recordingSink()), { db, fetchImpl, policyGraceMs: 5 });
  const connect = (baseUrl: string, apiKey = 'key-1') =>
    fake.send({ type: 'connect', connection: { kind: 'local', baseUrl, apiKey, email: ME } }, options);
  /** What the cache holds of that CRM: a person, a queued write, the learned date order. */
  const seed = async () => {
    await addPerson(db, 21, 'alice@acme.test', ME);
    await db.settings.put({ name: CRM_DATE_ORDER_SETTING, value: 'dayFirst' });
  };
  /** The outbox's copy outside IndexedDB (outbox-mirror.ts), in storage.local. */
  const mirrored = async () =>
    Object.entries(await fake.local.getAll())
      .filter(([key]) => key.startsWith('outbox:'))
      .map(([, row]) => (row as { payload: unknown }).payload);
  return { db, connect, seed, send: fake.send, mirrored, session: fake.session };
}

/** A queued note, as the outbox stores it. */
const queued = (text: string) => ({
  account: ME,
  recordKey: 'person:21',
  idempotencyKey: `k-${text}`,
  op: 'addNote',
  payload: { personId: 21, text },
  state: 'pending' as const,
  attempts: 0,
  nextAttemptAt: 0,
  lastError: null,
  createdAt: 1,
});

/** The browser deletes the database; the worker's next read creates it again, empty (or restored). */
async function loseDatabase(db: ThreadlineDb): Promise<void> {
  db.close({ disableAutoOpen: false });
  await Dexie.delete(db.name);
}

describe('connection handlers', () => {
  it('connecting to another CRM forgets the cache of the last one, with what was learned of its data', async () => {
    const env = worker();
    expect(await env.connect(A)).toMatchObject({ ok: true, info: { accountName: 'Co at 8787' } });
    await env.seed();
    // A new key for the same CRM: its cache stays valid.
    expect(await env.connect(`${A}/`, 'key-2')).toMatchObject({ ok: true });
    expect(await env.db.people.count()).toBe(1);
    expect(await storedDateOrder(env.db)).toBe('dayFirst');
    // Another CRM: none of the last one's records, ids or date order may be shown or used.
    expect(await env.connect(B)).toMatchObject({ ok: true, info: { accountName: 'Co at 9797' } });
    expect(await env.db.people.count()).toBe(0);
    expect(await storedDateOrder(env.db)).toBeNull();
  });

  it('after the browser lost the database, its queued writes come back, and go only to the CRM they were queued for', async () => {
    for (const [again, kept] of [
      [A, 1],
      [B, 0],
    ] as const) {
      const env = worker();
      await env.connect(A);
      await env.db.outbox.add(queued(`for ${again}`));
      // The copy outside IndexedDB is written once the add committed.
      await vi.waitFor(async () =>
        expect(await env.mirrored()).toEqual([{ personId: 21, text: `for ${again}` }]),
      );
      await loseDatabase(env.db);
      // Back before anything else reads the new database; the saved connection is gone with it.
      expect((await env.db.outbox.toArray()).map((r) => r.payload)).toEqual([
        { personId: 21, text: `for ${again}` },
      ]);
      expect(await env.send({ type: 'getConnection' }, options)).toMatchObject({ info: null });
      // Connecting again: to the same CRM they wait to be sent; to another, they are not its writes.
      expect(await env.connect(again)).toMatchObject({ ok: true });
      await vi.waitFor(async () => expect(await env.db.outbox.count()).toBe(kept));
    }
  });

  it('disconnecting forgets the cache, the learned date order and the connection’s copy, and keeps consents', async () => {
    const env = worker();
    await env.connect(A);
    expect(await env.session.get('crmConnection')).toMatchObject({ kind: 'local' });
    await env.seed();
    await env.db.consents.put({
      account: ME,
      scope: 'emailLogging',
      version: 1,
      textHash: 'h',
      grantedAt: 1,
      withdrawnAt: null,
    });
    expect(await env.send({ type: 'disconnect' }, options)).toEqual({ ok: true });
    expect(await env.db.people.count()).toBe(0);
    expect(await storedDateOrder(env.db)).toBeNull();
    expect(await env.db.consents.count()).toBe(1);
    // PRIVACY.md: "Disconnect" removes the copy of the connection kept in storage.session.
    expect(await env.session.get('crmConnection')).toBeUndefined();
  });
});
