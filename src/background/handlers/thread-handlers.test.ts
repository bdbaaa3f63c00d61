import { describe, expect, it, vi } from 'vitest';
import {
  createFakePlatform,
  fakePort,
  gmailSender,
  recordingSink,
  sidebarSender,
} from '../../../test/unit/fake-platform';
import { opened, threadStates } from '../../../test/unit/worker-open';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { SIDEBAR_PORT } from '../../shared/sidebar-port';
import { main, type WorkerDeps } from '../main';
import { AFTER_OPEN_DELAY_MS, AFTER_OPEN_EVERY_MS, afterOpenDelay } from './thread-handlers';

/** The whole worker on `fake`, a thread open's later work dropped unless `deps` says; its log lines. */
function startWorker(fake: ReturnType<typeof createFakePlatform>, deps: WorkerDeps = {}) {
  const sink = recordingSink();
  main(fake.platform, createLogger('worker', sink), {
    db: new ThreadlineDb(`test-${Math.random()}`),
    policyGraceMs: 5,
    afterOpen: () => undefined,
    ...deps,
  });
  return sink;
}

describe('a page of a Gmail tab', () => {
  it('closes, at its hostStatus, a thread the tab’s previous page left open, and only another page’s', async () => {
    const fake = createFakePlatform();
    const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
    startWorker(fake);
    fake.connect(port);
    const status = { type: 'hostStatus', account: 'me@corp.test' };
    expect(await fake.send(opened, gmailSender(7))).toEqual({ ok: true });
    // The page that opened it asks again (hostStatus is retried): the thread stays open.
    expect(await fake.send(status, gmailSender(7))).toMatchObject({ enabled: true });
    const lastView = () => threadStates(port).at(-1) as { state: { thread: unknown } } | undefined;
    expect(lastView()?.state.thread).toMatchObject({ threadId: 't-1' });
    // The tab's next page (the first one crashed, or its close was lost) starts with no thread open,
    // and the tab's sidebar is told so before the answer.
    const next = { ...gmailSender(7), documentId: 'doc-2' };
    const nextStatus = await fake.send(status, next);
    expect(nextStatus).toMatchObject({ enabled: true, lane: expect.any(String) });
    expect(lastView()?.state.thread).toBeNull();
    // The first page's late close cannot close what the next page opens.
    expect(await fake.send(opened, next)).toEqual({ ok: true });
    expect(
      await fake.send({ type: 'threadClosed', account: 'me@corp.test', threadId: 't-1' }, gmailSender(7)),
    ).toEqual({ ok: true });
    expect(lastView()?.state.thread).toMatchObject({ threadId: 't-1' });
    // The first page comes back from the back/forward cache and asks again: the next page's thread
    // closes, and the tab's lane stays the next page's (its key is not replaced).
    expect(await fake.send({ ...status, again: true }, gmailSender(7))).toMatchObject({ lane: null });
    expect(lastView()?.state.thread).toBeNull();
    expect(await fake.send(status, next)).toEqual(nextStatus);
  });
});

describe('a page of a Gmail tab whose state cannot be read', () => {
  it('is answered all the same, and the failure logged', async () => {
    const fake = createFakePlatform();
    const { get } = fake.platform.session;
    fake.platform.session.get = (key) =>
      key.startsWith('tab:') ? Promise.reject(new Error('gone')) : get(key);
    const sink = startWorker(fake);
    expect(await fake.send({ type: 'hostStatus', account: 'me@corp.test' }, gmailSender(7))).toMatchObject({
      enabled: true,
    });
    expect(sink.lines.some((l) => l.line.includes('tabState.pageStartFailed'))).toBe(true);
  });
});

// What a thread open hands to `afterOpen`, through the whole worker.
describe('a thread open’s later work', () => {
  it('starts a thread open’s account note and sync check only once its view went out', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`test-${Math.random()}`);
    const port = fakePort(SIDEBAR_PORT, sidebarSender(7));
    const held: (() => void)[] = [];
    let viewsWhenHeld = -1;
    const sink = startWorker(fake, {
      db,
      afterOpen: (run) => {
        viewsWhenHeld = threadStates(port).length;
        held.push(run);
      },
    });
    fake.connect(port);
    expect(await fake.send(opened, gmailSender(7))).toEqual({ ok: true });
    // Handed over once, after the view was sent: none of it ran beside the sidebar's render.
    expect(held).toHaveLength(1);
    expect(viewsWhenHeld).toBe(1);
    // The auto-log pass does not wait (it reads bodies only an open thread has): it ends while the
    // note and sync check are still held.
    await expect.poll(() => sink.lines.some((l) => l.line.includes('autolog.done'))).toBe(true);
    expect(held).toHaveLength(1);
    expect(await db.accounts.get('me@corp.test')).toBeUndefined();
    held[0]?.();
    await expect.poll(() => db.accounts.get('me@corp.test')).toMatchObject({ account: 'me@corp.test' });
  });

  it('hands an account’s note and sync check over for at most one open in AFTER_OPEN_EVERY_MS', async () => {
    const fake = createFakePlatform();
    let now = 1_000_000;
    const handed: number[] = [];
    startWorker(fake, { nowMs: () => now, afterOpen: () => void handed.push(now) });
    const open = (account: string, tabId: number) => fake.send({ ...opened, account }, gmailSender(tabId));
    expect(await open('me@corp.test', 7)).toEqual({ ok: true });
    now += AFTER_OPEN_EVERY_MS - 1;
    expect(await open('me@corp.test', 7)).toEqual({ ok: true });
    // Another account has its own minute.
    expect(await open('you@corp.test', 8)).toEqual({ ok: true });
    now += 1;
    expect(await open('me@corp.test', 7)).toEqual({ ok: true });
    expect(handed).toEqual([1_000_000, 1_000_000 + AFTER_OPEN_EVERY_MS - 1, 1_000_000 + AFTER_OPEN_EVERY_MS]);
  });

  it('runs a thread open’s account note and sync check AFTER_OPEN_DELAY_MS later by default', () => {
    vi.useFakeTimers();
    try {
      const run = vi.fn();
      afterOpenDelay(run);
      vi.advanceTimersByTime(AFTER_OPEN_DELAY_MS - 1);
      expect(run).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(run).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
