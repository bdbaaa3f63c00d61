/**
 * Issue 8: the main job with the keyboard alone (connect, open a thread, add a contact, log the
 * thread), and the sidebar following Gmail's dark theme.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import { expect, GMAIL_URL, launchWithExtension, routeGmail, sidebarFrame, test } from './fixtures';
import { openConnected } from './open-thread';

const [pricing, intro] = demoFixture.threads;

/** The data-testid (or text) of what has the keyboard focus, looking into the sidebar frame. */
async function focused(page: Page, frame: Frame | null): Promise<string> {
  const top = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    if (el.tagName === 'IFRAME') return '(iframe)';
    return el.dataset.testid ?? el.getAttribute('href') ?? el.textContent?.trim() ?? '';
  });
  if (top !== '(iframe)' || !frame) return top;
  return frame.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.dataset.testid ?? el?.textContent?.trim() ?? '';
  });
}

/** Presses Tab until `target` has the focus (and fails if it never does: focus trapped or unreachable). */
async function tabTo(page: Page, frame: Frame | null, target: string | RegExp, max = 120): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    const now = await focused(page, frame);
    if (typeof target === 'string' ? now === target : target.test(now)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

test('keyboard only: connect, open a thread, add a contact, log the thread', async ({
  context,
  extensionId,
  crm,
}) => {
  test.setTimeout(120_000);
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  await tabTo(options, null, 'crm-url');
  await options.keyboard.press('Control+A');
  await options.keyboard.type(crm.baseUrl);
  await options.keyboard.press('Tab');
  await options.keyboard.type(crm.apiKey);
  await options.keyboard.press('Tab');
  await options.keyboard.type(crm.email);
  await options.keyboard.press('Enter');
  await expect(options.getByTestId('connected')).toContainText('Threadline Demo Co.');

  await routeGmail(context);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(frame.getByTestId('empty-state')).toBeVisible();
  await tabTo(page, null, `#inbox/${intro?.threadId}`);
  await page.keyboard.press('Enter');
  const dave = frame.locator('[data-testid="contact-card"][data-address="dave@initech.test"]');
  await expect(dave).toHaveAttribute('data-state', 'unknown', { timeout: 20_000 });

  // Into the sidebar, to Dave's "Add" form: Enter adds him as a person.
  await tabTo(page, frame, 'add-person');
  await page.keyboard.press('Enter');
  await expect(dave).toHaveAttribute('data-state', 'person', { timeout: 15_000 });

  // Log the thread: the consent notice takes the focus; Tab to "Allow", Enter.
  await tabTo(page, frame, 'log-thread');
  await page.keyboard.press('Enter');
  await expect(frame.getByTestId('consent-prompt')).toBeVisible();
  await expect.poll(() => frame.evaluate(() => document.activeElement?.id)).toBe('consent-title');
  await tabTo(page, frame, 'consent-allow', 5);
  await page.keyboard.press('Enter');
  await expect(frame.getByTestId('logged-count')).toHaveText('1 of 1 message logged', { timeout: 15_000 });

  // "/" jumps to the search; Escape clears it; focus is never trapped (Tab leaves the sidebar).
  await frame.locator('body').press('/');
  expect(await focused(page, frame)).toBe('crm-search');
  await page.keyboard.type('acme');
  await expect(frame.getByTestId('search-results')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(frame.getByTestId('search-results')).toBeHidden();
  // Every control shows where the focus is.
  const outline = await frame.evaluate(
    () => getComputedStyle(document.activeElement as Element).outlineStyle,
  );
  expect(outline).not.toBe('none');
  // Focus is never trapped: Tab walks out of the sidebar and back into Gmail.
  let left = false;
  for (let i = 0; i < 150 && !left; i += 1) {
    await page.keyboard.press('Tab');
    left = await page.evaluate(() => document.activeElement?.tagName !== 'IFRAME');
  }
  expect(left).toBe(true);
});

test('the sidebar follows Gmail’s dark theme, live, without reloading', async ({
  context,
  extensionId,
  crm,
}) => {
  await routeGmail(context, { ...demoFixture, dark: true });
  const { page, frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '', {
    ...demoFixture,
    dark: true,
  });
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await frame.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(31, 31, 31)');
  await expect(frame.getByTestId('deal-row').first()).toBeVisible();
  const result = await new AxeBuilder({ page })
    .include(['iframe[data-threadline="sidebar"]', 'main'])
    .analyze();
  expect(
    result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
  ).toEqual([]);
  const shots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
  mkdirSync(shots, { recursive: true });
  await page.locator('#double-sidebar').screenshot({ path: `${shots}dark-mode.png` });

  const loadedAt = await frame.evaluate(() => performance.timeOrigin);
  await page.evaluate(() => {
    document.body.style.background = '#ffffff';
  });
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await frame.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
});

const LONG_NAME =
  'Maximiliane Alexandra Konstantinopoulou-Vanderbilt-Featherstonehaugh of Acme Worldwide Holdings';
const RTL_NAME = 'سارة الأحمد';
const WIDE = {
  ...demoFixture,
  threads: [
    {
      threadId: '18c0w1de00000280',
      subject: 'A very long subject line that goes on and on about the quarterly business review and pricing',
      messages: [
        {
          messageId: '<wide-1@example.test>',
          from: {
            name: LONG_NAME,
            address: 'maximiliane.konstantinopoulou-vanderbilt@very-long-company-domain.example',
          },
          to: [
            { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' },
            { name: RTL_NAME, address: 'sara@example-rtl.test' },
          ],
          date: 'Nov 22, 2026, 9:00 AM',
          body: '.',
        },
      ],
    },
    ...demoFixture.threads,
  ],
};

test('from 280 to 420 px wide nothing scrolls sideways; long and right-to-left names truncate, whole on hover', async ({
  context,
  extensionId,
  crm,
}) => {
  const threadId = WIDE.threads[0]?.threadId ?? '';
  const { page, frame } = await openConnected(context, extensionId, crm, threadId, WIDE);
  await expect(frame.getByTestId('contact-card')).toHaveCount(2);
  for (const width of [280, 320, 360, 420]) {
    await page.evaluate((w) => {
      (document.querySelector('.double-app') as HTMLElement).style.gridTemplateColumns = `1fr ${w}px`;
    }, width);
    await expect
      .poll(() => frame.evaluate(() => document.documentElement.clientWidth))
      .toBeLessThanOrEqual(width);
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
  }
  const long = frame.locator('.participant .name', { hasText: 'Maximiliane' });
  await expect(long).toHaveAttribute('title', LONG_NAME);
  expect(await long.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true); // truncated
  expect(await long.evaluate((el) => getComputedStyle(el).textOverflow)).toBe('ellipsis');
  const rtl = frame.locator('.participant .name', { hasText: RTL_NAME });
  await expect(rtl).toHaveAttribute('dir', 'auto');
  expect(await rtl.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
});

test('in a German browser the options page and the sidebar speak German, with German dates and numbers', async ({
  browserName,
  crm,
}, testInfo) => {
  // This test launches its own browser, in German (the shared fixture's is English).
  expect(browserName).toBe('chromium');
  const context = await launchWithExtension(testInfo.outputPath('profile-de'), undefined, 'de');
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/src/options/index.html`);
    await expect(options.getByRole('button', { name: 'Verbindung testen' })).toBeVisible();
    await expect(options.locator('html')).toHaveAttribute('lang', /^de/);
    await options.getByTestId('crm-url').fill(crm.baseUrl);
    await options.getByTestId('crm-key').fill(crm.apiKey);
    await options.getByTestId('crm-email').fill(crm.email);
    await options.getByTestId('connect').click();
    await expect(options.getByTestId('connected')).toContainText('Mit Threadline Demo Co. verbunden');
    // The settings' sections and the welcome page speak German too.
    await expect(options.getByRole('navigation')).toContainText('Datenschutz & Daten');
    await expect(options.getByTestId('nav-logging')).toHaveText('Protokollierung');
    const welcome = await context.newPage();
    await welcome.goto(`chrome-extension://${extensionId}/src/welcome/index.html`);
    await expect(welcome.getByRole('heading', { level: 1 })).toHaveText('Willkommen bei Threadline');
    await expect(welcome.getByTestId('step-connect-done')).toContainText('erledigt');
    await welcome.close();

    await routeGmail(context);
    const page = await context.newPage();
    await page.goto(`${GMAIL_URL}#inbox`);
    const frame = await sidebarFrame(page, extensionId);
    await expect(frame.getByTestId('empty-state')).toContainText('Keine Unterhaltung geöffnet');
    await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId}`);
    const alice = frame.locator('[data-testid="contact-card"][data-address="alice.doe@acme.test"]');
    await expect(alice.getByTestId('deal')).toContainText('48.000', { timeout: 20_000 }); // de: 48.000 $
    await expect(frame.getByTestId('thread-links')).toContainText('Im CRM');
    const shots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
    await page.locator('#double-sidebar').screenshot({ path: `${shots}german.png` });
  } finally {
    await context.close();
  }
});
