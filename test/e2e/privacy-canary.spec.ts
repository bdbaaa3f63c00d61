/**
 * Limited Use, checked end to end (issue 6): a scripted session with canary strings planted in the
 * Gmail double's addresses, subject and body. Every request the browser makes (pages and worker) is
 * recorded; canaries may appear only in CRM requests whose purpose carries that data, and never in
 * console output, the audit log, or storage outside the cache tables.
 */
import type { ConsoleMessage, Request } from '@playwright/test';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { openSection } from './connect';
import { expect, extensionWorker, GMAIL_URL, test, workerDebugOn } from './fixtures';
import { markedActivities, openConnected, personIdOf, recordedRequests } from './open-thread';

const CANARY = {
  address: 'quinn.cnry7q@cnry-x41.test',
  subject: 'CNRYSUBJ-9q2w Pricing',
  body: 'CNRYBODY-m4k2 please call me',
};
const FIXTURE: GmailDoubleFixture = {
  account: demoFixture.account,
  threads: [
    {
      threadId: '18c0cafe0000c4a7',
      subject: CANARY.subject,
      messages: [
        {
          messageId: '<canary-1@cnry-x41.test>',
          from: { name: 'Quinn Canary', address: CANARY.address },
          to: [{ name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' }],
          date: 'Nov 21, 2026, 9:00 AM',
          body: CANARY.body,
        },
      ],
    },
    ...demoFixture.threads,
  ],
};
const [canaryThread] = FIXTURE.threads;

/** The extension APIs the worker-side checks use (the test's TypeScript has no `chrome` types). */
type ChromeApis = {
  chrome: {
    storage: { local: { get(keys: null): Promise<Record<string, unknown>> } };
    declarativeNetRequest: { updateEnabledRulesets(o: { disableRulesetIds: string[] }): Promise<void> };
  };
};

test('canary strings reach only the CRM, only for consented purposes, and never logs, audit or other storage', async ({
  context,
  extensionId,
  crm,
}) => {
  const requests: { url: string; method: string; body: string }[] = [];
  context.on('request', (r: Request) =>
    requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' }),
  );
  const consoleLines: string[] = [];
  const listen = (m: ConsoleMessage) => consoleLines.push(m.text());
  context.on('console', listen);
  // Debug lines too: what a user who switches them on (logger.ts) would see must hold no canary.
  await workerDebugOn(context);
  context.on('page', (p) => p.on('console', listen));

  const { page, frame, options } = await openConnected(
    context,
    extensionId,
    crm,
    canaryThread?.threadId ?? '',
    FIXTURE,
  );
  options.on('console', listen);
  page.on('console', listen);
  await openSection(options, 'logging');
  await options.getByTestId('setting-level').selectOption('full');
  await options.getByTestId('settings-save').click();
  await expect(options.getByText('Saved.')).toBeVisible();

  // Add the unknown sender, then link and log the thread on them (consent first).
  const card = frame.locator(`[data-testid="contact-card"][data-address="${CANARY.address}"]`);
  await expect(card).toHaveAttribute('data-state', 'unknown');
  await card.getByTestId('add-person').click();
  await expect(card).toHaveAttribute('data-state', 'person');
  await expect(frame.getByTestId('link-choice')).toContainText('Person: Quinn Canary', { timeout: 15_000 });
  await frame.getByTestId('link-choice').selectOption({ label: 'Person: Quinn Canary' });
  await frame.getByTestId('log-thread').click();
  await expect(frame.getByTestId('consent-prompt')).toBeVisible();
  await frame.getByTestId('consent-allow').click();
  await expect(frame.getByTestId('logged-count')).toHaveText('1 of 1 message logged');
  const quinn = await personIdOf(crm, CANARY.address);
  await expect.poll(async () => (await markedActivities(crm, { type: 'person', id: quinn })).length).toBe(2);
  await frame.getByTestId('note-text').fill('Follow up next week.');
  await frame.getByTestId('note-save').click();
  await expect(frame.getByText('Note saved.')).toBeVisible();
  const beforeSync = (await recordedRequests(crm)).length;
  await frame.getByRole('button', { name: 'Sync now' }).click();
  await page.goto(`${GMAIL_URL}#inbox/${demoFixture.threads[0]?.threadId}`);
  await expect(frame.getByTestId('thread-links')).toBeVisible();
  // The rest of the session has happened before the checks: the note reached the CRM, the sync ran
  // to its last entity (the thread marks, a look-back window of activity dates), the outbox is
  // empty and the other thread's cards are painted.
  await expect
    .poll(async () => {
      const log = await recordedRequests(crm);
      return {
        note: log.some((r) => crm.probe.isNoteWith(r, 'Follow up next week.')),
        synced: log.slice(beforeSync).some((r) => crm.probe.isMarksSync(r)),
      };
    })
    .toEqual({ note: true, synced: true });
  await expect(frame.getByTestId('sync-footer')).not.toContainText('waiting to be sent');
  await expect(
    frame.locator('[data-testid="contact-card"][data-address="alice.doe@acme.test"]'),
  ).toHaveAttribute('data-state', 'person');

  // 1. Every destination is on the allow-list.
  const allowed = [crm.origin, 'https://mail.google.com', `chrome-extension://${extensionId}`];
  const elsewhere = requests.filter((r) => !allowed.some((origin) => r.url.startsWith(origin)));
  expect(elsewhere.map((r) => r.url)).toEqual([]);

  // 2. Canaries only in the CRM calls that may carry them.
  const carried = new Map<string, Set<string>>();
  for (const r of requests) {
    const text = `${r.url}\n${r.body}`;
    for (const [kind, canary] of Object.entries(CANARY) as [keyof typeof CANARY, string][]) {
      const probe = kind === 'subject' ? 'CNRYSUBJ-9q2w' : kind === 'body' ? 'CNRYBODY-m4k2' : canary;
      if (!text.includes(probe) && !text.includes(encodeURIComponent(probe))) continue;
      if (!r.url.startsWith(crm.origin)) throw new Error(`${kind} canary sent to ${r.url}`);
      if (r.method === 'OPTIONS') continue;
      // Which CRM calls may carry each canary: the probe's table for this CRM's API.
      const call = crm.probe.callOf(r);
      expect(call, `${kind} canary in ${call}`).toMatch(crm.probe.mayCarry[kind]);
      carried.set(kind, (carried.get(kind) ?? new Set()).add(call));
    }
  }
  // The session did send each of them where it should (the test would be vacuous otherwise).
  expect(carried.get('body')).toEqual(new Set([crm.probe.logCall]));
  expect(carried.get('subject')?.has(crm.probe.logCall)).toBe(true);
  expect(carried.get('address')?.has(crm.probe.createPersonCall)).toBe(true);

  // 3. Never in console output (pages, sidebar, worker), the worker's debug lines included: the
  // thread open's auto-log pass wrote one.
  expect(consoleLines.filter((l) => l.includes('autolog.done')).length).toBeGreaterThan(0);
  const leaked = consoleLines.filter((l) => /cnry|CNRY/i.test(l));
  expect(leaked).toEqual([]);

  // 4. Not in the audit log or any storage outside the cache tables.
  const worker = await extensionWorker(context);
  const stored = await worker.evaluate(async () => {
    const open = indexedDB.open('threadline');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tables: Record<string, string> = {};
    for (const name of [...db.objectStoreNames]) {
      const tx = db.transaction(name, 'readonly');
      const all = tx.objectStore(name).getAll();
      const rows = await new Promise<unknown[]>((resolve) => {
        all.onsuccess = () => resolve(all.result);
      });
      tables[name] = JSON.stringify(rows, (_k, v) =>
        v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? '[bytes]' : v,
      );
    }
    const all = await (globalThis as unknown as ChromeApis).chrome.storage.local.get(null);
    // The outbox's copy (outbox/outbox-mirror.ts) apart: it may hold only what the outbox holds.
    const copies = Object.keys(all).filter((key) => key.startsWith('outbox:'));
    const local = JSON.stringify(
      Object.fromEntries(Object.entries(all).filter(([key]) => !copies.includes(key))),
    );
    return { tables, local, copies: copies.map((key) => Number(key.slice('outbox:'.length))) };
  });
  const CACHE_TABLES = new Set([
    'people',
    'leads',
    'companies',
    'opportunities',
    'pipelines',
    'activities',
    'activityFetches',
    'users',
    'negativeLookups',
    'outbox',
    'threadMarks',
    'tasks',
  ]);
  expect(stored.tables.audit).toBeDefined();
  expect(JSON.parse(stored.tables.audit ?? '[]').length).toBeGreaterThan(3);
  for (const [table, json] of Object.entries(stored.tables)) {
    if (CACHE_TABLES.has(table)) continue;
    expect(json, `table ${table}`).not.toMatch(/cnry/i);
  }
  expect(stored.local).not.toMatch(/cnry/i);
  const queued = (JSON.parse(stored.tables.outbox ?? '[]') as { seq: number }[]).map((r) => r.seq);
  for (const seq of stored.copies)
    expect(queued, 'a copy of a write the outbox no longer holds').toContain(seq);
  // The cache does hold the person the user added (it is there to be shown).
  expect(stored.tables.people).toContain(CANARY.address);
});

test('the telemetry rule blocks InboxSDK’s hosts from Gmail, and only while it is enabled', async ({
  context,
  extensionId,
  crm,
}) => {
  const { page } = await openConnected(context, extensionId, crm, demoFixture.threads[0]?.threadId ?? '');
  // If the request got past the rule, this route would answer it: a failure means the rule blocked it.
  await context.route('https://api.inboxsdk.com/**', (route) => route.fulfill({ status: 200, body: 'ok' }));
  await context.route('https://pubsub.googleapis.com/**', (route) =>
    route.fulfill({ status: 200, body: 'ok' }),
  );
  const failures: string[] = [];
  context.on('requestfailed', (r) => failures.push(`${new URL(r.url()).host} ${r.failure()?.errorText}`));
  const post = (url: string) =>
    page.evaluate(
      (u) =>
        fetch(u, { method: 'POST', body: '{}' }).then(
          (r) => r.status,
          () => 'blocked',
        ),
      url,
    );
  expect(await post('https://api.inboxsdk.com/api/v2/errors')).toBe('blocked');
  expect(await post('https://api.inboxsdk.com/api/v2/events/oauth')).toBe('blocked');
  expect(await post('https://pubsub.googleapis.com/v1/projects/mailfoogae/topics/events:publish')).toBe(
    'blocked',
  );
  expect(failures).toEqual([
    'api.inboxsdk.com net::ERR_BLOCKED_BY_CLIENT',
    'api.inboxsdk.com net::ERR_BLOCKED_BY_CLIENT',
    'pubsub.googleapis.com net::ERR_BLOCKED_BY_CLIENT',
  ]);
  // With the rule set off (what BlockInboxSdkTelemetry=false does), the same request goes through.
  const worker = await extensionWorker(context);
  await worker.evaluate(() =>
    (globalThis as unknown as ChromeApis).chrome.declarativeNetRequest.updateEnabledRulesets({
      disableRulesetIds: ['inboxsdk_telemetry'],
    }),
  );
  expect(await post('https://api.inboxsdk.com/api/v2/errors')).toBe(200);
  void extensionId;
});
