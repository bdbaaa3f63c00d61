/**
 * A record deleted (or merged away) in the CRM leaves the sidebar (issue 13). Copper has no deletion
 * feed, so the bound is: a card shown from the cache confirms its person with the CRM at the first
 * open at least 10 minutes (ACTIVITY_TTL_SECONDS) after its last confirmation, and every sync run
 * (every 5 minutes, or "Sync now") checks up to 800 cached people and 200 companies against the CRM
 * (sync/reconcile.ts); this demo CRM's 300 people are all checked in one run.
 */
import { demoFixture } from '../gmail-double/fixture';
import { expect, GMAIL_URL, test } from './fixtures';
import { openConnected, personIdOf, recordedRequests } from './open-thread';

const [pricing, intro] = demoFixture.threads;
const card = (address: string) => `[data-testid="contact-card"][data-address="${address}"]`;

test('a person deleted in the CRM disappears at the first open of its card from the cache', async ({
  context,
  extensionId,
  crm,
}) => {
  // The first sync fills the cache while another thread is open: Bob's card was never shown.
  const { page, frame } = await openConnected(context, extensionId, crm, intro?.threadId ?? '');
  await expect(frame.getByTestId('sync-footer')).toContainText('Synced', { timeout: 30_000 });
  const bob = await personIdOf(crm, 'bob@acme.test');
  expect((await crm.api('DELETE', `/people/${bob}`)).status).toBe(200);

  await page.goto(`${GMAIL_URL}#inbox/${pricing?.threadId}`);
  await expect(frame.locator(card('alice.doe@acme.test'))).toHaveAttribute('data-state', 'person');
  // Shown from the cache, confirmed with the CRM (404), dropped, searched again: not in the CRM.
  await expect(frame.locator(card('bob@acme.test'))).toHaveAttribute('data-state', 'unknown', {
    timeout: 15_000,
  });
  const log = await recordedRequests(crm);
  expect(log.some((r) => r.method === 'GET' && r.url.endsWith(`/people/${bob}`))).toBe(true);
});

test('the reconciliation sweep of a sync run drops a person deleted after its card was confirmed', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  const bobCard = frame.locator(card('bob@acme.test'));
  await expect(bobCard).toHaveAttribute('data-state', 'person');
  await expect(frame.getByTestId('sync-footer')).toContainText('Synced', { timeout: 30_000 });
  const bob = await personIdOf(crm, 'bob@acme.test');
  // Bob's card has been confirmed: the next confirmation is 10 minutes away. The sweep finds him.
  await expect
    .poll(async () => (await recordedRequests(crm)).some((r) => r.url.endsWith(`/people/${bob}`)), {
      // The card checks its people once the first sync has finished.
      timeout: 60_000,
    })
    .toBe(true);
  expect((await crm.api('DELETE', `/people/${bob}`)).status).toBe(200);
  await frame.getByRole('button', { name: 'Sync now' }).click();
  await expect(bobCard).toHaveAttribute('data-state', 'unknown', { timeout: 30_000 });
  const sweep = (await recordedRequests(crm)).filter(
    (r) => r.url.endsWith('/people/search') && r.body.includes('"ids"'),
  );
  expect(sweep.length).toBeGreaterThan(0);
});
