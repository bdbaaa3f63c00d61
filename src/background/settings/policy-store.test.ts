import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';
import {
  createFakePlatform,
  gmailSender,
  recordingSink,
  TEST_ORIGIN,
} from '../../../test/unit/fake-platform';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { main } from '../main';
import { createEgress } from '../privacy/egress/egress-fetch';
import { createPolicyStore } from './policy-store';

const setPolicy = (policy: Record<string, unknown>) =>
  (fakeBrowser.storage.managed as unknown as { set(items: Record<string, unknown>): Promise<void> }).set(
    policy,
  );

function store(graceMs = 50) {
  const fake = createFakePlatform();
  const db = new ThreadlineDb(`policy-${Math.random()}`);
  const changes: unknown[] = [];
  const policy = createPolicyStore({
    managed: fake.platform.managed,
    session: fake.session,
    db,
    logger: createLogger('t', () => undefined),
    onChange: (s) => changes.push(s),
    graceMs,
  });
  return { policy, fake, changes };
}

/** A policy store per worker start, on the same browser storage and database. */
const restarts =
  (fake: ReturnType<typeof createFakePlatform>, db: ThreadlineDb, logged: string[] = []) =>
  () =>
    createPolicyStore({
      managed: fake.platform.managed,
      session: fake.session,
      db,
      logger: createLogger('t', (_level, line) => void logged.push(line)),
      graceMs: 5,
    });

/** The policy's database reads fail as on a full disk (Chromium holds the database closed) until `free()`. */
function fullDisk(db: ThreadlineDb): { free(): void } {
  const bulkGet = db.settings.bulkGet.bind(db.settings);
  let full = true;
  db.settings.bulkGet = ((keys: string[]) =>
    full
      ? Promise.reject(new DOMException('Internal error opening backing store', 'UnknownError'))
      : bulkGet(keys)) as typeof db.settings.bulkGet;
  return {
    free() {
      full = false;
    },
  };
}

