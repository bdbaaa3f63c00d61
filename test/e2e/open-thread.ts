import type { BrowserContext, Frame, Page } from '@playwright/test';
import { demoFixture, type GmailDoubleFixture } from '../gmail-double/fixture';
import { connectThroughOptions } from './connect';
import type { ProbeRef } from './crm-probe';
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
  details: string;
}

export async function personIdOf(crm: CrmProcess, email: string): Promise<number> {
  return crm.probe.personIdOf(email);
}

/** Activities (notes, e-mails) of a record that carry a Threadline marker, straight from the CRM server. */
export async function markedActivities(crm: CrmProcess, parent: ProbeRef): Promise<ServerActivity[]> {
  return (await crm.probe.activityTexts(parent))
    .filter((details) => details.includes('[threadline:v1 '))
    .map((details) => ({ details }));
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
