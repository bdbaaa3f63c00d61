/**
 * Issue 17: when the browser deletes Threadline's database (Chromium does after a full disk when it
 * finds the files damaged: "IndexedDB recovering from a corrupted (and deleted) database"), Dexie
 * creates it again, empty, and what the outbox held is gone. Threadline cannot undo that, but says
 * it: the sidebar, the settings page and the popup show what happened and what to check, until the
 * user dismisses it. Here the database is deleted from the worker itself, as Chromium would.
 */
import { demoFixture } from '../gmail-double/fixture';
import { expect, extensionWorker, test } from './fixtures';
import { openConnected } from './open-thread';

const [pricing] = demoFixture.threads;

test('a database the browser deleted is said in the sidebar, the settings page and the popup, until dismissed', async ({
  context,
  extensionId,
  crm,
}) => {
  test.skip(crm.apiKind !== 'copper', 'the same worker code on either CRM: run once');
  const { frame, options } = await openConnected(context, extensionId, crm, pricing?.threadId ?? '');
  await expect(frame.getByTestId('sync-footer')).toContainText('Synced');
  await expect(frame.getByTestId('cache-lost')).toHaveCount(0);

  // Delete the database under Threadline's open connection (Dexie closes on `versionchange`).
  const worker = await extensionWorker(context);
  const deleted = await worker.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('threadline');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`error ${request.error?.name}`);
        request.onblocked = () => undefined; // Threadline's connection closes, then it goes on
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

  // Read in the sidebar: gone everywhere.
  await frame.getByTestId('cache-lost').getByRole('button', { name: 'Got it' }).click();
  await expect(frame.getByTestId('cache-lost')).toHaveCount(0);
  await expect(options.getByTestId('options-cache-lost')).toHaveCount(0, { timeout: 15_000 });
  await popup.reload();
  await expect(popup.getByTestId('popup-not-connected')).toBeVisible();
  await expect(popup.getByTestId('popup-cache-lost')).toHaveCount(0);
  await popup.close();
});
