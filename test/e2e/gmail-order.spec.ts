/**
 * Gmail's real order of events (issue 15): the Gmail double announces a thread once, when Gmail shows
 * it, loads its side panel after the main view (or never, with `?panel=never`), and takes a compose
 * window away before reporting `sent`. Threadline must work in each case.
 */
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import { expect, GMAIL_URL, routeGmail, sidebarFrame, test } from './fixtures';
import { linkWithConsent, markedActivities, personIdOf } from './open-thread';

const [pricing, intro] = demoFixture.threads;

test('Gmail opened straight on a thread URL, its side panel loading late: the thread and its cards show', async ({
  context,
  extensionId,
  crm,
}) => {
  await connectThroughOptions(context, extensionId, crm);
  await routeGmail(context);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId}`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(
    page.locator('#double-sidebar[data-panel="ready"] iframe[data-threadline="sidebar"]'),
  ).toHaveCount(1);
  // Gmail showed the thread first; its side panel appeared afterwards.
  const [openedAt, panelAt] = await page.evaluate(() => [
    Number(document.documentElement.dataset.threadlineOpenedAt),
    Number(document.getElementById('double-sidebar')?.dataset.readyAt),
  ]);
  expect(panelAt).toBeGreaterThan(openedAt ?? Number.POSITIVE_INFINITY);
  await expect(frame.getByTestId('thread')).toHaveAttribute('data-thread-id', pricing?.threadId ?? '');
  await expect(frame.getByRole('heading', { name: pricing?.subject ?? '' })).toBeVisible();
  await expect(frame.locator('[data-testid="contact-card"][data-address="alice.doe@acme.test"]')).toBeVisible(
    {
      timeout: 20_000,
    },
  );
  // Moving on to another thread still works once the panel is there.
  await page.goto(`${GMAIL_URL}#inbox/${intro?.threadId}`);
  await expect(frame.getByTestId('thread')).toHaveAttribute('data-thread-id', intro?.threadId ?? '');
});

test('Gmail never offers its side panel: row badges and compose logging still work', async ({
  context,
  extensionId,
  crm,
}) => {
  // First a normal tab, opened on the inbox: the first sync fills the cache the badges come from,
  // and the user consents to sending e-mail data to the CRM (compose logging is offered only then).
  await connectThroughOptions(context, extensionId, crm);
  await routeGmail(context);
  const first = await context.newPage();
  await first.goto(`${GMAIL_URL}#inbox`);
  const frame = await sidebarFrame(first, extensionId);
  await first.getByRole('link', { name: pricing?.subject ?? '' }).click();
  await expect(frame.getByTestId('thread-links')).toBeVisible({ timeout: 20_000 });
  await linkWithConsent(frame, 'Person: Alice Doe');
  await expect(frame.getByTestId('link-chip')).not.toContainText('saving', { timeout: 15_000 });
  await first.close();
  const bob = await personIdOf(crm, 'bob@acme.test');

  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}?panel=never#inbox`);
  const badge = (threadId: string) =>
    page.locator(`.double-row[data-thread-id="${threadId}"] .threadline-badge`);
  await expect(badge(pricing?.threadId ?? '')).toHaveText('CRM');
  await expect(badge(intro?.threadId ?? '')).toHaveText('CRM');

  await page.locator('#double-compose').click();
  const compose = page.locator('#double-composes .double-compose-window');
  const toggle = compose.getByTestId('compose-log-toggle');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await compose.locator('input[name="to"]').fill('bob@acme.test');
  await compose.locator('input[name="subject"]').fill('Kick-off without a side panel');
  await compose.getByRole('button', { name: 'Send' }).click();
  await expect(compose).toHaveCount(0);
  await expect
    .poll(async () =>
      (await markedActivities(crm, { type: 'person', id: bob })).filter((a) =>
        a.details?.includes('message=%3Csent-'),
      ),
    )
    .toHaveLength(1);
  // The sidebar never found a panel to live in.
  await expect(page.locator('iframe[data-threadline="sidebar"]')).toHaveCount(0);
});

const COLLAPSED: GmailDoubleFixture = {
  account: demoFixture.account,
  threads: [
    {
      threadId: '18c0c011a95ed001',
      subject: 'Contract review, round three',
      messages: [
        {
          messageId: '<c1@acme.test>',
          from: { name: 'Alice Doe', address: 'alice.doe@acme.test' },
          to: [
            { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' },
            { name: 'Bob Buyer', address: 'bob@acme.test' },
          ],
          date: 'Nov 18, 2026, 9:00 AM',
          body: 'First draft attached.',
          collapsed: true,
        },
        {
          messageId: '<c2@threadline-demo.test>',
          from: { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' },
          to: [{ name: 'Alice Doe', address: 'alice.doe@acme.test' }],
          date: 'Nov 19, 2026, 10:00 AM',
          body: 'Comments inline.',
        },
      ],
    },
  ],
};

test('a collapsed message: the sidebar says its people were not read, and reads them once expanded', async ({
  context,
  extensionId,
}) => {
  await routeGmail(context, COLLAPSED);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox/${COLLAPSED.threads[0]?.threadId}`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(frame.getByTestId('thread')).toBeVisible();
  await expect(frame.getByTestId('unread-messages')).toContainText('1');
  await expect(frame.getByTestId('participant')).toHaveCount(2);
  await page.locator('.double-message[data-collapsed="true"] .double-from').click();
  await expect(frame.getByTestId('unread-messages')).toHaveCount(0);
  await expect(frame.getByTestId('participant')).toHaveCount(3);
  await expect(frame.getByTestId('participant').nth(2)).toContainText('bob@acme.test');
});
