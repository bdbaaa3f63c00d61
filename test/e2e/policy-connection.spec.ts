/**
 * Connection under policy (issue 14): a connection saved before the administrator named another CRM
 * stops at once when the policy arrives. The sidebar and the options page say why, and nothing more
 * is sent to the old CRM. The policy is a real Chromium policy file (root only, like
 * admin-policy.spec.ts), applied with chrome://policy's "Reload policies".
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { ConsoleMessage } from '@playwright/test';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import extensionKey from './extension-key.json' with { type: 'json' };
import { expect, GMAIL_URL, test } from './fixtures';
import { openConnected, recordedRequests } from './open-thread';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = `${POLICY_DIR}/threadline-e2e-connection.json`;
const STRANGER = 'opal.late9x@after-policy.test';
const FIXTURE: GmailDoubleFixture = {
  account: demoFixture.account,
  threads: [
    ...demoFixture.threads,
    {
      threadId: '18c0b0d000000a11',
      subject: 'Opened after the policy',
      messages: [
        {
          messageId: '<after@after-policy.test>',
          from: { name: 'Opal Late', address: STRANGER },
          to: [{ name: 'Sam Seller', address: demoFixture.account }],
          date: 'Nov 21, 2026, 9:00 AM',
          body: 'Hello.',
        },
      ],
    },
  ],
};

function canWritePolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

test.describe('a saved connection the policy no longer allows', () => {
  test.skip(!canWritePolicy(), `needs write access to ${POLICY_DIR} (run as root, as CI does)`);
  test.afterEach(() => rmSync(POLICY_FILE, { force: true }));

  test('stops at once, the sidebar and the options page say why, and nothing more is sent', async ({
    context,
    extensionId,
    crm,
  }) => {
    const consoleLines: string[] = [];
    context.on('console', (m: ConsoleMessage) => consoleLines.push(m.text()));
    const { page, frame, options } = await openConnected(
      context,
      extensionId,
      crm,
      demoFixture.threads[0]?.threadId ?? '',
      FIXTURE,
    );
    await expect(frame.getByTestId('health-policyBlocked')).toHaveCount(0);

    // The administrator now names another CRM.
    const elsewhere = 'http://127.0.0.1:9/developer_api/v1';
    writeFileSync(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [extensionKey.id]: { CrmBaseUrl: elsewhere } } } }),
    );
    const policyPage = await context.newPage();
    await policyPage.goto('chrome://policy');
    await policyPage.locator('#reload-policies').click();

    // The options page and the sidebar say why.
    await options.bringToFront();
    await expect(options.getByTestId('connection-blocked')).toContainText('CrmBaseUrl', { timeout: 15_000 });
    await page.bringToFront();
    await expect(frame.getByTestId('health-policyBlocked')).toBeVisible();

    // Nothing more reaches the old CRM: a thread with someone new is opened, the look-up is refused
    // by the egress gate (the worker says so), and the CRM never hears of them.
    const before = (await recordedRequests(crm)).length;
    await page.goto(`${GMAIL_URL}#inbox/18c0b0d000000a11`);
    await expect(frame.getByTestId('thread')).toContainText('Opened after the policy');
    await expect.poll(() => consoleLines.some((l) => /lookup\.failed .*policyBlocked/.test(l))).toBe(true);
    const after = (await recordedRequests(crm)).slice(before);
    expect(after.filter((r) => r.body.includes(STRANGER))).toEqual([]);
    expect(after).toEqual([]);
  });
});
