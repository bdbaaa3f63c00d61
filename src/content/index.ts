// Content-script entry for https://mail.google.com. The Gmail host is imported lazily so that
// InboxSDK lands in its own chunk; browser tests alias that module to the Gmail double.
import { contentPlatform } from './platform';
import { startContentScript } from './start-content-script';

void startContentScript(contentPlatform, async () => {
  const { createGmailHost } = await import('./gmail-host/inboxsdk-host');
  return createGmailHost();
});
