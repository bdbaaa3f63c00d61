import { createLogger, errorName } from '../shared/logger';
import {
  type AnyRequest,
  focusSidebarSchema,
  type RequestOf,
  type RequestType,
  type ResponseOf,
  readBodiesSchema,
  type ThreadFacts,
} from '../shared/protocol';
import type { LaneType } from '../shared/tab-lane';
import { createWorkerClient, type WorkerClient, WorkerRequestError } from '../shared/worker-client';
import { listenForBenchPing } from './bench-ping';
import { classifyGmailPage } from './classify-gmail-page';
import { createSidebarFrame, followGmailTheme, SIDEBAR_PAGE } from './create-sidebar-frame';
import type { CreateGmailHost, GmailHost, ThreadRow } from './gmail-host/gmail-host';
import { keepMounting } from './keep-mounting';
import type { ContentPlatform } from './platform';
import { type ContentLane, offerTabLane } from './tab-lane';

const logger = createLogger('content');

/** Sends one request to the worker and validates the answer; retries if the worker was restarting. */
export async function sendToWorker(platform: ContentPlatform, request: AnyRequest): Promise<boolean> {
  return (await askWorker(platform, request)) !== null;
}

const clients = new WeakMap<ContentPlatform, WorkerClient>();

/**
 * Like sendToWorker, returning the validated answer, or null when there was none: the content
 * script has nobody to show an error to, so the reason is logged (the one worker client decides
 * what is retried: only a delivery while the worker restarts).
 */
