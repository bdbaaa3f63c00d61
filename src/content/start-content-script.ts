import { createLogger } from '../shared/logger';
import { type AnyRequest, type RequestType, responseSchemas } from '../shared/protocol';
import { createSidebarFrame, SIDEBAR_PAGE } from './create-sidebar-frame';
import type { CreateGmailHost } from './gmail-host/gmail-host';
import type { ContentPlatform } from './platform';

const logger = createLogger('content');

/** Sends one request to the worker and validates the answer; retries once if the worker was restarting. */
export async function sendToWorker(platform: ContentPlatform, request: AnyRequest): Promise<boolean> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      const response = await platform.sendMessage(request);
      const type: RequestType = request.type;
      if (responseSchemas[type].safeParse(response).success) return true;
      logger.warn('worker.badResponse', { type });
      return false;
    } catch (error) {
      // "Could not establish connection" while Chrome restarts the worker: try again shortly.
      logger.debug('worker.sendFailed', { attempt, error: error instanceof Error ? error.name : 'unknown' });
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  logger.error('worker.unreachable', { type: request.type });
  return false;
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
  const frame = createSidebarFrame(platform.getURL(SIDEBAR_PAGE));
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
}
