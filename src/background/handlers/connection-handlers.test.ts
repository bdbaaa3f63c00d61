/**
 * The toolbar popup's messages through the whole worker (`main()` on the in-memory browser, the
 * router and its sender and account checks): the overview, "Sync now" and "Try again".
 */
import { fakeBrowser } from '@webext-core/fake-browser';
import Dexie, { type DBCore } from 'dexie';
import { describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  gmailSender,
  popupSender,
  recordingSink,
  sidebarSender,
  TEST_ORIGIN,
} from '../../../test/unit/fake-platform';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { CRM_KINDS, responseSchemaOf } from '../../shared/protocol';
import { createConnectionStore } from '../connection/connection-store';
import { main } from '../main';

const ME = 'sam@corp.test';
const OTHER = 'sam@elsewhere.test';
const LOCAL = 'http://127.0.0.1:8787/developer_api/v1';
const options = { id: 'threadlinetestid', url: `${TEST_ORIGIN}src/options/index.html` };

async function setup(
  policy: Record<string, unknown> = {},
  connected = true,
  /** A worker Chrome starts while the disk is full: these accounts were paused before it started. */
  wokenOnFullDisk: string[] | null = null,
) {
  const fake = createFakePlatform();
  const sink = recordingSink();
  const db = new ThreadlineDb(`popup-${Math.random()}`);
  // While `diskFull.on`: every read and write fails as Chromium's do once it closed the database on
  // a full disk and refuses to reopen it (db/storage-full.ts).
  const diskFull = { on: false };
  const refused = () =>
    new Dexie.DatabaseClosedError(
      new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError'),
    );
  db.use({
    stack: 'dbcore',
    name: 'disk-full-double',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        const guard =
          <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
          (...args: A): Promise<R> =>
            diskFull.on ? Promise.reject(refused()) : call(...args);
        return {
          ...table,
          get: guard(table.get),
          getMany: guard(table.getMany),
          query: guard(table.query),
          openCursor: guard(table.openCursor),
          count: guard(table.count),
          mutate: guard(table.mutate),
        };
      },
    }),
  });
  const requests: string[] = [];
  await (fakeBrowser.storage.managed as unknown as { set(p: Record<string, unknown>): Promise<void> }).set(
    policy,
  );
  if (connected)
    await createConnectionStore(db, fake.session).save(
      { kind: 'local', baseUrl: LOCAL, email: ME, accountName: 'Demo Co', userName: 'Sam', connectedAt: 1 },
      'key',
    );
  await db.accounts.bulkPut([
    { account: ME, firstSeenAt: 1, lastSeenAt: 20 },
    { account: OTHER, firstSeenAt: 1, lastSeenAt: 10 },
  ]);
  const fetchImpl = async (url: string, init: RequestInit) => {
    requests.push(`${String(init.method)} ${new URL(url).pathname}`);
    const path = new URL(url).pathname;
    const json = path.endsWith('/account')
      ? { id: 1, name: 'Demo Co' }
      : path.endsWith('/users/me')
        ? { id: 1, name: 'Sam', email: ME }
        : path.endsWith('/activity_types')
          ? { user: [], system: [] }
          : [];
    return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify(json) };
  };
  if (wokenOnFullDisk) {
    await fake.session.set(
      'storageFull',
      Object.fromEntries(wokenOnFullDisk.map((a) => [a, { since: 1, attempts: 1, retryAt: 2 }])),
    );
    // Chrome had filled in the managed store in this browser session, before the disk filled.
    await fake.session.set('policyChecked', true);
    diskFull.on = true;
  }
  main(fake.platform, createLogger('worker', sink), { db, fetchImpl, policyGraceMs: 5 });
  const overview = async () =>
    responseSchemaOf('statusOverview').parse(await fake.send({ type: 'statusOverview' }, popupSender()));
  return { ...fake, db, sink, requests, overview, diskFull };
}

