/**
 * Connecting to HubSpot (issue 16): a private-app token, checked with its scopes at connect; what
 * HubSpot holds is shown as text. Runs in the `hubspot` project only (playwright.config.ts), against
 * the local server's HubSpot personality (`--api hubspot`).
 */
import type { Page } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import { expect, test } from './fixtures';
import { openConnected } from './open-thread';

const [pricing] = demoFixture.threads;

async function fillHubspotForm(
  page: Page,
  extensionId: string,
  baseUrl: string,
  token: string,
  email: string,
) {
  await page.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  await page.getByTestId('crm-kind').getByRole('radio', { name: 'HubSpot' }).check();
  await page.getByText('Advanced').click();
  await page.getByTestId('crm-url').fill(baseUrl);
  await page.getByTestId('crm-key').fill(token);
  await page.getByTestId('crm-email').fill(email);
}

test('a wrong token says so plainly and saves nothing', async ({ context, extensionId, crm }) => {
  const page = await context.newPage();
  await fillHubspotForm(page, extensionId, crm.baseUrl, 'pat-na1-not-the-token', crm.email);
  await page.getByTestId('connect').click();
  await expect(page.getByTestId('connect-result')).toContainText(/token/i);
  await page.reload();
  await expect(page.getByTestId('connected')).toHaveCount(0);
});

test('a token without a scope Threadline needs names the missing scope, and connects nothing', async ({
  context,
  extensionId,
  startCrm,
}) => {
  // Every scope but the deals' read scope.
  const crm = await startCrm({
    extraArgs: [
      '--hubspot-scopes',
      [
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.companies.write',
        'crm.objects.deals.write',
        'crm.objects.owners.read',
        'sales-email-read',
      ].join(','),
    ],
  });
  const page = await context.newPage();
  await fillHubspotForm(page, extensionId, crm.baseUrl, crm.apiKey, crm.email);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connect-result')).toContainText('crm.objects.deals.read');
  await page.getByTestId('connect').click();
  await expect(page.getByTestId('connect-result')).toContainText('crm.objects.deals.read');
  await expect(page.getByTestId('connected')).toHaveCount(0);
});

test('HubSpot data with HTML in it is shown as text', async ({ context, extensionId, crm }) => {
  const alice = await crm.probe.personIdOf('alice.doe@acme.test');
  await crm.probe.setTitle(alice, '<img src=x onerror="window.pwned=1">CEO');
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const card = frame.locator('[data-testid="contact-card"][data-address="alice.doe@acme.test"]');
  await expect(card.getByTestId('person-subtitle')).toContainText('<img src=x onerror="window.pwned=1">CEO');
  expect(await frame.locator('img, script:not([src])').count()).toBe(0);
  expect(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
});
