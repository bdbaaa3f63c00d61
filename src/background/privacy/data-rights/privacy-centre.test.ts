import { describe, expect, it } from 'vitest';
import { countAccountRows } from '../../../db/account-rows';
import { accountNumber } from '../../../db/key-prefix';
import { ACCOUNT_TABLES, ThreadlineDb } from '../../../db/threadline-db';
import { DISCLOSURE, disclosureHash } from '../../../shared/disclosure';
import { t } from '../../i18n';
import { createConsentStore } from '../consent/consent-store';
import { createPrivacyCentre } from './privacy-centre';

const A = 'me@corp.test';
const B = 'other@corp.test';
const DAY = 86_400_000;

/** One row in every account table for `account`, dated `atMs`. */
async function fill(db: ThreadlineDb, account: string, atMs: number) {
  const sec = Math.floor(atMs / 1000);
  await db.people.put({
    account,
    accountNo: accountNumber(account),
    id: 1,
    name: 'Pat',
    title: null,
    companyId: null,
    companyName: null,
    emails: [],
    phones: [],
    address: null,
    tags: [],
    ownerId: null,
    lastContactedAt: null,
    modifiedAt: sec,
    emailKeys: [`${account}\npat@acme.test`],
    searchKeys: [],
  });
  await db.leads.put({
    account,
    accountNo: accountNumber(account),
    id: 1,
    name: 'L',
    title: null,
    companyName: null,
    email: null,
    status: null,
    ownerId: null,
    modifiedAt: sec,
    emailKey: null,
    searchKeys: [],
  });
  await db.companies.put({
    account,
    accountNo: accountNumber(account),
    id: 1,
    name: 'Acme',
    domain: 'acme.test',
    modifiedAt: sec,
    domainKey: null,
    searchKeys: [],
  });
  await db.opportunities.put({
    account,
    accountNo: accountNumber(account),
    id: 1,
    name: 'Deal',
    pipelineId: 1,
    stageId: 1,
    status: 'Open',
    companyId: null,
    primaryContactId: null,
    value: null,
    closeDate: null,
    modifiedAt: sec,
    searchKeys: [],
  });
  await db.pipelines.put({ account, id: 1, name: 'Sales', stages: [] });
  await db.activities.put({
    account,
    id: 1,
    parentType: 'person',
    parentId: 1,
    typeName: 'Note',
    details: 'x',
    at: sec,
    parentKey: 'person:1',
  });
  await db.activityFetches.put({ account, parentKey: 'person:1', fetchedAt: sec });
  await db.users.put({ account, id: 1, name: 'Me', email: account, emailKey: `${account}\n${account}` });
  await db.negativeLookups.put({ account, address: 'stranger@x.test', checkedAt: sec });
  await db.syncState.put({
    account,
    entity: 'people',
    phase: 'delta',
    cursorTime: 0,
    seenAtCursor: [],
    pageWithin: 1,
    fetched: 1,
    total: 1,
    lastSyncAt: sec,
  });
  await db.outbox.add({
    account,
    recordKey: 'person:1',
    idempotencyKey: 'k',
    op: 'logMessage',
    payload: { text: 'Subject: secret' },
    state: 'dead',
    attempts: 1,
    nextAttemptAt: 0,
    lastError: 'invalidInput',
    createdAt: atMs,
  });
  await db.threadMarks.put({
    account,
    markKey: 'link:t:person:1',
    kind: 'link',
    threadId: 't',
    messageId: null,
    recordKey: 'person:1',
    activityId: 5,
    active: true,
    at: sec,
  });
  await db.tasks.put({
    account,
    id: 1,
    name: 'Call',
    relatedKey: 'person:1',
    dueDate: null,
    priority: 'None',
    status: 'Open',
    modifiedAt: sec,
  });
  await db.audit.add({
    account,
    at: atMs,
    purpose: 'lookupContact',
    host: 'crm.test',
    method: 'POST',
    dataClasses: ['googleUserData'],
    recordIds: [],
    bytes: 10,
  });
  await db.consents.put({
    account,
    scope: 'emailLogging',
    version: DISCLOSURE.version,
    textHash: await disclosureHash(t('disclosureText')),
    grantedAt: atMs,
    withdrawnAt: null,
  });
  await db.accounts.put({ account, firstSeenAt: atMs, lastSeenAt: atMs });
}