const deadWrite = (account: string, seq: number) => ({
  account,
  seq,
  recordKey: `person:${seq}`,
  idempotencyKey: `k-${seq}`,
  op: 'addNote',
  payload: {},
  state: 'dead' as const,
  attempts: 5,
  nextAttemptAt: 0,
  lastError: 'unauthorized',
  createdAt: 1,
});

/** The disk fills with ME's sync paused for it, in the worker that is running: the popup asks. */
async function overviewOnFullDisk(env: Awaited<ReturnType<typeof setup>>) {
  await env.session.set('storageFull', { [ME]: { since: 1, attempts: 1, retryAt: 2 } });
  env.diskFull.on = true;
  return env.overview();
}

describe('statusOverview (the toolbar popup)', () => {
  it('answers the connection and each seen account’s status, most recently seen first', async () => {
    const env = await setup();
    await env.db.outbox.bulkPut([deadWrite(ME, 1), { ...deadWrite(ME, 2), state: 'pending' }]);
    const answer = await env.overview();
    expect(answer.info).toMatchObject({ kind: 'local', accountName: 'Demo Co', userName: 'Sam' });
    expect(answer.blocked).toBeNull();
    expect(answer.accounts.map((a) => a.account)).toEqual([ME, OTHER]);
    expect(answer.accounts[0]?.status).toMatchObject({
      health: 'ok',
      pendingWrites: 1,
      failedWrites: 1,
      sync: { running: false, initial: true, lastSyncAt: null },
    });
    expect(answer.accounts[0]?.status.failedReasons).toEqual([expect.stringMatching(/^Note: .*API key/)]);
    expect(answer.accounts[1]?.status).toMatchObject({ pendingWrites: 0, failedWrites: 0 });
  });

  it('says "not connected" when nothing is saved', async () => {
    const env = await setup({}, false);
    const answer = await env.overview();
    expect(answer).toMatchObject({ info: null, blocked: null });
    expect(answer.accounts[0]?.status.health).toBe('notConnected');
  });

  // The saved connection is to the local CRM; the policy names another kind.
  for (const kind of CRM_KINDS.filter((k) => k !== 'local')) {
    it(`says why the admin policy stopped the saved connection (policy: ${kind})`, async () => {
      const env = await setup({ CrmKind: kind });
      const answer = await env.overview();
      expect(answer.blocked).toContain('CrmKind');
      expect(answer.accounts[0]?.status.health).toBe('policyBlocked');
    });
  }

  it('lists no account outside the policy’s account domains', async () => {
    const env = await setup({ AllowedGoogleAccountDomains: ['corp.test'] });
    expect((await env.overview()).accounts.map((a) => a.account)).toEqual([ME]);
  });

  it('still says which accounts are paused for storage when even the saved connection cannot be read', async () => {
    const env = await setup();
    expect((await env.overview()).info).toMatchObject({ accountName: 'Demo Co' });
    const answer = await overviewOnFullDisk(env);
    // What this worker last read, and the paused account shown as paused (not a failed message).
    expect(answer.info).toMatchObject({ accountName: 'Demo Co' });
    expect(answer.accounts.map((a) => [a.account, a.status.storageFull])).toEqual([[ME, true]]);
  });

  it('names the connection on a full disk even when the popup had not asked before (the worker read it for something else)', async () => {
    const env = await setup();
    // The settings page read it; no overview was asked while the disk had space.
    expect((await env.send({ type: 'getConnection' }, options)) as unknown).toMatchObject({
      info: { accountName: 'Demo Co' },
    });
    const answer = await overviewOnFullDisk(env);
    expect(answer.info).toMatchObject({ accountName: 'Demo Co' });
    expect(answer.accounts.map((a) => [a.account, a.status.storageFull])).toEqual([[ME, true]]);
  });

  it('names the connection on a full disk in a worker woken since (Chrome stops an idle one after 30 s)', async () => {
    // setup() saved the connection through another worker's store; this worker never read it.
    const env = await setup({}, true, [ME]);
    const answer = await env.overview();
    expect(answer.info).toMatchObject({ accountName: 'Demo Co', userName: 'Sam' });
    expect(answer.accounts.map((a) => [a.account, a.status.storageFull])).toEqual([[ME, true]]);
  });

  it('in a worker woken on a full disk, shows only paused accounts the managed policy allows, none if it cannot be read', async () => {
    const env = await setup({ AllowedGoogleAccountDomains: ['corp.test'] }, true, [ME, OTHER]);
    expect((await env.overview()).accounts.map((a) => a.account)).toEqual([ME]);
    env.platform.managed.get = async () => {
      throw new Error('policy file unreadable');
    };
    const unreadable = await env.overview();
    expect(unreadable.accounts).toEqual([]);
    expect(unreadable.info).toMatchObject({ accountName: 'Demo Co' });
  });

  it('says the browser lost the database (created again, empty) until the user dismisses it', async () => {
    const env = await setup();
    expect((await env.overview()).cacheLost).toBeUndefined();
    // Chromium deletes the database (found damaged after a full disk); Dexie creates it again, empty.
    env.db.close({ disableAutoOpen: false });
    await env.db.outbox.count(); // the worker's own open, as in the extension
    env.db.close({ disableAutoOpen: false });
    await Dexie.delete(env.db.name);
    const answer = await env.overview();
    expect(answer).toMatchObject({ info: null, accounts: [], cacheLost: true });
    expect(env.sink.lines.map((l) => l.line)).toContainEqual(expect.stringContaining('database.lost'));
    // Only Threadline's own pages may dismiss it.
    expect(await env.send({ type: 'dismissCacheLoss' }, gmailSender(7))).toBeUndefined();
    expect((await env.overview()).cacheLost).toBe(true);
    expect(await env.send({ type: 'dismissCacheLoss' }, options)).toEqual({ ok: true });
    expect((await env.overview()).cacheLost).toBeUndefined();
  });

  it('is answered to the popup and the settings page only (the page shows when sync is paused for storage)', async () => {
    const env = await setup();
    for (const sender of [sidebarSender(7), gmailSender(7)])
      expect(await env.send({ type: 'statusOverview' }, sender)).toBeUndefined();
    expect(await env.send({ type: 'statusOverview' }, options)).toMatchObject({
      accounts: expect.any(Array),
    });
    expect(await env.send({ type: 'statusOverview', extra: 1 }, popupSender())).toBeUndefined();
    expect(env.sink.lines.filter((l) => l.line.includes('may not send statusOverview'))).toHaveLength(2);
  });
});

