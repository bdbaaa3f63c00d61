/**
 * Accessibility (issue 8): axe-core in the real browser on every sidebar state and the options page.
 * Serious and critical violations fail the test; the report names rule, element and fix.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import { type CrmProcess, startCrm } from './crm-process';
import { expect, GMAIL_URL, routeGmail, sidebarFrame, test } from './fixtures';
import { openConnected } from './open-thread';

const [pricing, intro] = demoFixture.threads;
let crm: CrmProcess;
test.beforeEach(async () => {
  crm = await startCrm();
});
test.afterEach(async () => {
  await crm.dispose();
});

/** Serious and critical violations inside the sidebar frame (the Gmail double itself is not ours). */
async function sidebarViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .include(['iframe[data-threadline="sidebar"]', 'main'])
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  // Not vacuous: axe did look inside the sidebar frame (its targets are [iframe, element]).
  const inFrame = [...result.passes, ...result.violations].some((r) =>
    r.nodes.some((n) => n.target.length > 1),
  );
  if (!inFrame) throw new Error('axe did not reach into the sidebar frame');
  return report(result.violations);
}

async function pageViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return report(result.violations);
}

function report(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
}

test('the sidebar before a CRM is connected, and with no thread open', async ({ context, extensionId }) => {
  await routeGmail(context);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId}`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(frame.getByTestId('not-connected')).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);
  await connectThroughOptions(context, extensionId, crm);
  await page.bringToFront();
  await page.goto(`${GMAIL_URL}#inbox`);
  await expect(frame.getByTestId('empty-state')).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);
});

test('the sidebar with a known contact, deal, links, notes and tasks; consent; search; guard', async ({
  context,
  extensionId,
}) => {
  const { page, frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await expect(frame.getByTestId('deal-row').first()).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);

  await frame.getByTestId('link-button').click();
  await expect(frame.getByTestId('consent-prompt')).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);
  await frame.getByTestId('consent-dismiss').click();

  await frame.getByTestId('note-text').fill('Card 4111 1111 1111 1111');
  await expect(frame.getByTestId('note-guard')).toBeVisible();
  await frame.getByTestId('deal-new').click();
  expect(await sidebarViolations(page)).toEqual([]);

  await frame.getByRole('searchbox').fill('acme');
  await expect(frame.getByTestId('search-results').locator('li').first()).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);
});

test('the sidebar with an unknown sender, and offline', async ({ context, extensionId }) => {
  const { page, frame } = await openConnected(context, extensionId, crm, intro?.threadId ?? '');
  await expect(frame.locator('[data-testid="contact-card"][data-state="unknown"]')).toBeVisible();
  expect(await sidebarViolations(page)).toEqual([]);
  await crm.stop();
  await frame.getByRole('button', { name: 'Sync now' }).click();
  await expect(frame.getByTestId('health-unreachable')).toBeVisible({ timeout: 30_000 });
  expect(await sidebarViolations(page)).toEqual([]);
});

test('the options page: connect form, settings and privacy centre', async ({ context, extensionId }) => {
  const fresh = await context.newPage();
  await fresh.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  await expect(fresh.getByTestId('crm-url')).toBeVisible();
  expect(await pageViolations(fresh)).toEqual([]);
  const { options } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await options.bringToFront();
  await options.reload();
  await expect(options.getByTestId('privacy-counts')).toBeVisible();
  expect(await pageViolations(options)).toEqual([]);
});
