/**
 * Policy conformance (issue 14): ONE table of every managed key × every path it governs. Each row
 * runs its path through the whole worker (`main()` on the in-memory browser, messages through the
 * router, requests through the egress gate to a recording fetch) twice: once without the key and
 * once with it. Both results are asserted, so a row fails if the key is not enforced there, and
 * cannot pass by doing nothing: the run without the key shows the path does something observable.
 * ADMIN.md's key list and its "where each key is enforced" table are checked against this table.
 */
import { readFileSync } from 'node:fs';
import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it } from 'vitest';
import { RETENTION_ALARM } from '../../src/background/alarms';
import { createConnectionStore } from '../../src/background/connection/connection-store';
import { t } from '../../src/background/i18n';
import { main } from '../../src/background/main';
import { ThreadlineDb } from '../../src/db/threadline-db';
import { DISCLOSURE, disclosureHash } from '../../src/shared/disclosure';
import { createLogger } from '../../src/shared/logger';
import { CRM_KINDS, type CrmKind, type ThreadFacts } from '../../src/shared/protocol';
import { POLICY_KEYS } from '../../src/shared/settings';
import {
  createFakePlatform,
  gmailSender,
  popupSender,
  recordingSink,
  sidebarSender,
  TEST_ORIGIN,
} from './fake-platform';
import { addPerson, addSalesPipeline, CARD, newDeal } from './thread-deps';

const ME = 'sam@corp.test';
const ALICE = 'alice@acme.test';
const STRANGER = 'quinn@unknown.test';
const TAB = 7;
const LOCAL = 'http://127.0.0.1:8787/developer_api/v1';
/** A hosted CRM kind (not the local demo), and its API: which one does not matter here. */
const HOSTED = CRM_KINDS.find((kind) => kind !== 'local') ?? 'local';
const HOSTED_URL = 'https://api.crm.example/developer_api/v1';
const options = { id: 'threadlinetestid', url: `${TEST_ORIGIN}src/options/index.html` };

const thread: ThreadFacts = {
  threadId: 't-1',
  subject: 'Pricing',
  participants: [
    { name: 'Alice', address: ALICE },
    { name: 'Sam', address: ME },
  ],
  messageIds: ['<m1@acme.test>'],
  messages: [
    {
      messageId: '<m1@acme.test>',
      from: { name: 'Alice', address: ALICE },
      recipients: [{ name: 'Sam', address: ME }],
      date: 1_700_000_000,
    },
  ],
};
const strangerThread: ThreadFacts = {
  ...thread,
  threadId: 't-2',
  participants: [{ name: 'Quinn', address: STRANGER }],
  messageIds: [],
  messages: [],
};

type Request = { method: string; url: string; body: string };

interface Setup {
  /** The user's own settings, saved before the worker starts. */
  user?: Record<string, unknown>;
  /** A saved CRM connection (kind, base URL). */
  connection?: { kind: CrmKind; baseUrl: string };
}

/** A worker with `policy` in chrome.storage.managed, consent given, Alice in the cache. */
async function worker(policy: Record<string, unknown>, setup: Setup) {
  const fake = createFakePlatform();
  const sink = recordingSink();
  const db = new ThreadlineDb(`conformance-${Math.random()}`);
  const requests: Request[] = [];
  await (fakeBrowser.storage.managed as unknown as { set(p: Record<string, unknown>): Promise<void> }).set(
    policy,
  );
  if (setup.user) await db.settings.put({ name: 'userSettings', value: setup.user });
  await db.consents.put({
    account: ME,
    scope: 'emailLogging',
    version: DISCLOSURE.version,
    textHash: await disclosureHash(t('disclosureText')),
    grantedAt: 1,
    withdrawnAt: null,
  });
  await addPerson(db, 21, ALICE, ME);
  if (setup.connection) {
    await createConnectionStore(db, fake.session).save(
      { ...setup.connection, email: ME, accountName: 'Co', userName: 'Sam', connectedAt: 1 },
      'key',
    );
  }
  const fetchImpl = async (url: string, init: RequestInit) => {
    requests.push({ method: String(init.method), url, body: String(init.body ?? '') });
    const path = new URL(url).pathname;
    const json = path.endsWith('/account')
      ? { id: 1, name: 'Co' }
      : path.endsWith('/users/me')
        ? { id: 1, name: 'Sam', email: ME }
        : path.endsWith('/activity_types')
          ? { user: [], system: [] }
          : [];
    return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify(json) };
  };
  main(fake.platform, createLogger('worker', sink), { db, fetchImpl, policyGraceMs: 5 });
  const logged = (event: string) => sink.lines.map((l) => l.line).filter((l) => l.includes(event));
  const env = {
    fake,
    db,
    requests,
    logged,
    send: fake.send,
    /** The content script's first contact (pins the tab's account), then the thread opens. */
    open: async (opened: ThreadFacts = thread) => {
      await fake.send({ type: 'hostStatus', account: ME }, gmailSender(TAB));
      return fake.send({ type: 'threadOpened', account: ME, thread: opened }, gmailSender(TAB));
    },
    /** Texts of the queued link and log writes (the outbox keeps them: nothing is connected). */
    queued: async (op: 'linkThread' | 'logMessage' | 'createDeal') =>
      (await db.outbox.toArray()).filter((r) => r.op === op).map((r) => JSON.stringify(r.payload)),
    /** Waits for the auto-log pass of the last open to end, and answers what it queued. */
    autoLogged: async () => {
      await expect.poll(() => logged('autolog.done').length).toBeGreaterThan(0);
      return (await db.outbox.toArray())
        .filter((r) => r.op === 'logMessage')
        .map((r) => JSON.stringify(r.payload));
    },
  };
  return env;
}
type Env = Awaited<ReturnType<typeof worker>>;