describe('"Sync now" and "Try again" from the popup (in no Gmail tab)', () => {
  it('syncs the account it names', async () => {
    const env = await setup();
    expect(await env.send({ type: 'syncNow', account: ME }, popupSender())).toEqual({ ok: true });
    await expect.poll(() => env.requests.length).toBeGreaterThan(0);
  });

  it('puts the failed writes back in the queue', async () => {
    // Not connected: the queue keeps them (nothing drains it), so the move is seen as it is.
    const env = await setup({}, false);
    await env.db.outbox.put(deadWrite(ME, 1));
    expect(await env.send({ type: 'retryWrites', account: ME }, popupSender())).toEqual({ ok: true });
    expect((await env.overview()).accounts[0]?.status).toMatchObject({ failedWrites: 0, pendingWrites: 1 });
  });

  it('refuses both for an account outside the policy’s domains', async () => {
    const env = await setup({ AllowedGoogleAccountDomains: ['corp.test'] });
    await env.db.outbox.put(deadWrite(OTHER, 1));
    expect(await env.send({ type: 'syncNow', account: OTHER }, popupSender())).toBeUndefined();
    expect(await env.send({ type: 'retryWrites', account: OTHER }, popupSender())).toBeUndefined();
    expect((await env.db.outbox.toArray()).map((row) => row.state)).toEqual(['dead']);
    expect(env.requests).toEqual([]);
    // The same requests for the allowed account go through: the refusals were about the account.
    expect(await env.send({ type: 'retryWrites', account: ME }, popupSender())).toEqual({ ok: true });
  });
});
