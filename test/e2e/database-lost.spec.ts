/**
 * Issue 17: when the browser deletes Threadline's database (Chromium does after a full disk when it
 * finds the files damaged: "IndexedDB recovering from a corrupted (and deleted) database"), Dexie
 * creates it again, empty. The outbox comes back from its copy outside IndexedDB
 * (outbox/outbox-mirror.ts) and is sent once the user connects again; the rest cannot come back, so
 * Threadline says it: the sidebar, the settings page and the popup show what happened and what to check, until the
 * user dismisses it. Here the database is deleted from the worker itself, as Chromium would.
 */
import { demoFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import { expect, stopServiceWorkers, test } from './fixtures';
import { openConnected, personIdOf } from './open-thread';

const [pricing] = demoFixture.threads;
const NOTE = 'Queued before the browser lost the database.';

test('a database the browser deleted is said in the sidebar, the settings page and the popup, until dismissed', async ({
  context,
  extensionId,
  crm,
}) => {
  const { frame, options } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await expect(frame.getByTestId('sync-footer')).toContainText('Synced');
  await expect(frame.getByTestId('cache-lost')).toHaveCount(0);
  const bob = await personIdOf(crm, 'bob@acme.test');

  // A note queued while the CRM is down waits in the outbox.
  await crm.stop();
  await frame.getByTestId('note-record').selectOption({ label: 'Person: Bob Buyer' });
  await frame.getByTestId('note-text').fill(NOTE);
  await frame.getByTestId('note-save').click();
  await expect(frame.getByTestId('sync-footer')).toContainText('1 change waiting to be sent');

  // Chrome stops the worker (nothing of the note is left in memory), and the database is deleted
  // from one of Threadline's own pages, as Chromium would delete it: gone, with the outbox in it.
  await stopServiceWorkers(context, options);
  const deleted = await options.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('threadline');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`error ${request.error?.name}`);
        // A worker woken meanwhile holds it open: Dexie closes on `versionchange`, then it goes on.
        request.onblocked = () => undefined;
      }),
  );
  expect(deleted).toBe('deleted');

  // The popup asks the worker, which opens the database again: created empty, a loss.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/src/popup/index.html`);
  const popupNotice = popup.getByTestId('popup-cache-lost');
  await expect(popupNotice).toContainText("Threadline's data on this computer was lost.");
  await expect(popupNotice).toHaveAttribute('role', 'alert');
  await expect(popupNotice).toContainText('may not have reached the CRM');
  // The saved connection went with it: connect again.
  await expect(popup.getByTestId('popup-not-connected')).toBeVisible();

  // The sidebar says it too, above its "connect" panel.
  await expect(frame.getByTestId('cache-lost')).toContainText('check your latest notes, tasks and links');
  await expect(frame.getByTestId('not-connected')).toBeVisible();
  // And the settings page, which re-reads the status while open.
  await options.bringToFront();
  await expect(options.getByTestId('options-cache-lost')).toBeVisible({ timeout: 15_000 });

  // Connecting again to the same CRM, the note queued before the loss is sent, once.
  await crm.start();
  await options.close();
  const again = await connectThroughOptions(context, extensionId, crm);
  await expect
    .poll(
      async () => (await crm.probe.activityTexts({ type: 'person', id: bob })).filter((t) => t === NOTE),
      {
        timeout: 30_000,
      },
    )
    .toEqual([NOTE]);
  await expect(again.getByTestId('options-cache-lost')).toBeVisible({ timeout: 15_000 });

  // Read in the sidebar: gone everywhere.
  await frame.getByTestId('cache-lost').getByRole('button', { name: 'Got it' }).click();
  await expect(frame.getByTestId('cache-lost')).toHaveCount(0);
  await expect(again.getByTestId('options-cache-lost')).toHaveCount(0, { timeout: 15_000 });
  await popup.reload();
  await expect(popup.getByTestId('popup-connected')).toBeVisible();
  await expect(popup.getByTestId('popup-cache-lost')).toHaveCount(0);
  await popup.close();
});
