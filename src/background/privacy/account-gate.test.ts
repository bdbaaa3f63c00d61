import { describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  gmailSender,
  recordingSink,
  sidebarSender,
  TEST_ORIGIN,
} from '../../../test/unit/fake-platform';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { main } from '../main';
import { createAccountGate } from './account-gate';

const ME = 'sam@corp.test';
const FORGED = 'mallory@corp.test';
const thread = {
  threadId: 't-1',
  subject: 'Hello',
  participants: [{ name: 'Alice', address: 'alice@acme.test' }],
  messageIds: ['<m1@acme.test>'],
};
const options = { id: 'threadlinetestid', url: `${TEST_ORIGIN}src/options/index.html` };

function setup() {
  const fake = createFakePlatform();
  const sink = recordingSink();
  const db = new ThreadlineDb(`accounts-${Math.random()}`);
  main(fake.platform, createLogger('worker', sink), { db, policyGraceMs: 5 });
  const refusals = () => sink.lines.filter((l) => l.line.includes('another account than the tab'));
  return { ...fake, db, sink, refusals };
}

/** Every message a Gmail tab sends that names an account, for `account`. */
const tabMessages = (account: string) =>
  [
    [{ type: 'threadOpened', account, thread }, gmailSender(7)],
    [
      { type: 'rowBadges', account, rows: [{ threadId: 't-1', addresses: ['alice@acme.test'] }] },
      gmailSender(7),
    ],
    [{ type: 'composeDefaults', account, threadId: null }, gmailSender(7)],
    [
      {
        type: 'composeSent',
        account,
        threadId: 't-1',
        messageId: '<s@x>',
        subject: 's',
        recipients: [{ name: '', address: 'alice@acme.test' }],
        body: null,
      },
      gmailSender(7),
    ],
    [{ type: 'syncNow', account }, sidebarSender(7)],
    [{ type: 'searchCrm', account, query: 'a' }, sidebarSender(7)],
  ] as const;

describe('account binding: a tab speaks for the account of its first contact', () => {
  it('refuses every message of the tab that names another account, and records nothing for it', async () => {
    const env = setup();
    expect(await env.send({ type: 'hostStatus', account: ME }, gmailSender(7))).toMatchObject({
      enabled: true,
    });
    // A main-world script made the page claim another account.
    for (const [message, sender] of tabMessages(FORGED))
      expect(await env.send(message, sender)).toBeUndefined();
    expect(env.refusals()).toHaveLength(tabMessages(FORGED).length);
    expect(await env.send({ type: 'hostStatus', account: FORGED }, gmailSender(7))).toBeUndefined();
    expect(await env.session.get('tab:7')).toBeUndefined();
    expect(await env.db.accounts.toArray()).toEqual([]);
    // The tab's own account still works, so the refusals above were about the account.
    expect(await env.send({ type: 'threadOpened', account: ME, thread }, gmailSender(7))).toEqual({
      ok: true,
    });
    expect(await env.session.get('tab:7')).toMatchObject({ account: ME });
    // Addresses are Google user data: the refusal is logged without them.
    expect(env.sink.lines.map((l) => l.line).join('\n')).not.toContain('mallory');
  });

  it('keeps the pin across a worker restart, and lets a closed tab’s id start again', async () => {
    const env = setup();
    await env.send({ type: 'hostStatus', account: ME }, gmailSender(7));
    env.restartWorker();
    main(env.platform, createLogger('worker', recordingSink()), {
      db: new ThreadlineDb(`accounts-${Math.random()}`),
      policyGraceMs: 5,
    });
    expect(await env.send({ type: 'threadOpened', account: FORGED, thread }, gmailSender(7))).toBeUndefined();
    await env.removeTab(7);
    await expect
      .poll(() => env.send({ type: 'hostStatus', account: FORGED }, gmailSender(7)))
      .toMatchObject({ enabled: true });
  });

  it('pins each tab on its own: two accounts side by side in two tabs', async () => {
    const env = setup();
    expect(await env.send({ type: 'threadOpened', account: ME, thread }, gmailSender(7))).toEqual({
      ok: true,
    });
    expect(await env.send({ type: 'threadOpened', account: FORGED, thread }, gmailSender(8))).toEqual({
      ok: true,
    });
  });

  it('lets the options page sync an allowed account, and the privacy centre reach every account', async () => {
    const env = setup();
    expect(await env.send({ type: 'syncNow', account: ME }, options)).toEqual({ ok: true });
    expect(await env.send({ type: 'exportData', account: FORGED }, options)).toMatchObject({
      json: expect.any(String),
    });
  });
});

describe('account gate', () => {
  it('asks for the tab’s pin without waiting for the policy (a woken worker reads both at once)', async () => {
    const order: string[] = [];
    let answer: (settings: { settings: Settings }) => void = () => undefined;
    const gate = createAccountGate({
      settings: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
      accounts: {
        check: async (_tabId, _account, allowed) => {
          order.push('pin read');
          return (await allowed) ? { ok: true } : { ok: false, reason: 'account not allowed by policy' };
        },
        forget: async () => undefined,
      },
    });
    const refusal = gate(
      { type: 'rowBadges', account: ME, rows: [] },
      { kind: 'gmailContentScript', tabId: 7, frameId: 0, documentId: null },
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['pin read']);
    answer({ settings: DEFAULT_SETTINGS });
    expect(await refusal).toBeNull();
  });
});
