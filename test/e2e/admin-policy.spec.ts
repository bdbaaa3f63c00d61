import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { demoFixture } from '../gmail-double/fixture';
import { openSection } from './connect';
import extensionKey from './extension-key.json' with { type: 'json' };
import { expect, extensionWorker, GMAIL_URL, isWelcome, routeGmail, sidebarFrame, test } from './fixtures';
import { pageViolations } from './page-checks';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = `${POLICY_DIR}/threadline-e2e-test.json`;

function canWritePolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// Chromium on Linux reads enterprise policy for extensions from this folder (reference/chromium-e2e.md).
test.describe('admin policy from chrome.storage.managed', () => {
  test.skip(!canWritePolicy(), `needs write access to ${POLICY_DIR} (run as root, as CI does)`);

  const policyOf = (retentionDays: number) => ({
    '3rdparty': {
      extensions: {
        [extensionKey.id]: {
          AllowedGoogleAccountDomains: ['threadline-demo.test'],
          RetentionDays: retentionDays,
          ProhibitedDataMode: 'block',
          CrmKind: 'local',
          // Chrome itself drops a value that breaks the schema (not one of the enum's values)...
          EmailContentLevel: 'loud',
          // ...while one that fits the schema but not Threadline's rules reaches us, and is reported.
          NeverLog: ['not a domain!'],
        },
      },
    },
  });
  test.beforeEach(() => {
    writeFileSync(POLICY_FILE, JSON.stringify(policyOf(14)));
  });
  test.afterEach(() => {
    rmSync(POLICY_FILE, { force: true });
  });

  test('a policy value is in effect and locked in the options page; invalid ones are listed', async ({
    context,
    extensionId,
  }) => {
    expect(extensionId).toBe(extensionKey.id);
    const page = await context.newPage();
    // Privacy & data, linked straight to by its hash: each admin value is locked in place.
    await page.goto(`chrome-extension://${extensionId}/src/options/index.html#privacy`);
    const retention = page.locator('[data-setting="retentionDays"]');
    await expect(retention.getByRole('textbox')).toHaveValue('14');
    await expect(retention.getByRole('textbox')).toBeDisabled();
    await expect(retention).toContainText('Set by your administrator');
    // The lock is part of the control's description, not only something seen.
    await expect(page.getByLabel('Keep cached Gmail data for (days)')).toHaveAccessibleDescription(
      /Set by your administrator/,
    );
    await expect(page.locator('[data-setting="prohibitedDataMode"] select')).toHaveValue('block');
    await expect(page.locator('[data-setting="prohibitedDataMode"] select')).toBeDisabled();
    // A value only an admin can set is shown where it belongs, with its lock.
    const domains = page.locator('[data-setting="allowedAccountDomains"]');
    await expect(domains).toContainText('threadline-demo.test');
    await expect(domains).toContainText('Set by your administrator');
    await expect(page.getByTestId('policy-warnings')).toContainText('Policy "NeverLog" has an invalid value');
    await expect(page.getByTestId('policy-warnings')).not.toContainText('EmailContentLevel');
    // Locked rows, the admin-only row and the warnings stay accessible, light and dark.
    expect(await pageViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await pageViolations(page)).toEqual([]);

    // Logging: what the policy left free (or set to an invalid value) stays the user's choice.
    await openSection(page, 'logging');
    const level = page.locator('[data-setting="emailContentLevel"]');
    await expect(level.locator('select')).toHaveValue('metadata');
    await expect(level.locator('select')).toBeEnabled();
    await expect(level).not.toContainText('Set by your administrator');
    await expect(page.locator('[data-setting="neverLog"] input')).toHaveValue('');
    await expect(page.locator('[data-setting="neverLog"] input')).toBeEnabled();

    // The CRM choice is the administrator's: the form shows it and cannot change it.
    await openSection(page, 'connection');
    await expect(page.getByRole('radio', { name: /Local demo CRM/ })).toBeDisabled();
    await expect(page.getByRole('radio', { name: /Local demo CRM/ })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'Copper' })).toBeDisabled();
    await expect(page.getByTestId('crm-kind')).toContainText('Set by your administrator');
    expect(await pageViolations(page)).toEqual([]);
  });

  test('a policy changed while Chrome runs applies at once: the worker takes it and the open settings page shows it', async ({
    context,
    extensionId,
  }) => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/src/options/index.html#privacy`);
    const retention = page.locator('[data-setting="retentionDays"]').getByRole('textbox');
    await expect(retention).toHaveValue('14');
    // Chromium reloads the policy folder a few seconds after it changes (about 5 s here); the
    // managed area's change event then reaches the worker, which re-reads the policy, and the page,
    // which asks the worker again. No reload of anything.
    writeFileSync(POLICY_FILE, JSON.stringify(policyOf(30)));
    await expect(retention).toHaveValue('30', { timeout: 30_000 });
    await expect(retention).toBeDisabled();
  });

  test('a fresh install under a policy that sets the CRM opens no welcome tab; the page itself says so', async ({
    context,
    extensionId,
  }) => {
    // The fixture waited for the worker's install decision: under this policy it is "skipped".
    const worker = await extensionWorker(context);
    type WithChrome = {
      chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } };
    };
    const state = await worker.evaluate(
      async () => (await (globalThis as unknown as WithChrome).chrome.storage.session.get('welcome')).welcome,
    );
    expect(state).toBe('skipped');
    expect(context.pages().filter(isWelcome)).toEqual([]);
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/src/welcome/index.html`);
    await expect(page.getByTestId('welcome-admin')).toContainText('Local demo CRM');
    await expect(page.getByTestId('open-gmail')).toBeVisible();
    await expect(page.getByTestId('crm-key')).toHaveCount(0);
  });

  test('an account outside the allowed domains gets no sidebar; an allowed one does', async ({
    context,
    extensionId,
  }) => {
    const outsider = { ...demoFixture, account: 'someone@gmail.com' };
    await routeGmail(context, outsider);
    const page = await context.newPage();
    // The content script logs when it decides to stay inert; after that it never mounts the sidebar.
    const inert = page.waitForEvent('console', {
      predicate: (m) => /\[threadline:content\] inert .*not allowed by policy/.test(m.text()),
    });
    await page.goto(`${GMAIL_URL}#inbox/${demoFixture.threads[0]?.threadId ?? ''}`);
    // The content script ran (the double marks the page) and then stayed inert.
    await expect(page.locator('html[data-gmail-double]')).toHaveCount(1);
    await inert;
    await expect(page.locator('iframe[data-threadline="sidebar"]')).toHaveCount(0);

    await context.unrouteAll();
    await routeGmail(context, demoFixture);
    const allowed = await context.newPage();
    await allowed.goto(`${GMAIL_URL}#inbox/${demoFixture.threads[0]?.threadId ?? ''}`);
    const frame = await sidebarFrame(allowed, extensionId);
    await expect(frame.getByTestId('thread')).toBeVisible();
    await expect(frame.getByTestId('managed')).toHaveCount(0); // not connected: no footer yet
  });
});
