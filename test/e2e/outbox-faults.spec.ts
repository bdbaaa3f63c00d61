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

  // Stop the worker at seeded points of the drain: each stop waits until 1 to 12 more writes have
  // landed, so a kill point follows the drain's progress, not the clock (the same seed stops at about
  // the same writes on a slow machine and a fast one), and any point must be safe.
  let seed = 20261122;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const landed = async () => (await markedActivities(crm, { type: 'person', id: alice })).length;
  const counts = [await landed()];
  for (let stop = 0; stop < 10; stop += 1) {
    // At most all 200 (a drain already over is then reported by the check below, not by a timeout).
    const target = Math.min(MESSAGES, (counts.at(-1) ?? 0) + 1 + Math.floor(random() * 12));
    await expect.poll(landed, { timeout: 60_000, intervals: [25] }).toBeGreaterThanOrEqual(target);
    await stopServiceWorkers(context, page);
    counts.push(await landed());
  }
  // Every stop came while writes were still arriving (the ten waited for at most 120 of the 201).
  expect(counts.at(-1)).toBeLessThan(MESSAGES + 1);
  await adminConfig(crm, { failRate: 0 });
  await expect.poll(landed, { timeout: 150_000, intervals: [1000] }).toBe(MESSAGES + 1);
  // Nothing more arrives late: the outbox is empty (every write answered), as the footer shows.
  await expect(frame.getByTestId('sync-footer')).toBeVisible();
  await expect(frame.getByTestId('sync-footer')).not.toContainText('waiting to be sent', { timeout: 30_000 });
  const activities = await markedActivities(crm, { type: 'person', id: alice });
  expect(activities).toHaveLength(MESSAGES + 1);
  const ids = activities.map((a) => /message=([^\s\]]+)/.exec(a.details ?? '')?.[1]).filter(Boolean);
  expect(new Set(ids).size).toBe(MESSAGES);
  await expect(frame.getByTestId('sync-footer')).not.toContainText('could not be saved');
});
