/**
 * close_date reaches the CRM as a string in the account's own date order (issue 13). This CRM writes
 * day first; Threadline learns it from the account's deals during sync (a stored date with a day
 * above 12), so the deal form does not ask, and 23 January arrives as "23/1/2027", not swapped.
 */
import { demoFixture } from '../gmail-double/fixture';
import { expect, test } from './fixtures';
import { linkWithConsent, openConnected } from './open-thread';

const [pricing] = demoFixture.threads;

test.use({ crmOptions: { extraArgs: ['--date-order', 'DD/MM'] } });

test('a deal’s close date is sent in the order the CRM’s own data shows (day first here)', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await expect(frame.getByTestId('sync-footer')).toContainText('Synced', { timeout: 30_000 });
  await linkWithConsent(frame, 'Person: Alice Doe');
  await frame.getByTestId('deal-new').click();
  await frame.getByTestId('deal-name').fill('Acme — dated');
  await frame.getByLabel('Close date').fill('2027-01-23');
  // The order is known from the account's deals: no question.
  await expect(frame.getByTestId('deal-date-order')).toHaveCount(0);
  await frame.getByTestId('deal-create').click();
  await expect(frame.getByText('Deal created.')).toBeVisible();
  await expect
    .poll(async () => {
      const { body } = await crm.api('POST', '/opportunities/search', { name: 'Acme — dated' });
      return (body as { close_date: string | null }[]).map((o) => o.close_date);
    })
    .toEqual(['23/1/2027']);
});