describe('admin policy store', () => {
  it('reads the managed store, the session note and the database together, not one after another', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`policy-${Math.random()}`);
    await setPolicy({ RetentionDays: 9 });
    const started: string[] = [];
    let answerManaged: () => void = () => undefined;
    const managedHeld = new Promise<void>((resolve) => {
      answerManaged = resolve;
    });
    const bulkGet = db.settings.bulkGet.bind(db.settings);
    db.settings.bulkGet = ((keys: string[]) => {
      started.push('database');
      return bulkGet(keys);
    }) as typeof db.settings.bulkGet;
    const policy = createPolicyStore({
      managed: {
        ...fake.platform.managed,
        get: async () => {
          started.push('managed');
          await managedHeld;
          return fake.platform.managed.get();
        },
      },
      session: {
        ...fake.session,
        get: (key) => {
          started.push('session');
          return fake.session.get(key);
        },
      },
      db,
      logger: createLogger('t', () => undefined),
    });
    const resolved = policy.current();
    // All three asked at once, while the managed store has not answered.
    expect(started.sort()).toEqual(['database', 'managed', 'session']);
    answerManaged();
    expect((await resolved).settings.retentionDays).toBe(9);
  });

  it('reads the managed policy and locks what it sets', async () => {
    const { policy } = store();
    await setPolicy({ RetentionDays: 7, EmailContentLevel: 'bogus' });
    const resolved = await policy.current();
    expect(resolved.settings.retentionDays).toBe(7);
    expect(resolved.locked).toEqual(['retentionDays']);
    expect(resolved.warnings).toHaveLength(1);
  });

  it('waits (fail-closed) when the store is empty at start-up, and takes a policy that arrives', async () => {
    // The grace period is the store's timer, run (or not) by the test: no other timer is faked.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { policy } = store(2000);
      const pending = policy.current();
      let settled = false;
      void pending.then(() => {
        settled = true;
      });
      // The store found the managed store empty and waits out the grace period.
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1));
      expect(settled).toBe(false);
      await setPolicy({ AllowedGoogleAccountDomains: ['corp.test'] });
      // The change arrived in the grace period: the first call itself answers with it.
      expect((await pending).settings.allowedAccountDomains).toEqual(['corp.test']);
      expect((await policy.current()).settings.allowedAccountDomains).toEqual(['corp.test']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('trusts "no policy" after the grace period, once per browser session', async () => {
    const { policy, fake } = store(40);
    const started = Date.now();
    expect((await policy.current()).locked).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(await fake.session.get('policyChecked')).toBe(true);
  });

  it('fails closed: a failed read keeps the last known policy, says so, and is tried again', async () => {
    const { policy, fake } = store();
    await setPolicy({ AllowedGoogleAccountDomains: ['corp.test'], RetentionDays: 9 });
    expect((await policy.current()).readFailed).toBe(false);
    // Chrome's managed store starts failing (a broken policy file, a storage error).
    let failing = true;
    const read = fake.platform.managed.get;
    fake.platform.managed.get = async () => {
      if (failing) throw new Error('storage error');
      return read();
    };
    const failed = await policy.reload();
    expect(failed.readFailed).toBe(true);
    expect(failed.settings.allowedAccountDomains).toEqual(['corp.test']);
    expect(failed.locked).toContain('retentionDays');
    expect(failed.warnings[0]).toMatch(/could not read/);
    failing = false;
    await expect.poll(async () => (await policy.current()).readFailed).toBe(false);
  });

  it('fails closed after a restart too: the last known policy is kept in the database', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`policy-${Math.random()}`);
    const make = restarts(fake, db);
    await setPolicy({ EmailContentLevel: 'none' });
    expect((await make().current()).settings.emailContentLevel).toBe('none');
    fake.platform.managed.get = async () => {
      throw new Error('storage error');
    };
    const restarted = await make().current();
    expect(restarted).toMatchObject({ readFailed: true, settings: { emailContentLevel: 'none' } });
  });

  it('a worker woken while the database cannot be read fails, then reads the policy once it can', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`policy-${Math.random()}`);
    await setPolicy({ RetentionDays: 9 });
    await restarts(fake, db)().current();
    const disk = fullDisk(db);
    const woken = restarts(fake, db)();
    await expect(woken.current()).rejects.toThrow(/backing store/);
    disk.free();
    expect((await woken.current()).settings.retentionDays).toBe(9);
  });

  it('a policy change that arrives while the database cannot be read is read once it can', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`policy-${Math.random()}`);
    await setPolicy({ RetentionDays: 9 });
    const logged: string[] = [];
    const policy = restarts(fake, db, logged)();
    await policy.current();
    const disk = fullDisk(db);
    await expect(policy.reload()).rejects.toThrow(/backing store/);
    // Chrome's change event reloads too: it fails the same way, and is not kept either.
    await setPolicy({ RetentionDays: 12 });
    await vi.waitFor(() => expect(logged.some((line) => line.includes('policy.loadFailed'))).toBe(true));
    disk.free();
    expect((await policy.current()).settings.retentionDays).toBe(12);
  });

  it('reads the admin account domains from the managed store alone, fail-closed', async () => {
    const { policy, fake } = store();
    // An empty store before this browser session has seen it filled in: nothing is assumed.
    expect(await policy.managedAccountDomains()).toBeNull();
    await policy.current(); // waits out the grace; "no policy" is then trusted
    await expect.poll(() => policy.managedAccountDomains()).toEqual([]);
    await setPolicy({ AllowedGoogleAccountDomains: ['Corp.test'] });
    expect(await policy.managedAccountDomains()).toEqual(['corp.test']);
    fake.platform.managed.get = async () => {
      throw new Error('policy file unreadable');
    };
    expect(await policy.managedAccountDomains()).toBeNull();
  });

  it('keeps its copy of the policy without writing it again at every start: a woken worker only reads', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`policy-${Math.random()}`);
    const writes: unknown[] = [];
    db.settings.hook('creating', (_key, row) => void writes.push(row.name));
    db.settings.hook('updating', (_changes, key) => void writes.push(key));
    const make = restarts(fake, db);
    await setPolicy({ EmailContentLevel: 'none' });
    await make().current();
    await expect.poll(() => writes).toEqual(['lastKnownPolicy']);
    await make().current(); // the worker woke again, nothing changed
    // A transaction begun now runs after any write the woken store began (IndexedDB orders them).
    expect(await db.settings.get('lastKnownPolicy')).toMatchObject({ value: { EmailContentLevel: 'none' } });
    expect(writes).toEqual(['lastKnownPolicy']);
  });

  it('fails closed with no policy ever read: nothing is assumed allowed for Gmail data', async () => {
    const fake = createFakePlatform();
    fake.platform.managed.get = async () => {
      throw new Error('storage error');
    };
    const policy = createPolicyStore({
      managed: fake.platform.managed,
      session: fake.session,
      db: new ThreadlineDb(`policy-${Math.random()}`),
      logger: createLogger('t', () => undefined),
      graceMs: 5,
    });
    expect((await policy.current()).readFailed).toBe(true);
  });

  it('re-reads on every change and reports it', async () => {
    const { policy, changes } = store();
    await setPolicy({ RetentionDays: 10 });
    expect((await policy.current()).settings.retentionDays).toBe(10);
    await setPolicy({ RetentionDays: 20 });
    await expect.poll(() => changes.length).toBeGreaterThanOrEqual(1);
    expect((await policy.current()).settings.retentionDays).toBe(20);
  });
});