export async function askWorker<T extends RequestType>(
  platform: ContentPlatform,
  request: AnyRequest & { type: T },
  /** Waits before asking again while the worker cannot answer (timeout, unreachable). */
  retryDelaysMs: readonly number[] = [],
): Promise<ResponseOf<T> | null> {
  let client = clients.get(platform);
  if (!client) {
    client = createWorkerClient((m) => platform.sendMessage(m));
    clients.set(platform, client);
  }
  const { type, ...body } = request;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await client.ask<T>(type, body as Omit<RequestOf<T>, 'type'>);
    } catch (error) {
      const kind = error instanceof WorkerRequestError ? error.kind : 'unknown';
      const delay = retryDelaysMs[attempt];
      const again = error instanceof WorkerRequestError && error.retry && delay !== undefined;
      logger.warn('worker.failed', { type, kind, ...(again ? { retryInMs: delay } : {}) });
      if (!again) return null;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * While the worker cannot answer `hostStatus` (its database upgrading after an update can take
 * minutes for a large cache), the tab asks again, staying inert meanwhile, instead of staying
 * inert until Gmail is reloaded: about ten minutes in all, counting each ask's own 30 s timeout.
 */
const HOST_STATUS_RETRY_MS = [
  1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000,
];

/**
 * A closed thread is reported this long after Gmail closed it, and not at all if a thread (another,
 * or the same again) opens meanwhile. Moving from one thread to the next closes the first before the
 * second's facts are read (the Gmail double does both in one task): without the wait, the sidebar
 * would show "No conversation open" between the two, and the worker and the sidebar would build and
 * render a view that is replaced at once. InboxSDK's order is not documented: a close that comes
 * after the next thread's open is not sent at all (the host reports none for a view it already
 * replaced, and a close of another thread than the one shown is dropped here). A next thread whose
 * facts take longer than this to read still shows the empty state between the two.
 */
export const CLOSE_GRACE_MS = 200;

/**
 * The longest the sidebar's set-up waits for the badges of the rows sent before it: a worker slow to
 * answer them (starting, its database busy) does not hold the sidebar back for long.
 */
const SIDEBAR_AFTER_BADGES_MAX_MS = 250;

/** What the worker said about this tab's account; null when the worker did not answer. */
type HostStatus = ResponseOf<'hostStatus'>;

/**
 * Inbox rows arrive one by one as Gmail renders a page (InboxSDK hands each over once its id's
 * promise settles): rows handed over in one task go in one batch, sent at the end of that task (a
 * microtask, not a timer: on a loading page a timer task waited behind the page's own work, 3.5 ms
 * at the median). A batch is sent at once, beside `hostStatus` rather than after its answer: the
 * worker's account gate checks the tab's account on every message (privacy/account-gate.ts), so a
 * row of an account the policy does not allow is refused there, unread, and after that answer no
 * row leaves the page. On an inbox's first page this leaves one round trip to the worker between
 * Gmail's rows and their badges, not two. A batch the worker did not answer before it said the
 * account is allowed (it may be starting, its database upgrading) is asked again once it has.
 */
function badgeRows(
  platform: ContentPlatform,
  host: GmailHost,
  status: Promise<HostStatus | null>,
): RowBadging {
  const batch: ThreadRow[] = [];
  let scheduled = false;
  /** Settles once every batch sent so far has its answer, or failed; never rejects. */
  let sentSoFar: Promise<void> = Promise.resolve();
  /** Null until the worker answers `hostStatus`. */
  let enabled: boolean | null = null;
  /** Rows asked before that answer and not answered: asked again if the account is allowed. */
  const unanswered: ThreadRow[] = [];
  const schedule = () => {
    if (scheduled || batch.length === 0) return;
    scheduled = true;
    queueMicrotask(() => {
      // A batch that failed (the host's badge call threw) is logged, by its error's name only.
      const sending = flush().catch((error: unknown) =>
        logger.error('badges.failed', { error: errorName(error) }),
      );
      sentSoFar = Promise.all([sentSoFar, sending]).then(() => undefined);
    });
  };
  const askAgain = () => {
    if (enabled === null) return;
    const rows = unanswered.splice(0);
    if (enabled) {
      batch.push(...rows);
      schedule();
    }
  };
  const flush = async () => {
    scheduled = false;
    const rows = batch.splice(0, 500);
    if (rows.length === 0) return;
    const beforeStatus = enabled === null;
    const answer = await askWorker(platform, {
      type: 'rowBadges',
      account: host.account,
      rows: rows.map((r) => ({
        threadId: r.threadId,
        addresses: r.contacts.map((c) => c.address).slice(0, 50),
      })),
    });
    if (answer === null && beforeStatus) {
      unanswered.push(...rows);
      askAgain();
    }
    // The worker said meanwhile that the account is not allowed: the tab stays inert, unbadged.
    if (enabled === false) return;
    // Each row of the batch gets its thread's badge: Gmail may have drawn a row again while it waited.
    const badgeOf = new Map((answer?.badges ?? []).map((b) => [b.threadId, b]));
    for (const row of rows) {
      const badge = badgeOf.get(row.threadId);
      if (badge) row.showBadges({ contact: badge.contact, dealStage: badge.dealStage });
    }
    schedule();
  };
  void status.then((answer) => {
    enabled = answer?.enabled === true;
    if (!enabled) batch.length = 0;
    askAgain();
  });
  host.onThreadRow((row) => {
    if (enabled === false) return;
    batch.push(row);
    schedule();
  });
  return {
    answered: (maxMs) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxMs);
      });
      return Promise.race([sentSoFar, waited]).finally(() => clearTimeout(timer));
    },
  };
}

interface RowBadging {
  /** Resolves once the batches sent so far are answered (badged, refused or failed), or after `maxMs`. */
  answered(maxMs: number): Promise<void>;
}

/**
 * A "Log to CRM" switch on each compose window; on send, the message is logged if it is on. The
 * `sent` listener is attached when the window appears, before asking the worker anything: a quick
 * send must not slip through while the defaults are on their way.
 */
function offerComposeLogging(
  platform: ContentPlatform,
  host: GmailHost,
  status: Promise<HostStatus | null>,
): void {
  host.onCompose((compose) => {
    const defaults = status.then((answer) =>
      answer?.enabled
        ? askWorker(platform, {
            type: 'composeDefaults',
            account: host.account,
            threadId: compose.threadId(),
          })
        : null,
    );
    let on = false;
    compose.onSent((sent) => {
      void Promise.all([status, defaults]).then(([answer, allowed]) => {
        if (!answer?.enabled || !allowed?.allowed || !on) return;
        void sendToWorker(platform, {
          type: 'composeSent',
          account: host.account,
          threadId: sent.threadId,
          messageId: sent.messageId,
          subject: sent.subject,
          recipients: sent.recipients,
          body: answer.contentLevel === 'full' ? sent.body : null,
        });
      });
    });
    void defaults.then((allowed) => {
      if (!allowed?.allowed) return;
      on = allowed.logToCrm;
      compose.addLogToggle(on, (value) => {
        on = value;
      });
    });
  });
}

