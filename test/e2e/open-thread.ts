import type { BrowserContext, Frame, Page } from '@playwright/test';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import type { CrmProcess } from './crm-process';
import { expect, GMAIL_URL, routeGmail, sidebarFrame } from './fixtures';

/** Connects through the options page, then opens `threadId` in the Gmail double. */
export async function openConnected(
  context: BrowserContext,
  extensionId: string,
  crm: CrmProcess,
  threadId: string,
  fixture: GmailDoubleFixture = demoFixture,
): Promise<{ page: Page; frame: Frame; options: Page }> {
  const options = await connectThroughOptions(context, extensionId, crm);
  await routeGmail(context, fixture);
  const page = await context.newPage();
  await page.goto(`${GMAIL_URL}#inbox/${threadId}`);
  const frame = await sidebarFrame(page, extensionId);
  // The thread's extras (links, consent, settings) arrive once the first sync filled the cache.
  await expect(frame.getByTestId('thread-links')).toBeVisible({ timeout: 20_000 });
  return { page, frame, options };
}

/** Opens the consent notice through a link attempt and presses Allow. */
export async function linkWithConsent(frame: Frame, choice: string): Promise<void> {
  await frame.getByTestId('link-choice').selectOption({ label: choice });
  await frame.getByTestId('link-button').click();
  await expect(frame.getByTestId('consent-prompt')).toBeVisible();
  await frame.getByTestId('consent-allow').click();
  await expect(frame.getByTestId('consent-prompt')).toBeHidden();
}

export interface ServerActivity {
  id: number;
  details: string | null;
  parent: { type: string; id: number };
  type: { id: number; category: string };
}

/** The CRM API as a test reads it: injected 5xx faults are retried (the test is not under test). */
export async function apiRetrying(crm: CrmProcess, method: string, path: string, body?: unknown) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await crm.api(method, path, body).catch(() => null);
    if (answer && answer.status < 500) return answer;
    if (attempt > 50) throw new Error(`${method} ${path} kept failing`);
  }
}

export async function personIdOf(crm: CrmProcess, email: string): Promise<number> {
  const { body } = await crm.api('POST', '/people/search', { emails: [email] });
  const id = (body as { id: number }[])[0]?.id;
  if (id === undefined) throw new Error(`${email} is not in the CRM`);
  return id;
}

/** Activities of a record that carry a Threadline marker, straight from the CRM server. */
export async function markedActivities(
  crm: CrmProcess,
  parent: { type: string; id: number },
): Promise<ServerActivity[]> {
  const all: ServerActivity[] = [];
  for (let page = 1; ; page += 1) {
    const { body } = await apiRetrying(crm, 'POST', '/activities/search', {
      parent,
      page_size: 200,
      page_number: page,
    });
    const list = body as ServerActivity[];
    all.push(...list);
    if (list.length < 200) break;
  }
  return all.filter((a) => a.details?.includes('[threadline:v1 '));
}

export async function recordedRequests(
  crm: CrmProcess,
): Promise<{ method: string; url: string; body: string }[]> {
  const response = await fetch(`${crm.origin}/__admin/requests`, {
    headers: { 'X-Admin-Token': crm.adminToken },
  });
  return (await response.json()) as { method: string; url: string; body: string }[];
}

export async function adminConfig(crm: CrmProcess, config: Record<string, number>): Promise<void> {
  await fetch(`${crm.origin}/__admin/config`, {
    method: 'POST',
    headers: { 'X-Admin-Token': crm.adminToken, 'Content-Type': 'application/json' },
    body: JSON.stringify(config),
  });
}