describe('policy enforced in the worker', () => {
  it('keeps Threadline inert for accounts outside the allowed domains', async () => {
    const fake = createFakePlatform();
    await setPolicy({ AllowedGoogleAccountDomains: ['corp.test'] });
    main(fake.platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`w-${Math.random()}`),
      policyGraceMs: 5,
    });
    // No tab lane key where Threadline stays inert (shared/tab-lane.ts).
    expect(await fake.send({ type: 'hostStatus', account: 'me@gmail.com' }, gmailSender(7))).toEqual({
      enabled: false,
      contentLevel: 'metadata',
      lane: null,
    });
    expect(await fake.send({ type: 'hostStatus', account: 'me@corp.test' }, gmailSender(8))).toEqual({
      enabled: true,
      contentLevel: 'metadata',
      lane: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const thread = { threadId: 't', subject: 's', participants: [], messageIds: [] };
    await fake.send({ type: 'threadOpened', account: 'me@gmail.com', thread }, gmailSender(7));
    expect(await fake.session.get('tab:7')).toBeUndefined();
    await fake.send({ type: 'threadOpened', account: 'me@corp.test', thread }, gmailSender(8));
    expect(await fake.session.get('tab:8')).toMatchObject({ account: 'me@corp.test' });
  });

  it('blocks InboxSDK telemetry by default and follows the BlockInboxSdkTelemetry policy', async () => {
    const fake = createFakePlatform();
    await setPolicy({ RetentionDays: 30 });
    main(fake.platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`w-${Math.random()}`),
      policyGraceMs: 5,
    });
    await expect.poll(() => fake.telemetryBlock.at(-1)).toBe(true);
    await setPolicy({ BlockInboxSdkTelemetry: false });
    await expect.poll(() => fake.telemetryBlock.at(-1)).toBe(false);
  });

  it('answers the options page with settings, locks and warnings', async () => {
    const fake = createFakePlatform();
    await setPolicy({ ProhibitedDataMode: 'block', Nonsense: 1 });
    main(fake.platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`w-${Math.random()}`),
      policyGraceMs: 5,
    });
    const options = { id: 'threadlinetestid', url: `${TEST_ORIGIN}src/options/index.html` };
    const answer = (await fake.send({ type: 'getSettings' }, options)) as {
      settings: { prohibitedDataMode: string };
      locked: string[];
      warnings: string[];
    };
    expect(answer.settings.prohibitedDataMode).toBe('block');
    expect(answer.locked).toEqual(['prohibitedDataMode']);
    expect(answer.warnings).toEqual(['Unknown policy "Nonsense" was ignored.']);
  });

  it('reads the policy again for a page that asks fresh, before the worker has the change event', async () => {
    const fake = createFakePlatform();
    await setPolicy({ ProhibitedDataMode: 'block' });
    // Chrome delivers onChanged to the page and to the worker in no set order: here the worker's
    // copy of the event has not come yet (never, in this test).
    const platform = {
      ...fake.platform,
      managed: { ...fake.platform.managed, onChanged: { addListener: () => {} } },
    };
    main(platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`w-${Math.random()}`),
      policyGraceMs: 5,
    });
    const options = { id: 'threadlinetestid', url: `${TEST_ORIGIN}src/options/index.html` };
    const mode = async (request: Record<string, unknown>) =>
      (
        (await fake.send({ type: 'getSettings', ...request }, options)) as {
          settings: { prohibitedDataMode: string };
        }
      ).settings.prohibitedDataMode;
    expect(await mode({})).toBe('block');
    await setPolicy({ ProhibitedDataMode: 'off' });
    expect(await mode({})).toBe('block'); // what the worker holds
    expect(await mode({ fresh: true })).toBe('off');
    expect(await mode({})).toBe('off'); // and holds from then on
  });

  it('lets the egress gate reach admin-allowed extra hosts over HTTPS only', async () => {
    const ok = async () => ({ status: 200, headers: { get: () => null }, text: async () => '{}' });
    const egress = createEgress({
      allowedOrigin: () => 'https://api.crm.example',
      extraHosts: () => ['gateway.corp.test'],
      fetchImpl: ok,
    });
    const request = { method: 'GET', headers: {}, purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
    await expect(egress({ ...request, url: 'https://gateway.corp.test/crm/account' })).resolves.toBeDefined();
    await expect(egress({ ...request, url: 'https://other.corp.test/x' })).rejects.toThrow(/not the CRM/);
  });
});
