import { hugeThreadFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import { expect, GMAIL_URL, routeGmail, sidebarFrame, test } from './fixtures';

test('a 10,000-participant thread opens without freezing the sidebar', async ({
  context,
  extensionId,
  crm,
}) => {
  test.setTimeout(90_000);
  await connectThroughOptions(context, extensionId, crm);
  const fixture = hugeThreadFixture(10_000);
  await routeGmail(context, fixture);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox/${fixture.threads[0]?.threadId ?? ''}`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(frame.locator('.meta')).toHaveText('10,001 participants');
  await expect(frame.getByTestId('participant')).toHaveCount(50);
  // Cards for the first 25 outside participants; Alice is known.
  await expect(frame.getByTestId('contact-card')).toHaveCount(25);
  await expect(
    frame.locator('[data-testid="contact-card"][data-address="alice.doe@acme.test"]'),
  ).toHaveAttribute('data-state', 'person');
  // Still responsive: search answers while the cards are there.
  await frame.getByTestId('crm-search').fill('acme');
  await expect(frame.getByTestId('search-results')).toContainText('Acme Corporation');
  // The whole list on request.
  await frame.getByTestId('show-all-participants').click();
  await expect(frame.getByTestId('participant')).toHaveCount(10_001);
  // ONE batched search for the cards' cache misses (at most 25 addresses), not one per participant.
  const log = (await (
    await fetch(`${crm.origin}/__admin/requests`, { headers: { 'X-Admin-Token': crm.adminToken } })
  ).json()) as { url: string; body: string }[];
  const lookups = log.filter((r) => r.url.endsWith('/people/search') && r.body.includes('"emails"'));
  expect(lookups.length).toBeGreaterThanOrEqual(1);
  expect(lookups.every((r) => (JSON.parse(r.body) as { emails: string[] }).emails.length <= 25)).toBe(true);
});
