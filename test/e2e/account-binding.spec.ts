/**
 * Account binding (issue 14): the account a Gmail tab reports comes from the page, and any script in
 * the page's main world can change it. The worker pins a tab's account at its first message and
 * refuses another. Here a main-world script makes the reloaded page claim another account: the
 * worker refuses it (its own log says so), the tab stays inert, and nothing is sent or kept for that
 * account. Then a clean tab opens a thread of its own, so "nothing was sent" is checked after
 * something was.
 */
import type { ConsoleMessage } from '@playwright/test';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { expect, GMAIL_URL, routeGmail, sidebarFrame, test } from './fixtures';
import { openConnected, recordedRequests } from './open-thread';

const FORGED = 'mallory.forged@threadline-demo.test';
const ONLY_FORGED = 'wren.forged7k@forged-only.test';
const ONLY_CLEAN = 'yara.clean4m@clean-only.test';
const sam = { name: 'Sam Seller', address: demoFixture.account };
const thread = (threadId: string, subject: string, address: string) => ({
  threadId,
  subject,
  messages: [
    {
      messageId: `<${threadId}@x.test>`,
      from: { name: 'Outside Person', address },
      to: [sam],
      date: 'Nov 21, 2026, 9:00 AM',
      body: 'Hello.',
    },
  ],
});
const FIXTURE: GmailDoubleFixture = {
  account: demoFixture.account,
  threads: [
    ...demoFixture.threads,
    thread('18c0b0d000000f01', 'Seen only by the forged account', ONLY_FORGED),
    thread('18c0b0d000000c01', 'Seen by the real account', ONLY_CLEAN),
  ],
};
const [first] = demoFixture.threads;

/**
 * Runs in Gmail's main world before the page's own scripts, like any script Gmail loads: once the
 * tab has been marked, it rewrites the account the page shows as soon as the body exists.
 */
function forgeAccount(forged: string): void {
  if (sessionStorage.getItem('forge-account') !== '1') return;
  const forge = () => {
    if (!document.body) return false;
    document.body.dataset.gmailDoubleAccount = forged;
    return true;
  };
  if (forge()) return;
  const observer = new MutationObserver(() => {
    if (forge()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

test('a main-world script that makes the tab claim another account is refused, and nothing is sent for it', async ({
  context,
  extensionId,
  crm,
}) => {
  const consoleLines: string[] = [];
  context.on('console', (m: ConsoleMessage) => consoleLines.push(m.text()));
  const { page, options } = await openConnected(context, extensionId, crm, first?.threadId ?? '', FIXTURE);
  page.on('console', (m) => consoleLines.push(m.text()));
  // The tab has spoken for the real account (its sidebar shows the thread): it is pinned.
  await page.addInitScript(forgeAccount, FORGED);
  await page.evaluate(() => sessionStorage.setItem('forge-account', '1'));

  const inert = page.waitForEvent('console', {
    predicate: (m) => /\[threadline:content\] inert/.test(m.text()),
  });
  // A new document in the same tab (a query makes it a load, not a hash change of the old page).
  await page.goto(`${GMAIL_URL}?reloaded=1#inbox/18c0b0d000000f01`);
  // The forgery took: the page now claims the other account...
  await expect(page.locator('body')).toHaveAttribute('data-gmail-double-account', FORGED);
  // ...the worker refused it for this tab, and the content script stayed inert.
  await inert;
  await expect
    .poll(() => consoleLines.filter((l) => l.includes('another account than the tab')).length)
    .toBeGreaterThan(0);
  await expect(page.locator('iframe[data-threadline="sidebar"]')).toHaveCount(0);

  // Something observable after: a clean tab of the real account opens a thread of its own, and its
  // participant is looked up in the CRM.
  await routeGmail(context, FIXTURE);
  const clean = await context.newPage();
  await clean.goto(`${GMAIL_URL}#inbox/18c0b0d000000c01`);
  const frame = await sidebarFrame(clean, extensionId);
  await expect(frame.getByTestId('thread')).toBeVisible();
  await expect
    .poll(async () => (await recordedRequests(crm)).some((r) => r.body.includes(ONLY_CLEAN)))
    .toBe(true);

  // Nothing was sent for the forged account: not its thread's participant, not its address.
  const log = await recordedRequests(crm);
  expect(log.filter((r) => `${r.url}\n${r.body}`.includes(ONLY_FORGED))).toEqual([]);
  expect(log.filter((r) => `${r.url}\n${r.body}`.includes(FORGED))).toEqual([]);
  // Nothing was kept for it either: the privacy centre knows only the real account.
  await options.bringToFront();
  const known = await options.evaluate(async () => {
    const runtime = (
      globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
    ).chrome.runtime;
    const answer = (await runtime.sendMessage({ type: 'privacyOverview' })) as {
      accounts: { account: string }[];
    };
    return answer.accounts.map((a) => a.account);
  });
  expect(known).toContain(demoFixture.account);
  expect(known).not.toContain(FORGED);
});