/**
 * Null for a page the user sees; for a page Chrome is prerendering (it predicted a typed URL, in the
 * same tab), resolves once it is shown. Until then the page says nothing to the worker: its
 * `hostStatus` would close the thread of the page the user is reading, and take that page's lane.
 */
function untilShown(): Promise<void> | null {
  if ((document as Document & { prerendering?: boolean }).prerendering !== true) return null;
  return new Promise((resolve) =>
    document.addEventListener('prerenderingchange', () => resolve(), { once: true }),
  );
}

export interface StartOptions {
  /** The page's URL (defaults to `location.href`): pop-outs and non-mail views are skipped. */
  pageUrl?: string;
  /** Backoff between sidebar mount attempts (tests shorten it). */
  mountDelays?: { first: number; max: number };
  /** Called once the sidebar is in Gmail's side panel. */
  onSidebarMounted?: () => void;
  /** Waits before asking `hostStatus` again when the worker did not answer (tests shorten them). */
  hostStatusRetryMs?: readonly number[];
  /** The longest the sidebar's set-up waits for the first rows' badges (tests shorten it). */
  sidebarAfterBadgesMaxMs?: number;
}

/**
 * Starts Threadline in a Gmail tab (once shown, if prerendered). Gmail's order of events decides the
 * shape (issue 15): once the host exists, every host listener is registered before any other await;
 * the worker's `hostStatus` answer gates what they send (row badges go beside it; the worker's
 * account gate refuses them for an account the policy does not allow); and the sidebar is mounted
 * last, off the critical path, so thread facts, row badges, compose logging and `readBodies` work
 * whether Gmail's side panel appears late or never.
 */
