import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => JSON.parse(readFileSync(`${ROOT}/${path}`, 'utf8'));

interface Rule {
  action: { type: string };
  condition: { urlFilter: string; initiatorDomains?: string[] };
}

/** declarativeNetRequest's `||host/path` filter: the host or a subdomain, then the path prefix. */
function matches(filter: string, url: string): boolean {
  if (!filter.startsWith('||')) throw new Error(`unsupported filter ${filter}`);
  const rest = filter.slice(2);
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '/' : rest.slice(slash);
  const u = new URL(url);
  return (u.hostname === host || u.hostname.endsWith(`.${host}`)) && u.pathname.startsWith(path);
}

const blocked = (rules: Rule[], url: string, initiator: string) =>
  rules.some(
    (r) =>
      r.action.type === 'block' &&
      matches(r.condition.urlFilter, url) &&
      (r.condition.initiatorDomains ?? []).includes(initiator),
  );

describe('the InboxSDK telemetry rule set (reference/inboxsdk.md)', () => {
  const manifest = read('manifest.json');
  const resources = manifest.declarative_net_request.rule_resources as {
    id: string;
    enabled: boolean;
    path: string;
  }[];
  const ruleset = resources.find((r) => r.id === 'inboxsdk_telemetry');
  const rules = read(`public/${ruleset?.path}`) as Rule[];

  it('is declared, on by default, with the declarativeNetRequest permission only (no extra hosts)', () => {
    expect(ruleset?.enabled).toBe(true);
    expect(manifest.permissions).toContain('declarativeNetRequest');
    expect(manifest.host_permissions).toEqual(['https://mail.google.com/*']);
  });

  it.each([
    'https://api.inboxsdk.com/api/v2/errors',
    'https://api.inboxsdk.com/api/v2/events/oauth',
    'https://pubsub.googleapis.com/v1/projects/mailfoogae/topics/events:publish',
  ])('blocks %s from mail.google.com', (url) => {
    expect(blocked(rules, url, 'mail.google.com')).toBe(true);
  });

  it('blocks nothing else: Gmail itself, other Google APIs, the CRM', () => {
    for (const url of [
      'https://mail.google.com/mail/u/0/',
      'https://pubsub.googleapis.com/v1/projects/other/topics/x:publish',
      'https://api.copper.com/developer_api/v1/people/search',
      'https://www.googleapis.com/gmail/v1/users/me',
    ])
      expect(blocked(rules, url, 'mail.google.com'), url).toBe(false);
    expect(blocked(rules, 'https://api.inboxsdk.com/api/v2/errors', 'example.com')).toBe(false);
  });
});