function setup(now: { ms: number }) {
  const db = new ThreadlineDb(`privacy-${Math.random()}`);
  const consent = createConsentStore(db, () => now.ms);
  const centre = createPrivacyCentre({ db, consent, nowMs: () => now.ms, connectionInfo: async () => null });
  return { db, consent, centre };
}

describe('the privacy centre', () => {
  it('exports every table of the account, and only that account', async () => {
    const now = { ms: Date.UTC(2026, 10, 22) };
    const { db, centre } = setup(now);
    await fill(db, A, now.ms);
    await fill(db, B, now.ms);
    const exported = JSON.parse(await centre.exportData(A)) as {
      tables: Record<string, { account: string }[]>;
    };
    expect(Object.keys(exported.tables).sort()).toEqual([...ACCOUNT_TABLES].sort());
    for (const table of ACCOUNT_TABLES) {
      expect(exported.tables[table], table).toHaveLength(1);
      expect(exported.tables[table]?.[0]?.account).toBe(A);
    }
  });

  it('deletes everything of one account and nothing of another', async () => {
    const now = { ms: Date.UTC(2026, 10, 22) };
    const { db, centre } = setup(now);
    await fill(db, A, now.ms);
    await fill(db, B, now.ms);
    await centre.deleteData(A);
    expect(Object.values(await countAccountRows(db, A))).toEqual(ACCOUNT_TABLES.map(() => 0));
    expect(Object.values(await countAccountRows(db, B))).toEqual(ACCOUNT_TABLES.map(() => 1));
  });

  it('purges Gmail data past retention and wipes accounts not seen for that long (fake clock)', async () => {
    const now = { ms: Date.UTC(2026, 0, 1) };
    const { db, centre } = setup(now);
    await fill(db, A, now.ms); // A: seen on day 0
    now.ms += 20 * DAY;
    await fill(db, B, now.ms); // B: seen on day 20
    now.ms += 15 * DAY; // day 35: A is 35 days old, B 15
    await centre.purge(30);
    const a = await countAccountRows(db, A);
    const b = await countAccountRows(db, B);
    // A not seen for 35 days: its cache is wiped; what it agreed to and its audit stay (not Gmail data).
    expect(a).toMatchObject({
      people: 0,
      negativeLookups: 0,
      outbox: 0,
      threadMarks: 0,
      accounts: 0,
      audit: 1,
      consents: 1,
    });
    expect(Object.values(b).every((n) => n === 1)).toBe(true);
    now.ms += 20 * DAY; // day 55: B's Gmail-derived rows are 35 days old, but B was seen today
    await db.accounts.update(B, { lastSeenAt: now.ms });
    await centre.purge(30);
    expect(await countAccountRows(db, B)).toMatchObject({
      negativeLookups: 0,
      outbox: 0,
      people: 1,
      accounts: 1,
    });
    now.ms += 400 * DAY;
    await db.accounts.update(B, { lastSeenAt: now.ms });
    await centre.purge(30);
    expect(await countAccountRows(db, B)).toMatchObject({ audit: 0 });
  });
});

describe('consent', () => {
  it('holds only for the current disclosure text and version, until withdrawn', async () => {
    const now = { ms: 1 };
    const { consent } = setup(now);
    expect(await consent.has(A, 'emailLogging')).toBe(false);
    await expect(
      consent.grant(A, 'emailLogging', { version: DISCLOSURE.version, textHash: 'f'.repeat(64) }),
    ).rejects.toThrow('The disclosure changed');
    await expect(
      consent.grant(A, 'emailLogging', {
        version: DISCLOSURE.version + 1,
        textHash: await disclosureHash(t('disclosureText')),
      }),
    ).rejects.toThrow();
    await consent.grant(A, 'emailLogging', {
      version: DISCLOSURE.version,
      textHash: await disclosureHash(t('disclosureText')),
    });
    expect(await consent.has(A, 'emailLogging')).toBe(true);
    expect(await consent.has(B, 'emailLogging')).toBe(false);
    await consent.withdraw(A, 'emailLogging');
    expect(await consent.has(A, 'emailLogging')).toBe(false);
  });
});