const compose = (body: string | null = null, recipient = ALICE) => ({
  type: 'composeSent',
  account: ME,
  threadId: 't-9',
  messageId: '<sent-1@test>',
  subject: 'Offer',
  recipients: [{ name: '', address: recipient }],
  body,
});

/** Log thread from the sidebar: the thread's open in its tab first. */
const logThread = async (env: Env, extra: Record<string, unknown> = {}) => {
  await env.open();
  await env.send(
    { type: 'logThread', account: ME, threadId: 't-1', records: [{ type: 'person', id: 21 }], ...extra },
    sidebarSender(TAB),
  );
  return env.queued('logMessage');
};
const link = async (env: Env) => {
  await env.open();
  await env.send(
    { type: 'linkThread', account: ME, threadId: 't-1', record: { type: 'person', id: 21 } },
    sidebarSender(TAB),
  );
  return (await env.queued('linkThread')).length;
};
const dealLink = async (env: Env) => {
  await env.open();
  await addSalesPipeline(env.db);
  await env.send({ ...newDeal('t-1'), actionId: crypto.randomUUID() }, sidebarSender(TAB));
  return (await env.queued('createDeal')).map((p) => (JSON.parse(p) as { link: unknown }).link !== null);
};
const composeLogged = async (env: Env, body: string | null = null, recipient = ALICE) => {
  await env.send({ type: 'hostStatus', account: ME }, gmailSender(TAB));
  await env.send(compose(body, recipient), gmailSender(TAB));
  return env.queued('logMessage');
};
/** Requests that carried the stranger's address (a lookup), once the lookup has ended either way. */
const lookup = async (env: Env) => {
  const answer = await env.open(strangerThread);
  if (answer !== undefined)
    await expect
      .poll(
        () => env.requests.some((r) => r.body.includes(STRANGER)) || env.logged('lookup.failed').length > 0,
      )
      .toBe(true);
  return env.requests.some((r) => r.body.includes(STRANGER));
};
/** Requests of a "Sync now" from the options page, once the sync has ended either way. */
const syncNow = async (env: Env) => {
  const answer = await env.send({ type: 'syncNow', account: ME }, options);
  if (answer !== undefined)
    await expect.poll(() => env.requests.length > 0 || env.logged('sync.failed').length > 0).toBe(true);
  return env.requests.length > 0;
};
/** What the toolbar popup is told: the accounts it lists, with their health, and why a connection stopped. */
const popupOverview = async (env: Env) => {
  await env.db.accounts.put({ account: ME, firstSeenAt: 1, lastSeenAt: 1 });
  const answer = (await env.send({ type: 'statusOverview' }, popupSender())) as {
    blocked: string | null;
    accounts: { account: string; status: { health: string } }[];
  };
  return { blocked: answer.blocked, accounts: answer.accounts.map((a) => `${a.account} ${a.status.health}`) };
};
const autoLogAfterOpen = async (env: Env) => {
  await env.open();
  return (await env.autoLogged()).length;
};
const settingsAnswer = async (env: Env) =>
  (await env.send({ type: 'getSettings' }, options)) as {
    settings: Record<string, unknown>;
    locked: string[];
    warnings: string[];
  };
