import { outboxCounts } from '../../bench/soak/run-soak';
import { demoFixture, longThreadFixture } from '../gmail-double/fixture';
import { openSection } from './connect';
import { expect, extensionWorker, launchWithExtension, stopServiceWorkers, test } from './fixtures';
import {
  adminConfig,
  linkWithConsent,
  markedActivities,
  openConnected,
  personIdOf,
  recordedRequests,
} from './open-thread';

const [pricing] = demoFixture.threads;
const LONG = longThreadFixture(12);
const longThread = LONG.threads.at(-1);

test('linking asks for consent first, then the link lives in the CRM; unlinking says so there', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  // "Not now" is not consent: nothing is linked and nothing is sent.
  await frame.getByTestId('link-choice').selectOption({ label: 'Person: Alice Doe' });
  await frame.getByTestId('link-button').click();
  await expect(frame.getByTestId('disclosure-text')).toContainText('Gmail thread and message ids');
  await frame.getByTestId('consent-dismiss').click();
  await expect(frame.getByTestId('consent-prompt')).toBeHidden();
  expect(await markedActivities(crm, { type: 'person', id: alice })).toHaveLength(0);

  await linkWithConsent(frame, 'Person: Alice Doe');
  await expect(frame.getByTestId('link-chip')).toContainText('Alice Doe');
  await expect
    .poll(async () => (await markedActivities(crm, { type: 'person', id: alice })).map((a) => a.details))
    .toEqual([
      `Gmail thread linked with Threadline: ${pricing?.subject}\n[threadline:v1 link thread=${pricing?.threadId}]`,
    ]);

  await frame.getByRole('button', { name: 'Unlink Alice Doe' }).click();
  await expect(frame.getByTestId('link-chip')).toHaveCount(0);
  await expect
    .poll(async () => (await markedActivities(crm, { type: 'person', id: alice }))[0]?.details ?? '')
    .toContain(`[threadline:v1 unlinked thread=${pricing?.threadId}]`);
});

test('logging a thread twice, across a worker restart and from a second browser, logs each message once', async ({
  context,
  extensionId,
  crm,
}, testInfo) => {
  // Two browsers, each connecting and syncing, and a drain slowed to 250 ms a request.
  test.setTimeout(120_000);
  const threadId = longThread?.threadId ?? '';
  const { page, frame } = await openConnected(context, extensionId, crm, threadId, LONG);
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  await linkWithConsent(frame, 'Person: Alice Doe');
  // Slow the CRM so the worker can be stopped with the drain half done.
  await adminConfig(crm, { latencyMs: 250 });
  await frame.getByTestId('log-thread').click();
  await expect
    .poll(async () => (await markedActivities(crm, { type: 'person', id: alice })).length, {
      timeout: 15_000,
    })
    .toBeGreaterThan(2);
  await stopServiceWorkers(context, page);
  await adminConfig(crm, { latencyMs: 0 });
  await expect(frame.getByTestId('logged-count')).toHaveText('12 of 12 messages logged', { timeout: 20_000 });
  await expect
    .poll(async () => (await markedActivities(crm, { type: 'person', id: alice })).length, {
      timeout: 20_000,
    })
    .toBe(13); // 12 messages and the link

  // A second browser profile (another device) logs the same thread: nothing new is created.
  const other = await launchWithExtension(testInfo.outputPath('profile-2'));
  try {
    const otherId = new URL((await extensionWorker(other)).url()).host;
    const second = await openConnected(other, otherId, crm, threadId, LONG);
    // Alice may already be offered as linked (the marks synced first): then there is nothing to choose.
    await second.frame
      .getByTestId('link-choice')
      .selectOption({ label: 'Person: Alice Doe' }, { timeout: 5_000 })
      .catch(() => undefined);
    await expect(second.frame.getByTestId('logged-count')).toHaveText(/of 12 messages logged/);
    const button = second.frame.getByTestId('log-thread');
    if (await button.isEnabled()) {
      await button.click();
      await expect(second.frame.getByTestId('consent-prompt')).toBeVisible();
      await second.frame.getByTestId('consent-allow').click();
    }
    await expect(second.frame.getByTestId('logged-count')).toHaveText('12 of 12 messages logged', {
      timeout: 20_000,
    });
  } finally {
    await other.close();
  }
  const activities = await markedActivities(crm, { type: 'person', id: alice });
  const messageIds = activities
    .map((a) => /message=([^\s\]]+)/.exec(a.details ?? '')?.[1])
    .filter((m): m is string => m !== undefined)
    .map((m) => decodeURIComponent(m));
  expect(messageIds.sort()).toEqual((longThread?.messages.map((m) => m.messageId) ?? []).sort());
  expect(activities).toHaveLength(13);
});

