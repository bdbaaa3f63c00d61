import { createLogger } from '../shared/logger';
import {
  type AnyRequest,
  focusSidebarSchema,
  type RequestType,
  type ResponseOf,
  readBodiesSchema,
  responseSchemas,
} from '../shared/protocol';
import { createSidebarFrame, followGmailTheme, SIDEBAR_PAGE } from './create-sidebar-frame';
import type { CreateGmailHost, GmailHost, ThreadRow } from './gmail-host/gmail-host';
import type { ContentPlatform } from './platform';

const logger = createLogger('content');

/** Sends one request to the worker and validates the answer; retries if the worker was restarting. */
export async function sendToWorker(platform: ContentPlatform, request: AnyRequest): Promise<boolean> {
  return (await askWorker(platform, request)) !== null;
}

/** Like sendToWorker, returning the validated answer (null if there was none). */
export async function askWorker<T extends RequestType>(
  platform: ContentPlatform,
  request: AnyRequest & { type: T },
): Promise<ResponseOf<T> | null> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      const response = await platform.sendMessage(request);
      const type: RequestType = request.type;
      const parsed = responseSchemas[type].safeParse(response);
      if (parsed.success) return parsed.data as ResponseOf<T>;
      logger.warn('worker.badResponse', { type });
      return null;
    } catch (error) {
      // "Could not establish connection" while Chrome restarts the worker: try again shortly.
      logger.debug('worker.sendFailed', { attempt, error: error instanceof Error ? error.name : 'unknown' });
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  logger.error('worker.unreachable', { type: request.type });
  return null;
}

/** Inbox rows arrive one by one as Gmail renders a page: rows handed over in one task go in one batch. */
function badgeRows(platform: ContentPlatform, host: GmailHost): void {
  const batch: ThreadRow[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const rows = batch.splice(0, 500);
    if (rows.length === 0) return;
    const answer = await askWorker(platform, {
      type: 'rowBadges',
      account: host.account,
      rows: rows.map((r) => ({
        threadId: r.threadId,
        addresses: r.contacts.map((c) => c.address).slice(0, 50),
      })),
    });
    for (const badge of answer?.badges ?? []) {
      const row = rows.find((r) => r.threadId === badge.threadId);
      row?.showBadges({ contact: badge.contact, dealStage: badge.dealStage });
    }
    if (batch.length > 0) void flush();
  };
  host.onThreadRow((row) => {
    batch.push(row);
    if (!scheduled) {
      scheduled = true;
      setTimeout(() => void flush(), 0);
    }
  });
}

/** A "Log to CRM" switch on each compose window; on send, the message is logged if it is on. */
function offerComposeLogging(platform: ContentPlatform, host: GmailHost, contentLevel: string): void {
  host.onCompose((compose) => {
    void (async () => {
      const defaults = await askWorker(platform, {
        type: 'composeDefaults',
        account: host.account,
        threadId: compose.threadId(),
      });
      if (!defaults?.allowed) return;
      let on = defaults.logToCrm;
      compose.addLogToggle(on, (value) => {
        on = value;
      });
      compose.onSent(({ threadId, messageId }) => {
        if (!on) return;
        void sendToWorker(platform, {
          type: 'composeSent',
          account: host.account,
          threadId,
          messageId,
          subject: compose.getSubject().slice(0, 2000),
          recipients: compose.getToRecipients().slice(0, 500),
          body: contentLevel === 'full' ? compose.getBodyText() : null,
        });
      });
    })();
  });
}

export async function startContentScript(
  platform: ContentPlatform,
  createHost: CreateGmailHost,
): Promise<void> {
  const host = await createHost();
  // An administrator may restrict Threadline to some Google account domains: elsewhere it stays inert.
  const status = await platform.sendMessage({ type: 'hostStatus', account: host.account }).catch(() => null);
  const answer = responseSchemas.hostStatus.safeParse(status);
  if (!answer.success || !answer.data.enabled) {
    logger.info('inert', {
      reason: answer.success ? 'account not allowed by policy' : 'no answer from the worker',
    });
    return;
  }
  // Rows first: their badges come from one cache query, before the sidebar starts loading.
  badgeRows(platform, host);
  const sidebarUrl = platform.getURL(SIDEBAR_PAGE);
  const frame = createSidebarFrame(sidebarUrl);
  followGmailTheme(frame, sidebarUrl);
  await host.mountSidebar({
    element: frame,
    title: 'Threadline',
    iconUrl: platform.getURL('icons/icon-32.png'),
  });
  host.onThreadOpened((thread) => {
    void sendToWorker(platform, { type: 'threadOpened', account: host.account, thread });
  });
  host.onThreadClosed((threadId) => {
    void sendToWorker(platform, { type: 'threadClosed', account: host.account, threadId });
  });
  offerComposeLogging(platform, host, answer.data.contentLevel);
  // Bodies leave Gmail's page only when the worker asks for them to log at content level `full`.
  platform.onWorkerRequest((message) => {
    if (focusSidebarSchema.safeParse(message).success) {
      frame.focus();
      return Promise.resolve(true);
    }
    const request = readBodiesSchema.safeParse(message);
    if (!request.success) return undefined;
    return host.readBodies(request.data.threadId, request.data.messageIds).then((bodies) => ({ bodies }));
  });
}