const saveUser = async (env: Env, patch: Record<string, unknown>) =>
  ((await env.send({ type: 'setUserSettings', patch }, options)) as { ok: boolean }).ok;
const has = (texts: string[], needle: string) => texts.some((text) => text.includes(needle));

type Path =
  | 'compose'
  | 'Log thread'
  | 'link'
  | 'auto-log'
  | 'sync'
  | 'lookup'
  | 'options page'
  | 'popup'
  | 'worker messages'
  | 'retention'
  | 'worker start';

interface Row {
  key: keyof typeof POLICY_KEYS;
  path: Path;
  /** What the row checks, in words (the test's name). */
  rule: string;
  /** The policy value(s) of the key (merged over `base`). */
  policy: Record<string, unknown>;
  /** Policy both runs share (without the key and with it). */
  base?: Record<string, unknown>;
  setup?: Setup;
  run: (env: Env) => Promise<unknown>;
  without: unknown;
  with: unknown;
}

const ALLOWED_ELSEWHERE = { AllowedGoogleAccountDomains: ['elsewhere.test'] };
const autoOn: Setup = { user: { autoLogDefault: true } };
const full: Setup = { user: { emailContentLevel: 'full' } };

/** Every managed key × every path it governs. */
const TABLE: Row[] = [
  // --- CrmKind, CrmBaseUrl, ExtraAllowedCrmHosts: the saved connection follows the policy now ---
  {
    key: 'CrmKind',
    path: 'sync',
    rule: 'a saved connection of another kind sends nothing',
    policy: { CrmKind: HOSTED },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: syncNow,
    without: true,
    with: false,
  },
  {
    key: 'CrmKind',
    path: 'lookup',
    rule: 'a saved connection of another kind looks nobody up',
    policy: { CrmKind: HOSTED },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: lookup,
    without: true,
    with: false,
  },
  {
    key: 'CrmKind',
    path: 'options page',
    rule: 'the page says why the saved connection stopped',
    policy: { CrmKind: HOSTED },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: async (env) =>
      ((await env.send({ type: 'getConnection' }, options)) as { blocked: string | null }).blocked,
    without: null,
    with: expect.stringContaining('CrmKind'),
  },
  {
    key: 'CrmKind',
    path: 'popup',
    rule: 'the popup shows the saved connection as stopped, and why',
    policy: { CrmKind: HOSTED },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: popupOverview,
    without: { blocked: null, accounts: [`${ME} ok`] },
    with: { blocked: expect.stringContaining('CrmKind'), accounts: [`${ME} policyBlocked`] },
  },
  {
    key: 'CrmBaseUrl',
    path: 'sync',
    rule: 'a saved connection elsewhere sends nothing',
    policy: { CrmBaseUrl: 'http://127.0.0.1:9999/developer_api/v1' },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: syncNow,
    without: true,
    with: false,
  },
  {
    key: 'CrmBaseUrl',
    path: 'lookup',
    rule: 'a saved connection elsewhere looks nobody up',
    policy: { CrmBaseUrl: 'http://127.0.0.1:9999/developer_api/v1' },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: lookup,
    without: true,
    with: false,
  },
  {
    key: 'CrmBaseUrl',
    path: 'options page',
    rule: 'the page says why the saved connection stopped',
    policy: { CrmBaseUrl: 'http://127.0.0.1:9999/developer_api/v1' },
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: async (env) =>
      ((await env.send({ type: 'getConnection' }, options)) as { blocked: string | null }).blocked,
    without: null,
    with: expect.stringContaining('CrmBaseUrl'),
  },
  {
    key: 'ExtraAllowedCrmHosts',
    path: 'sync',
    rule: 'a gateway in front of the CRM is reached only when allowed',
    base: { CrmKind: HOSTED, CrmBaseUrl: HOSTED_URL },
    policy: { ExtraAllowedCrmHosts: ['gateway.corp.test'] },
    setup: { connection: { kind: HOSTED, baseUrl: 'https://gateway.corp.test/developer_api/v1' } },
    run: syncNow,
    without: false,
    with: true,
  },
  // --- AllowedGoogleAccountDomains: refused at the router for every message that names the account ---
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'worker messages',
    rule: 'the content script is told Threadline is off',
    policy: ALLOWED_ELSEWHERE,
    run: async (env) =>
      ((await env.send({ type: 'hostStatus', account: ME }, gmailSender(TAB))) as { enabled: boolean })
        .enabled,
    without: true,
    with: false,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'worker messages',
    rule: 'threadOpened and rowBadges are refused',
    policy: ALLOWED_ELSEWHERE,
    run: async (env) => [
      await env.open(),
      await env.send({ type: 'rowBadges', account: ME, rows: [] }, gmailSender(TAB)),
    ],
    without: [{ ok: true }, { badges: [] }],
    with: [undefined, undefined],
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'compose',
    rule: 'nothing is logged from compose',
    policy: ALLOWED_ELSEWHERE,
    run: async (env) => [
      await env.send({ type: 'composeDefaults', account: ME, threadId: null }, gmailSender(TAB)),
      (await composeLogged(env)).length,
    ],
    without: [{ allowed: true, logToCrm: false }, 1],
    with: [undefined, 0],
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'Log thread',
    rule: 'nothing is logged',
    policy: ALLOWED_ELSEWHERE,
    run: async (env) => (await logThread(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'link',
    rule: 'nothing is linked',
    policy: ALLOWED_ELSEWHERE,
    run: link,
    without: 1,
    with: 0,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'auto-log',
    rule: 'nothing is auto-logged',
    policy: ALLOWED_ELSEWHERE,
    setup: autoOn,
    run: async (env) => ((await env.open()) === undefined ? 0 : (await env.autoLogged()).length),
    without: 1,
    with: 0,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'lookup',
    rule: 'nobody is looked up',
    policy: ALLOWED_ELSEWHERE,
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: lookup,
    without: true,
    with: false,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'sync',
    rule: '"Sync now" for the account is refused',
    policy: ALLOWED_ELSEWHERE,
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: syncNow,
    without: true,
    with: false,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'sync',
    rule: '"Sync now" from the toolbar popup for the account is refused',
    policy: ALLOWED_ELSEWHERE,
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: async (env) => {
      const answer = await env.send({ type: 'syncNow', account: ME }, popupSender());
      if (answer !== undefined)
        await expect.poll(() => env.requests.length > 0 || env.logged('sync.failed').length > 0).toBe(true);
      return env.requests.length > 0;
    },
    without: true,
    with: false,
  },
  {
    key: 'AllowedGoogleAccountDomains',
    path: 'popup',
    rule: 'the popup lists no account outside the domains',
    policy: ALLOWED_ELSEWHERE,
    setup: { connection: { kind: 'local', baseUrl: LOCAL } },
    run: async (env) => (await popupOverview(env)).accounts,
    without: [`${ME} ok`],
    with: [],
  },
  // --- EmailContentLevel ---
  {
    key: 'EmailContentLevel',
    path: 'compose',
    rule: '"none" logs nothing from compose',
    policy: { EmailContentLevel: 'none' },
    run: async (env) => (await composeLogged(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'EmailContentLevel',
    path: 'compose',
    rule: '"metadata" sends no body, whatever the user chose',
    policy: { EmailContentLevel: 'metadata' },
    setup: full,
    run: async (env) => has(await composeLogged(env, 'BODY-7'), 'BODY-7'),
    without: true,
    with: false,
  },
  {
    key: 'EmailContentLevel',
    path: 'Log thread',
    rule: '"none" logs nothing',
    policy: { EmailContentLevel: 'none' },
    run: async (env) => (await logThread(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'EmailContentLevel',
    path: 'Log thread',
    rule: '"metadata" sends no body, whatever the user chose',
    policy: { EmailContentLevel: 'metadata' },
    setup: full,
    run: async (env) => {
      env.fake.tabAnswers.bodies.set('<m1@acme.test>', 'BODY-8');
      return has(await logThread(env), 'BODY-8');
    },
    without: true,
    with: false,
  },
  {
    key: 'EmailContentLevel',
    path: 'link',
    rule: '"none" links nothing',
    policy: { EmailContentLevel: 'none' },
    run: link,
    without: 1,
    with: 0,
  },
  {
    key: 'EmailContentLevel',
    path: 'auto-log',
    rule: '"none" auto-logs nothing',
    policy: { EmailContentLevel: 'none' },
    setup: autoOn,
    run: autoLogAfterOpen,
    without: 1,
    with: 0,
  },
  {
    key: 'EmailContentLevel',
    path: 'worker messages',
    rule: 'the content script reads bodies only at "full"',
    policy: { EmailContentLevel: 'metadata' },
    setup: full,
    run: async (env) =>
      ((await env.send({ type: 'hostStatus', account: ME }, gmailSender(TAB))) as { contentLevel: string })
        .contentLevel,
    without: 'full',
    with: 'metadata',
  },
  {
    key: 'EmailContentLevel',
    path: 'options page',
    rule: 'the user cannot change it',
    policy: { EmailContentLevel: 'metadata' },
    run: (env) => saveUser(env, { emailContentLevel: 'full' }),
    without: true,
    with: false,
  },
  // --- AutoLogDefault, AutoLogUserChangeable ---
  {
    key: 'AutoLogDefault',
    path: 'auto-log',
    rule: 'on: threads are auto-logged',
    policy: { AutoLogDefault: true },
    run: autoLogAfterOpen,
    without: 0,
    with: 1,
  },
  {
    key: 'AutoLogDefault',
    path: 'compose',
    rule: 'on: "Log to CRM" starts on',
    policy: { AutoLogDefault: true },
    run: (env) => env.send({ type: 'composeDefaults', account: ME, threadId: null }, gmailSender(TAB)),
    without: { allowed: true, logToCrm: false },
    with: { allowed: true, logToCrm: true },
  },
  {
    key: 'AutoLogDefault',
    path: 'options page',
    rule: 'the user cannot change it',
    policy: { AutoLogDefault: false },
    run: (env) => saveUser(env, { autoLogDefault: true }),
    without: true,
    with: false,
  },
  {
    key: 'AutoLogUserChangeable',
    path: 'auto-log',
    rule: 'false: the user’s own "on" no longer counts',
    policy: { AutoLogUserChangeable: false },
    setup: autoOn,
    run: autoLogAfterOpen,
    without: 1,
    with: 0,
  },
  {
    key: 'AutoLogUserChangeable',
    path: 'compose',
    rule: 'false: the user’s own "on" no longer pre-sets compose',
    policy: { AutoLogUserChangeable: false },
    setup: autoOn,
    run: (env) => env.send({ type: 'composeDefaults', account: ME, threadId: null }, gmailSender(TAB)),
    without: { allowed: true, logToCrm: true },
    with: { allowed: true, logToCrm: false },
  },
  {
    key: 'AutoLogUserChangeable',
    path: 'worker messages',
    rule: 'false: the worker refuses a change of auto-logging (not only the page)',
    policy: { AutoLogUserChangeable: false },
    run: async (env) =>
      (
        (await env.send(
          { type: 'setUserSettings', patch: { autoLogDefault: true } },
          sidebarSender(TAB),
        )) as { ok: boolean }
      ).ok,
    without: true,
    with: false,
  },
  {
    key: 'AutoLogUserChangeable',
    path: 'options page',
    rule: 'false: auto-logging shows as set by the administrator',
    policy: { AutoLogUserChangeable: false },
    run: async (env) => (await settingsAnswer(env)).locked.includes('autoLogDefault'),
    without: false,
    with: true,
  },
  // --- NeverLog ---
  {
    key: 'NeverLog',
    path: 'compose',
    rule: 'a never-log recipient gets no log',
    policy: { NeverLog: ['acme.test'] },
    run: async (env) => (await composeLogged(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'NeverLog',
    path: 'Log thread',
    rule: 'a never-log sender’s message is not logged',
    policy: { NeverLog: [ALICE] },
    run: async (env) => (await logThread(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'NeverLog',
    path: 'link',
    rule: 'a thread with only never-log people outside is not linked',
    policy: { NeverLog: ['acme.test'] },
    run: link,
    without: 1,
    with: 0,
  },
  {
    key: 'NeverLog',
    path: 'link',
    rule: 'a deal created from such a thread is not linked to it',
    policy: { NeverLog: ['acme.test'] },
    run: dealLink,
    without: [true],
    with: [false],
  },
  {
    key: 'NeverLog',
    path: 'auto-log',
    rule: 'a never-log contact is not auto-logged',
    policy: { NeverLog: ['acme.test'] },
    setup: autoOn,
    run: autoLogAfterOpen,
    without: 1,
    with: 0,
  },
  {
    key: 'NeverLog',
    path: 'options page',
    rule: 'the user cannot change it',
    policy: { NeverLog: ['acme.test'] },
    run: (env) => saveUser(env, { neverLog: [] }),
    without: true,
    with: false,
  },
  // --- InternalDomains ---
  {
    key: 'InternalDomains',
    path: 'compose',
    rule: 'mail to an internal domain is not logged',
    policy: { InternalDomains: ['acme.test'] },
    run: async (env) => (await composeLogged(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'InternalDomains',
    path: 'Log thread',
    rule: 'internal mail is not logged',
    policy: { InternalDomains: ['acme.test'] },
    run: async (env) => (await logThread(env)).length,
    without: 1,
    with: 0,
  },
  {
    key: 'InternalDomains',
    path: 'link',
    rule: 'an internal thread is not linked',
    policy: { InternalDomains: ['acme.test'] },
    run: link,
    without: 1,
    with: 0,
  },
  {
    key: 'InternalDomains',
    path: 'auto-log',
    rule: 'internal people are never contacts',
    policy: { InternalDomains: ['acme.test'] },
    setup: autoOn,
    run: autoLogAfterOpen,
    without: 1,
    with: 0,
  },
  // --- ProhibitedDataMode ---
  {
    key: 'ProhibitedDataMode',
    path: 'Log thread',
    rule: '"block": "send anyway" does not send a card number',
    policy: { ProhibitedDataMode: 'block' },
    setup: full,
    run: async (env) => {
      env.fake.tabAnswers.bodies.set('<m1@acme.test>', `card ${CARD}`);
      return has(await logThread(env, { prohibited: 'send' }), CARD);
    },
    without: true,
    with: false,
  },
  {
    key: 'ProhibitedDataMode',
    path: 'compose',
    rule: '"off": compose sends the body as written',
    policy: { ProhibitedDataMode: 'off' },
    setup: full,
    run: async (env) => has(await composeLogged(env, `card ${CARD}`), CARD),
    without: false,
    with: true,
  },
  {
    key: 'ProhibitedDataMode',
    path: 'auto-log',
    rule: '"off": auto-log sends the body as written',
    policy: { ProhibitedDataMode: 'off' },
    setup: { user: { autoLogDefault: true, emailContentLevel: 'full' } },
    run: async (env) => {
      env.fake.tabAnswers.bodies.set('<m1@acme.test>', `card ${CARD}`);
      await env.open();
      return has(await env.autoLogged(), CARD);
    },
    without: false,
    with: true,
  },
  {
    key: 'ProhibitedDataMode',
    path: 'worker messages',
    rule: '"block": a note with a card number is refused even when acknowledged',
    policy: { ProhibitedDataMode: 'block' },
    run: async (env) => {
      await env.open();
      return (
        (await env.send(
          {
            type: 'addNote',
            account: ME,
            actionId: 'note-save-1',
            record: { type: 'person', id: 21 },
            text: `card ${CARD}`,
            acknowledgeProhibited: true,
          },
          sidebarSender(TAB),
        )) as { ok: boolean }
      ).ok;
    },
    without: true,
    with: false,
  },
  {
    key: 'ProhibitedDataMode',
    path: 'options page',
    rule: 'the user cannot change it',
    policy: { ProhibitedDataMode: 'block' },
    run: (env) => saveUser(env, { prohibitedDataMode: 'off' }),
    without: true,
    with: false,
  },
  // --- RetentionDays ---
  {
    key: 'RetentionDays',
    path: 'retention',
    rule: 'the daily purge deletes Gmail data older than the policy’s days',
    policy: { RetentionDays: 7 },
    run: async (env) => {
      const tenDaysAgo = Math.floor(Date.now() / 1000) - 10 * 86_400;
      await env.db.negativeLookups.put({ account: ME, address: STRANGER, checkedAt: tenDaysAgo });
      await fakeBrowser.alarms.onAlarm.trigger({
        name: RETENTION_ALARM,
        scheduledTime: Date.now(),
        persistAcrossSessions: false,
      });
      await expect.poll(() => env.logged('retention.purged').length).toBe(1);
      return env.db.negativeLookups.count();
    },
    without: 1,
    with: 0,
  },
  {
    key: 'RetentionDays',
    path: 'options page',
    rule: 'the user cannot change it',
    policy: { RetentionDays: 7 },
    run: (env) => saveUser(env, { retentionDays: 90 }),
    without: true,
    with: false,
  },
  // --- BlockInboxSdkTelemetry, EmailTrackingAllowed, DisclosureTextUrl ---
  {
    key: 'BlockInboxSdkTelemetry',
    path: 'worker start',
    rule: 'false: the telemetry rule is turned off',
    policy: { BlockInboxSdkTelemetry: false },
    run: async (env) => {
      await expect.poll(() => env.fake.telemetryBlock.length).toBeGreaterThan(0);
      return env.fake.telemetryBlock.at(-1);
    },
    without: true,
    with: false,
  },
  {
    key: 'BlockInboxSdkTelemetry',
    path: 'options page',
    rule: 'shown as set by the administrator',
    policy: { BlockInboxSdkTelemetry: false },
    run: async (env) => (await settingsAnswer(env)).locked.includes('blockInboxSdkTelemetry'),
    without: false,
    with: true,
  },
  {
    key: 'EmailTrackingAllowed',
    path: 'options page',
    rule: 'shown as set by the administrator (Threadline has no tracking to allow)',
    policy: { EmailTrackingAllowed: true },
    run: async (env) => (await settingsAnswer(env)).locked.includes('emailTrackingAllowed'),
    without: false,
    with: true,
  },
  {
    key: 'DisclosureTextUrl',
    path: 'options page',
    rule: 'the organisation’s notice is the one shown',
    policy: { DisclosureTextUrl: 'https://intranet.corp.test/crm-notice' },
    run: async (env) => (await settingsAnswer(env)).settings.disclosureTextUrl,
    without: null,
    with: 'https://intranet.corp.test/crm-notice',
  },
];

describe('policy conformance: every managed key × every path it governs', () => {
  it.each(TABLE.map((row) => [`${row.key} × ${row.path}: ${row.rule}`, row] as const))(
    '%s',
    async (_name, row) => {
      const base = row.base ?? {};
      const without = await worker(base, row.setup ?? {});
      expect(await row.run(without), 'without the key').toEqual(row.without);
      const withKey = await worker({ ...base, ...row.policy }, row.setup ?? {});
      expect(await row.run(withKey), 'with the key').toEqual(row.with);
    },
  );

  it('covers every key Chrome can hand the extension', () => {
    expect([...new Set(TABLE.map((r) => r.key))].sort()).toEqual(Object.keys(POLICY_KEYS).sort());
  });

  it('ADMIN.md lists exactly these keys, and for each exactly the paths tested here', () => {
    const admin = readFileSync('ADMIN.md', 'utf8');
    const section = admin.slice(admin.indexOf('## Where each key is enforced'));
    const documented = new Map<string, string[]>();
    for (const match of section.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)) {
      documented.set(
        match[1] ?? '',
        (match[2] ?? '')
          .split(',')
          .map((p) => p.trim())
          .sort(),
      );
    }
    const tested = new Map<string, string[]>();
    for (const row of TABLE)
      tested.set(row.key, [...new Set([...(tested.get(row.key) ?? []), row.path])].sort());
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(tested));
    // The configuration table (types and defaults) names the same keys.
    const keyTable = admin.slice(admin.indexOf('| key | type |'), admin.indexOf('A complete example'));
    const listed = [...keyTable.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(POLICY_KEYS).sort());
  });
});

describe('fail closed: a policy that cannot be read', () => {
  it.each([
    [false, true],
    [true, false],
  ])('managed storage failing = %s: Gmail data leaves = %s', async (failing, leaves) => {
    const env = await worker({ RetentionDays: 9 }, { connection: { kind: 'local', baseUrl: LOCAL } });
    expect((await settingsAnswer(env)).settings.retentionDays).toBe(9);
    if (failing) {
      env.fake.platform.managed.get = async () => {
        throw new Error('storage error');
      };
      // Chrome reports a change; the read that follows fails.
      await (
        fakeBrowser.storage.managed as unknown as { set(p: Record<string, unknown>): Promise<void> }
      ).set({
        RetentionDays: 10,
      });
      await expect.poll(() => env.logged('policy.readFailed').length).toBeGreaterThan(0);
      // The last known policy stays in force, and the options page says why.
      const answer = await settingsAnswer(env);
      expect(answer.settings.retentionDays).toBe(9);
      expect(answer.warnings[0]).toMatch(/could not read/);
    }
    expect(await lookup(env)).toBe(leaves);
  });
});