test('at content level "metadata" no body text leaves the browser', async ({ context, extensionId, crm }) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  await linkWithConsent(frame, 'Person: Alice Doe');
  await frame.getByTestId('log-thread').click();
  await expect(frame.getByTestId('logged-count')).toHaveText('2 of 2 messages logged');
  await expect.poll(async () => (await markedActivities(crm, { type: 'person', id: alice })).length).toBe(3);
  const sent = JSON.stringify(await recordedRequests(crm));
  expect(sent).toContain('Pricing for the Q3 rollout'); // the subject is metadata
  for (const message of pricing?.messages ?? []) expect(sent).not.toContain(message.body);
});

test('a note, a task (completed) and a stage change reach the CRM', async ({ context, extensionId, crm }) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  await frame.getByTestId('note-record').selectOption({ label: 'Person: Alice Doe' });
  await frame.getByTestId('note-text').fill('Wants the annual plan.');
  await frame.getByTestId('note-save').click();
  await expect(frame.getByText('Note saved.')).toBeVisible();
  await expect
    .poll(async () =>
      (await crm.probe.activityTexts({ type: 'person', id: alice })).includes('Wants the annual plan.'),
    )
    .toBe(true);

  await frame.getByTestId('task-name').fill('Send the contract');
  await frame.getByTestId('task-due').fill('2026-12-01');
  await frame.getByText('High priority').click();
  await frame.getByTestId('task-save').click();
  const task = frame.getByTestId('task').filter({ hasText: 'Send the contract' });
  await expect(task).toBeVisible();
  await expect(task.getByTestId('task-done')).toBeEnabled({ timeout: 15_000 });
  await task.getByTestId('task-done').check();
  await expect
    .poll(async () => crm.probe.tasksNamed('Send the contract'))
    .toEqual([{ completed: true, highPriority: true, personId: alice }]);

  const deal = frame.getByTestId('deal-row').filter({ hasText: 'Acme — 40 seats' });
  await deal.getByTestId('deal-stage').selectOption({ label: 'Negotiation' });
  await expect
    .poll(async () => (await crm.probe.dealNamed('Acme — 40 seats'))?.stageName)
    .toBe('Negotiation');
});

