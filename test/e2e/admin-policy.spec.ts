import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { demoFixture } from '../gmail-double/fixture';
import extensionKey from './extension-key.json' with { type: 'json' };
import { expect, GMAIL_URL, routeGmail, sidebarFrame, test } from './fixtures';

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

  test.beforeEach(() => {
    const policy = {
      '3rdparty': {
        extensions: {
          [extensionKey.id]: {
            AllowedGoogleAccountDomains: ['threadline-demo.test'],
            RetentionDays: 14,
            ProhibitedDataMode: 'block',
            CrmKind: 'local',
            // Chrome itself drops a value that breaks the schema (not one of the enum's values)...
            EmailContentLevel: 'loud',
            // ...while one that fits the schema but not Threadline's rules reaches us, and is reported.
            NeverLog: ['not a domain!'],
          },
        },
      },
    };
    writeFileSync(POLICY_FILE, JSON.stringify(policy));
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
    await page.goto(`chrome-extension://${extensionId}/src/options/index.html`);
    const retention = page.locator('[data-setting="retentionDays"]');
    await expect(retention).toContainText('14');
    await expect(retention).toContainText('Set by your administrator');
    await expect(page.locator('[data-setting="prohibitedDataMode"]')).toContainText('block');
    await expect(page.locator('[data-setting="emailContentLevel"]')).toContainText('metadata');
    await expect(page.locator('[data-setting="emailContentLevel"]')).not.toContainText(
      'Set by your administrator',
    );
    await expect(page.getByTestId('policy-warnings')).toContainText('Policy "NeverLog" has an invalid value');
    await expect(page.getByTestId('policy-warnings')).not.toContainText('EmailContentLevel');
    await expect(page.locator('[data-setting="neverLog"]')).toContainText('None');
    // The CRM choice is the administrator's: the form shows it and cannot change it.
    await expect(page.getByRole('radio', { name: /Local demo CRM/ })).toBeDisabled();
    await expect(page.getByRole('radio', { name: /Local demo CRM/ })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'Copper' })).toBeDisabled();
    await expect(page.getByTestId('crm-kind')).toContainText('Set by your administrator');
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
