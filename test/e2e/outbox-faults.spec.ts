import { longThreadFixture } from '../gmail-double/fixture';
import { expect, stopServiceWorkers, test } from './fixtures';
import { adminConfig, linkWithConsent, markedActivities, openConnected, personIdOf } from './open-thread';

const MESSAGES = 200;
const FIXTURE = longThreadFixture(MESSAGES);
const thread = FIXTURE.threads.at(-1);

test('a 200-write drain with 30 % of requests failing and the worker stopped 10 times lands every write exactly once', async ({
  context,
  extensionId,
  crm,
}) => {
  test.setTimeout(240_000);
  const { page, frame } = await openConnected(context, extensionId, crm, thread?.threadId ?? '', FIXTURE);
  const alice = await personIdOf(crm, 'alice.doe@acme.test');
  await linkWithConsent(frame, 'Person: Alice Doe');
  await expect(frame.getByTestId('logged-count')).toHaveText(`0 of ${MESSAGES} messages logged`);
  await adminConfig(crm, { failRate: 0.3 });
  await frame.getByTestId('log-thread').click();
  // 200 marks and writes are stored before the count moves: give a busy machine time.
  await expect(frame.getByTestId('logged-count')).toHaveText(`${MESSAGES} of ${MESSAGES} messages logged`, {
    timeout: 30_000,
  });

  // Stop the worker at random points while the outbox drains (seeded, so a failure can be replayed).
  let seed = 20261122;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const counts: number[] = [];
  for (let stop = 0; stop < 10; stop += 1) {
    // Deliberately a random pause, not a wait for a signal: it picks where in the drain the worker
    // dies (any point must be safe), and the seed makes a failing run replayable.
    await page.waitForTimeout(200 + Math.floor(random() * 600));
    await stopServiceWorkers(context, page);
    counts.push((await markedActivities(crm, { type: 'person', id: alice })).length);
  }
  // The drain really was interrupted: the stops happened while activities were still arriving.
  expect(counts[0]).toBeLessThan(MESSAGES + 1);
  await adminConfig(crm, { failRate: 0 });
  await expect
    .poll(async () => (await markedActivities(crm, { type: 'person', id: alice })).length, {
      timeout: 150_000,
      intervals: [1000],
    })
    .toBe(MESSAGES + 1);
  // Nothing more arrives late: the outbox is empty (every write answered), as the footer shows.
  await expect(frame.getByTestId('sync-footer')).toBeVisible();
  await expect(frame.getByTestId('sync-footer')).not.toContainText('waiting to be sent', { timeout: 30_000 });
  const activities = await markedActivities(crm, { type: 'person', id: alice });
  expect(activities).toHaveLength(MESSAGES + 1);
  const ids = activities.map((a) => /message=([^\s\]]+)/.exec(a.details ?? '')?.[1]).filter(Boolean);
  expect(new Set(ids).size).toBe(MESSAGES);
  await expect(frame.getByTestId('sync-footer')).not.toContainText('could not be saved');
});