test('a note sent again with its save’s id is made once, before or after it went out; a new save of its text is a second note', async ({
  context,
  extensionId,
  crm,
}) => {
  const { page, frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  // As the sidebar sends a save (sidebar/action-ids.ts): the same id when no answer came.
  const save = (actionId: string) =>
    frame.evaluate((request) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage(request), {
      type: 'addNote',
      account: demoFixture.account,
      actionId,
      record: { type: 'person', id: alice },
      text: 'Left voicemail',
    });
  const notes = async () =>
    (await crm.probe.activityTexts({ type: 'person', id: alice })).filter((t) => t === 'Left voicemail')
      .length;
  /** Every save answered is queued: once none is pending, every note that will be made is made. */
  const allSent = () =>
    expect.poll(async () => (await outboxCounts(context))?.pending, { timeout: 30_000 }).toBe(0);
  const FIRST = '6f1c2a9e-0000-4000-8000-000000000001';
  // While the CRM is down the save waits in the outbox; the worker stops before its answer, say,
  // and the sidebar sends it again.
  await crm.stop();
  expect(await save(FIRST)).toEqual({ ok: true });
  await stopServiceWorkers(context, page);
  expect(await save(FIRST)).toEqual({ ok: true });
  expect((await outboxCounts(context))?.pending).toBe(1); // the copy met the queued row
  await crm.start();
  await allSent();
  expect(await notes()).toBe(1);
  expect(await save(FIRST)).toEqual({ ok: true }); // again, after its note was made
  expect(await save('6f1c2a9e-0000-4000-8000-000000000002')).toEqual({ ok: true });
  await allSent();
  expect(await notes()).toBe(2);
});

test('a deal created from the thread is linked to it, then marked won', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await linkWithConsent(frame, 'Person: Alice Doe'); // consent, so the new deal can be linked too
  await frame.getByTestId('deal-new').click();
  await frame.getByTestId('deal-name').fill('Acme — pilot');
  await frame.getByTestId('deal-pipeline').selectOption({ label: crm.probe.salesPipeline });
  await frame.getByTestId('deal-new-stage').selectOption({ label: 'Qualified' });
  await frame.getByTestId('deal-value').fill('12,500');
  await frame.getByTestId('deal-create').click();
  await expect(frame.getByText('Deal created.')).toBeVisible();
  const find = () => crm.probe.dealNamed('Acme — pilot');
  await expect.poll(async () => (await find())?.value).toBe(12500);
  const deal = await find();
  expect(deal?.primaryContactId).toBe(await personIdOf(crm, 'alice.doe@acme.test'));
  // The thread's link on the deal (HubSpot also keeps the create's own marker note on it).
  await expect
    .poll(
      async () =>
        (await markedActivities(crm, { type: 'opportunity', id: deal?.id ?? 0 })).filter((a) =>
          a.details.includes(`link thread=${pricing?.threadId}`),
        ).length,
    )
    .toBe(1);
  await expect(frame.getByTestId('link-chip').filter({ hasText: 'Acme — pilot' })).toBeVisible();
  const row = frame.getByTestId('deal-row').filter({ hasText: 'Acme — pilot' });
  await expect(row.getByTestId('deal-won')).toBeEnabled({ timeout: 15_000 });
  await row.getByTestId('deal-won').click();
  await expect.poll(async () => (await find())?.won).toBe(true);
});

test('the privacy centre shows what is stored and the audit log, exports everything and deletes it', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame, options } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await linkWithConsent(frame, 'Person: Alice Doe');
  await expect(frame.getByTestId('link-chip')).not.toContainText('saving', { timeout: 15_000 });
  await options.bringToFront();
  await openSection(options, 'privacy');
  await options.reload();
  const counts = options.getByTestId('privacy-counts');
  await expect(counts.locator('[data-table="people"] td')).not.toHaveText('0');
  await expect(counts.locator('[data-table="consents"] td')).toHaveText('1');
  const audit = options.getByTestId('audit-log');
  await expect(audit.getByTestId('audit-row').first()).toBeVisible();
  await audit.getByTestId('audit-purpose').selectOption('linkThread');
  await expect(audit.getByTestId('audit-row')).toHaveCount(1);
  await expect(audit.getByTestId('audit-row')).toContainText('googleUserData');
  const exported = options.waitForEvent('download');
  await options.getByTestId('export-data').click();
  const file = await (await exported).path();
  const { readFileSync } = await import('node:fs');
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    account: string;
    tables: Record<string, unknown[]>;
  };
  expect(json.account).toBe(demoFixture.account);
  expect(Object.keys(json.tables)).toEqual(
    expect.arrayContaining(['people', 'audit', 'consents', 'threadMarks']),
  );
  expect(json.tables.consents).toHaveLength(1);
  expect(JSON.stringify(json)).not.toContain(crm.apiKey);

  await options.getByTestId('delete-data').click();
  await options.getByTestId('delete-confirm').click();
  await expect(options.getByTestId('privacy-message')).toContainText('Deleted everything');
  await expect(options.getByTestId('privacy-empty')).toBeVisible();
});
