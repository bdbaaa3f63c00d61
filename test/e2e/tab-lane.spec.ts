/**
 * The tab lane (src/shared/tab-lane.ts, issue 12) in the real browser: the sidebar iframe, embedded
 * in Gmail with third-party cookies blocked (Chromium's default), reaches the worker over its own
 * port; each thread open then arrives by the lane AND by message, and the worker runs it once. A
 * script in Gmail's page, which cannot know the key, is refused when it offers the sidebar a port.
 */
import type { BrowserContext, ConsoleMessage, Frame, Page, Worker } from '@playwright/test';
import { demoFixture } from '../gmail-double/fixture';
import {
  expect,
  GMAIL_URL,
  routeGmail,
  sidebarFrame,
  stopServiceWorkers,
  test,
  workerDebugOn,
} from './fixtures';

const [pricing, intro] = demoFixture.threads;

/** Opens a thread the way Gmail does (a URL fragment change) and waits for the sidebar to show it. */
async function open(page: Page, frame: Frame, threadId: string): Promise<void> {
  await page.evaluate((id) => {
    location.hash = `#inbox/${id}`;
  }, threadId);
  await expect(frame.getByTestId('thread')).toHaveAttribute('data-thread-id', threadId);
}

/** Thread opens the worker received twice (by the lane and by message) and ran once. */
const secondCopies = (log: string[]) =>
  log.filter((l) => l.includes('message.secondCopy') && l.includes('threadOpened')).length;

/** Gmail's inbox with the sidebar loaded; the worker's log and the page's (the sidebar's included). */
async function gmailWithSidebar(context: BrowserContext, extensionId: string) {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const log = record(worker);
  // The second copies are debug lines, which reach the console only when switched on (logger.ts).
  await workerDebugOn(context);
  await routeGmail(context);
  const page = await context.newPage();
  const sidebarLog: string[] = [];
  page.on('console', (m) => void sidebarLog.push(m.text()));
  await page.goto(`${GMAIL_URL}#inbox`);
  const frame = await sidebarFrame(page, extensionId);
  await expect(frame.getByTestId('empty-state')).toBeVisible();
  return { log, sidebarLog, frame, page };
}

function record(worker: Worker): string[] {
  const lines: string[] = [];
  worker.on('console', (m: ConsoleMessage) => void lines.push(m.text()));
  return lines;
}

test('thread opens travel the tab lane, run once, and paint the sidebar', async ({
  context,
  extensionId,
}) => {
  const { log, frame, page } = await gmailWithSidebar(context, extensionId);
  await expect.poll(() => log.filter((l) => l.includes('lane.opened')).length).toBe(1);

  for (const thread of [pricing, intro, pricing]) await open(page, frame, thread?.threadId ?? '');
  // Each open came twice (lane and message) and ran once: three second copies dropped. Without the
  // lane there would be none; without the worker's check, each open would run twice.
  await expect.poll(() => secondCopies(log)).toBe(3);
  expect(log.filter((l) => l.includes('message.failed'))).toEqual([]);
});

test('a script in Gmail’s page cannot hand the sidebar a port of its own', async ({
  context,
  extensionId,
}) => {
  const { log, sidebarLog, frame, page } = await gmailWithSidebar(context, extensionId);
  // The page's own scripts post an offer with a guessed key and try to open a thread through it.
  await page.evaluate((id) => {
    const iframe = document.querySelector<HTMLIFrameElement>('iframe[data-threadline="sidebar"]');
    const channel = new MessageChannel();
    iframe?.contentWindow?.postMessage({ type: 'threadlineLaneOffer', key: '0'.repeat(32) }, '*', [
      channel.port2,
    ]);
    channel.port1.postMessage({
      type: 'threadOpened',
      account: 'sam.seller@threadline-demo.test',
      thread: { threadId: id, subject: 'Forged', participants: [], messageIds: [] },
      seq: 99,
    });
  }, intro?.threadId ?? '');
  await expect.poll(() => sidebarLog.filter((l) => l.includes('lane.rejected')).length).toBe(1);
  await expect(frame.getByTestId('empty-state')).toBeVisible();
  await expect(frame.getByTestId('thread')).toHaveCount(0);
  // Nor can it make the content script offer the sidebar new ports (each would open the lane
  // again): it dispatches the frame's load and the sidebar's request for a port, as look-alikes.
  await page.evaluate((origin) => {
    const iframe = document.querySelector<HTMLIFrameElement>('iframe[data-threadline="sidebar"]');
    for (let i = 0; i < 3; i += 1) {
      iframe?.dispatchEvent(new Event('load'));
      window.dispatchEvent(
        new MessageEvent('message', {
          data: { type: 'threadlineLaneWanted' },
          origin,
          source: iframe?.contentWindow ?? null,
        }),
      );
    }
  }, `chrome-extension://${extensionId}`);
  // The real lane still works afterwards: the open came by the lane and by message (one copy dropped).
  await open(page, frame, pricing?.threadId ?? '');
  await expect.poll(() => secondCopies(log)).toBe(1);
  // And the one lane opened is the page load's.
  expect(log.filter((l) => l.includes('lane.opened'))).toHaveLength(1);
});

test('after the worker stops, the sidebar gets a new port from its page and thread opens take the lane again', async ({
  context,
  extensionId,
}) => {
  const { log, frame, page } = await gmailWithSidebar(context, extensionId);
  const lanesOpened = () => log.filter((l) => l.includes('lane.opened')).length;
  await expect.poll(lanesOpened).toBe(1);
  await stopServiceWorkers(context, page);
  // The port the page gave went with the stopped worker. The sidebar reconnects (waking a new
  // worker, whose console Playwright reports on the same Worker), asks its page for a new port, and
  // opens its lane with it.
  await expect.poll(lanesOpened, { timeout: 20_000 }).toBe(2);
  await workerDebugOn(context); // the new worker's switch (its second copies are debug lines)
  await open(page, frame, intro?.threadId ?? '');
  // The open reached the new worker by the lane as well as by message: one copy dropped.
  await expect.poll(() => secondCopies(log)).toBe(1);
  expect(log.filter((l) => l.includes('message.failed'))).toEqual([]);
});