export async function startContentScript(
  platform: ContentPlatform,
  createHost: CreateGmailHost,
  options: StartOptions = {},
): Promise<void> {
  const page = classifyGmailPage(options.pageUrl ?? location.href);
  if (page !== 'mail') {
    logger.info('skipped', { page });
    return;
  }
  const shownLater = untilShown();
  if (shownLater) await shownLater;
  let host: GmailHost | null;
  try {
    host = await createHost();
  } catch (error) {
    logger.warn('host.failed', { error: errorName(error) });
    return;
  }
  if (!host) return;
  const gmail = host;
  // An administrator may restrict Threadline to some Google account domains: elsewhere it stays inert.
  const status = askWorker(
    platform,
    { type: 'hostStatus', account: gmail.account },
    options.hostStatusRetryMs ?? HOST_STATUS_RETRY_MS,
  );
  const enabled = status.then((answer) => answer?.enabled === true);

  // The tab lane, once the sidebar frame exists (tab-lane.ts); until then messages go the usual way.
  let lane: ContentLane | null = null;
  /** Sends a hot-path message on the lane, and on the port too: the worker runs whichever comes first. */
  const sendHot = (request: AnyRequest & { type: LaneType }): void => {
    lane?.post(request);
    void sendToWorker(platform, request);
  };
  let seq = 0;
  /** The thread last reported open: the close of another one (Gmail opened the next first) is moot. */
  let shown: ThreadFacts | null = null;
  /** The thread shown when the page went: a page back from the back/forward cache reports it again. */
  let cached: ThreadFacts | null = null;
  /** A close waiting out CLOSE_GRACE_MS; a thread opened meanwhile replaces it, unsent. */
  let closing: { timer: ReturnType<typeof setTimeout>; threadId: string } | null = null;
  /** Sends a thread's open or close, numbered now (so it follows any sent before); a held close is dropped. */
  const report = (now: ThreadFacts | null, request: (seq: number) => AnyRequest & { type: LaneType }) => {
    if (closing) clearTimeout(closing.timer);
    closing = null;
    shown = now;
    const numbered = request(++seq);
    void enabled.then((on) => on && sendHot(numbered));
  };
  const sendClose = (threadId: string) =>
    report(null, (n) => ({ type: 'threadClosed', account: gmail.account, threadId, seq: n }));
  const sendOpen = (thread: ThreadFacts) =>
    report(thread, (n) => ({ type: 'threadOpened', account: gmail.account, thread, seq: n }));
  // Every listener now, before any await: Gmail may already show a thread, rows or a compose window.
  gmail.onThreadOpened(sendOpen);
  gmail.onThreadClosed((threadId) => {
    if (threadId !== shown?.threadId) return;
    if (closing) clearTimeout(closing.timer);
    closing = { timer: setTimeout(() => sendClose(threadId), CLOSE_GRACE_MS), threadId };
  });
  // A page going away (a reload, Gmail left, the back/forward cache) closes its thread at once, held
  // or still shown: the tab's next page must not find it open in the worker. A cached page that comes
  // back asks `hostStatus` again, which closes a thread the tab's pages in between left open (their
  // close lost), and reports the thread it still shows open again. The worker takes the two in either
  // order: a page's `hostStatus` never closes that page's own thread.
  window.addEventListener('pagehide', () => {
    cached = closing === null ? shown : null;
    const threadId = closing?.threadId ?? shown?.threadId;
    if (threadId !== undefined) sendClose(threadId);
  });
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    void askWorker(platform, { type: 'hostStatus', account: gmail.account, again: true });
    if (cached) sendOpen(cached);
    cached = null;
  });
  if (import.meta.env.MODE === 'e2e') {
    // The benchmark's messaging floor, the way a thread open goes; dropped from the production build.
    // Imported statically: loading a chunk of its own fell inside the inbox badges' measured time.
    listenForBenchPing((n) => sendHot({ type: 'benchPing', seq: n }));
  }
  // Rows first: their badges come from one cache query, before the sidebar starts loading.
  const rows = badgeRows(platform, gmail, status);
  offerComposeLogging(platform, gmail, status);
  const sidebarUrl = platform.getURL(SIDEBAR_PAGE);
  const frame = createSidebarFrame(sidebarUrl);
  let mounted = false;
  // Bodies leave Gmail's page only when the worker asks for them to log at content level `full`.
  platform.onWorkerRequest((message) => {
    if (focusSidebarSchema.safeParse(message).success) {
      if (mounted) frame.focus();
      return Promise.resolve(mounted);
    }
    const request = readBodiesSchema.safeParse(message);
    if (!request.success) return undefined;
    return enabled.then(async (on) => ({
      bodies: on ? await gmail.readBodies(request.data.threadId, request.data.messageIds) : [],
    }));
  });

  const answer = await status;
  if (!answer?.enabled) {
    logger.info('inert', { reason: answer ? 'account not allowed by policy' : 'no answer from the worker' });
    return;
  }
  // The sidebar's set-up waits for the badges of the rows sent before this answer (on a page's first
  // load, the inbox's first page): it runs on the page's one thread (Gmail's theme read from the
  // page's style, the tab lane, the wait for the side panel), and the rows' answer waited behind it.
  // Measured on 80 inbox loads each way, rows handed over → last badge p95 24.2 → 21.3 ms.
  await rows.answered(options.sidebarAfterBadgesMaxMs ?? SIDEBAR_AFTER_BADGES_MAX_MS);
  if (answer.lane !== null) lane = offerTabLane(frame, answer.lane, platform.getURL('').replace(/\/$/, ''));
  followGmailTheme(frame, sidebarUrl);
  keepMounting(
    () =>
      gmail.mountSidebar({
        element: frame,
        title: 'Threadline',
        iconUrl: platform.getURL('icons/icon-32.png'),
      }),
    {
      ...(options.mountDelays ? { delays: options.mountDelays } : {}),
      onMounted: () => {
        mounted = true;
        options.onSidebarMounted?.();
      },
    },
  );
}
