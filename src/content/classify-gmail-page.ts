/**
 * Which kind of mail.google.com page the content script is on. The manifest matches every page of
 * the origin, but InboxSDK supports only Gmail's main mail view: `load()` throws in pop-out windows
 * (`/popout`, InboxSDK issue #1062) and never settles on pages without the mail UI (print, "show
 * original", attachments, Chat). Those pages are skipped quietly instead of failing (issue 15).
 */
export type GmailPageKind = 'mail' | 'popout' | 'other';

/** Gmail's `view=` values that render something other than the mail UI. */
const NON_MAIL_VIEWS = new Set(['pt', 'om', 'att', 'lg', 'up', 'ss', 'btop', 'cm']);

export function classifyGmailPage(url: string): GmailPageKind {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'other';
  }
  if (parsed.hostname !== 'mail.google.com') return 'other';
  if (parsed.pathname.endsWith('/popout')) return 'popout';
  // The mail UI lives at /mail/, /mail/u/<n>/ (and the same without the trailing slash).
  if (!/^\/mail(\/u\/\d+)?\/?$/.test(parsed.pathname)) return 'other';
  const view = parsed.searchParams.get('view');
  if (view !== null && NON_MAIL_VIEWS.has(view)) return 'other';
  return 'mail';
}
