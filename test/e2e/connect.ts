import type { BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { CrmProcess } from './crm-process';

/** Connects the extension to the CRM through the options page, as a user would. */
export async function connectThroughOptions(
  context: BrowserContext,
  extensionId: string,
  crm: CrmProcess,
  requestsPerMinute?: number,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  if (crm.kind === 'hubspot') {
    await page.getByTestId('crm-kind').getByRole('radio', { name: 'HubSpot' }).check();
    // The local server's address sits under "Advanced" (HubSpot's own is the default).
    await page.getByText('Advanced').click();
  }
  await page.getByTestId('crm-url').fill(crm.baseUrl);
  await page.getByTestId('crm-key').fill(crm.apiKey);
  await page.getByTestId('crm-email').fill(crm.email);
  if (requestsPerMinute !== undefined && crm.kind !== 'hubspot') {
    await page.getByText('Advanced').click();
    await page.getByTestId('crm-rate').fill(String(requestsPerMinute));
  }
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connect-result')).toContainText(
    crm.kind === 'hubspot' ? 'Connection works:' : 'Connection works: Threadline Demo Co.',
  );
  await page.getByTestId('connect').click();
  await expect(page.getByTestId('connected')).toBeVisible();
  if (crm.kind !== 'hubspot')
    await expect(page.getByTestId('connected')).toContainText('Threadline Demo Co.');
  return page;
}

export type SettingsSection = 'connection' | 'logging' | 'privacy' | 'about';

/** Shows one section of the settings page through its nav link, as a user would. */
export async function openSection(page: Page, section: SettingsSection): Promise<void> {
  await page.getByTestId(`nav-${section}`).click();
  await expect(page.getByTestId(`section-${section}`)).toBeVisible();
}
