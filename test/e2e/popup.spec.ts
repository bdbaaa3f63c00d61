/**
 * The toolbar popup (issue 18) in the real browser, opened as a tab at its own URL (Playwright cannot
 * click the toolbar): not connected → Connect opens the settings' Connection section; connected →
 * the CRM, the account's sync state and counts; "Sync now" reaches the CRM; the keyboard reaches and
 * works every control; axe finds no serious or critical violation in light and dark; the README's
 * screenshots.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import type { CrmProcess } from './crm-process';
import { expect, test } from './fixtures';
import { openConnected, recordedRequests } from './open-thread';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });
const [pricing] = demoFixture.threads;

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
}

/** Presses Tab until the element with `testId` has the focus; fails if it never does. */
async function tabTo(page: Page, testId: string, max = 20): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    const now = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid);
    if (now === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}`);
}

/** The focused control shows it (an outline), in the current theme. */
const focusOutline = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? getComputedStyle(el).outlineStyle : 'none';
  });

async function clearRecorded(crm: CrmProcess): Promise<void> {
  await fetch(`${crm.origin}/__admin/requests`, {
    method: 'DELETE',
    headers: { 'X-Admin-Token': crm.adminToken },
  });
}

test('the toolbar popup: not connected, then the CRM, sync state and counts; Sync now; keyboard; axe light and dark', async ({
  context,
  extensionId,
  crm,
}) => {
  test.setTimeout(120_000);
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 320, height: 520 });
  await popup.goto(`chrome-extension://${extensionId}/src/popup/index.html`);

  // Before a CRM is connected: a clear empty state, and Connect (by keyboard) opens the settings there.
  await expect(popup.getByTestId('popup-not-connected')).toContainText('Not connected');
  expect(await violations(popup)).toEqual([]);
  await tabTo(popup, 'popup-connect');
  expect(await focusOutline(popup)).not.toBe('none');
  const opened = context.waitForEvent('page');
  await popup.keyboard.press('Enter');
  const settings = await opened;
  await expect
    .poll(() => settings.url())
    .toBe(`chrome-extension://${extensionId}/src/options/index.html#connection`);
  await settings.close();

  // Connected, with the Gmail account seen once (Gmail's tab then closes: nothing else asks the CRM).
  const { page } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await page.close();
  await popup.bringToFront();
  await expect(popup.getByTestId('popup-connected')).toContainText('Connected to Threadline Demo Co.');
  await expect(popup.getByTestId('popup-crm')).toContainText('Local demo CRM');
  await expect(popup.getByTestId('popup-account').locator('h2')).toHaveText(demoFixture.account);
  const lastSynced = popup.getByTestId('popup-last-synced');
  await expect(lastSynced).toBeVisible({ timeout: 30_000 });
  await expect(popup.getByTestId('popup-pending')).toHaveText('0');
  await expect(popup.getByTestId('popup-failed')).toHaveText('0');
  const before = await lastSynced.getAttribute('datetime');
  expect(before).not.toBeNull();

  // "Sync now", by keyboard (Space): the CRM server receives the sync, and the popup shows it ended later.
  // The worker stores sync times in whole seconds: a sync ending in the same second as the first one
  // would show the same time, so the press waits for the clock to pass that second.
  const syncedAtMs = Date.parse(before ?? '');
  await expect.poll(() => Date.now(), { intervals: [100] }).toBeGreaterThanOrEqual(syncedAtMs + 1000);
  await clearRecorded(crm);
  await tabTo(popup, 'popup-sync-now');
  expect(await focusOutline(popup)).not.toBe('none');
  await popup.keyboard.press('Space');
  await expect(popup.getByText('Sync started.')).toBeVisible();
  await expect.poll(async () => (await recordedRequests(crm)).length).toBeGreaterThan(0);
  await expect.poll(() => lastSynced.getAttribute('datetime'), { timeout: 30_000 }).not.toBe(before);
  // Every other control is reachable too.
  await tabTo(popup, 'popup-open-gmail');
  await tabTo(popup, 'popup-settings');

  expect(await violations(popup)).toEqual([]);
  await popup.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await popup.locator('main').screenshot({ path: `${SHOTS}popup.png` });

  // Dark: follows the system, and stays readable.
  await popup.emulateMedia({ colorScheme: 'dark' });
  await expect(popup.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect
    .poll(() => popup.evaluate(() => getComputedStyle(document.body).backgroundColor))
    .toBe('rgb(31, 31, 31)');
  expect(await violations(popup)).toEqual([]);
  await popup.locator('main').screenshot({ path: `${SHOTS}popup-dark.png` });

  // "Open Gmail" opens Gmail's mail view (where the content script runs) when no Gmail tab is open.
  const gmail = context.waitForEvent('page');
  await popup.getByTestId('popup-open-gmail').click();
  await expect.poll(async () => (await gmail).url()).toMatch(/^https:\/\/mail\.google\.com\/mail\//);
});
