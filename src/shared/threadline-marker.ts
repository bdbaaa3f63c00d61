/**
 * How a link or a logged message is recognised in the CRM (CONTRIBUTING.md, "Links and logged
 * e-mail"). Copper activities have no custom fields, so the activity's details end with one marker
 * line that Threadline writes and parses back during sync:
 *
 *   [threadline:v1 link thread=<id>]
 *   [threadline:v1 email thread=<id> message=<id>]
 *   [threadline:v1 unlinked thread=<id>]
 *
 * Ids are URI-encoded, so a hostile message id cannot forge a second marker.
 */
export type Marker =
  | { kind: 'link'; threadId: string }
  | { kind: 'unlinked'; threadId: string }
  | { kind: 'email'; threadId: string; messageId: string };

export function markerLine(marker: Marker): string {
  const thread = `thread=${encodeURIComponent(marker.threadId)}`;
  if (marker.kind === 'email')
    return `[threadline:v1 email ${thread} message=${encodeURIComponent(marker.messageId)}]`;
  return `[threadline:v1 ${marker.kind} ${thread}]`;
}

const MARKER = /\[threadline:v1 (link|unlinked|email) thread=([^\s\]]+)(?: message=([^\s\]]+))?\]\s*$/;

const decode = (value: string): string | null => {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
};

/** The marker at the end of an activity's details, or null for any other activity. */
export function parseMarker(details: string | null): Marker | null {
  if (!details) return null;
  const match = MARKER.exec(details);
  if (!match) return null;
  const threadId = decode(match[2] ?? '');
  if (!threadId) return null;
  if (match[1] === 'email') {
    const messageId = match[3] ? decode(match[3]) : null;
    return messageId ? { kind: 'email', threadId, messageId } : null;
  }
  return { kind: match[1] === 'link' ? 'link' : 'unlinked', threadId };
}

/** The line that ties a deal to the create that made it: `[threadline:v1 deal key=<key>]`. */
export function dealMarkerLine(idempotencyKey: string): string {
  return `[threadline:v1 deal key=${encodeURIComponent(idempotencyKey)}]`;
}

/** Whether a text carries the marker of any deal create. */
export function hasAnyDealMarker(details: string | null | undefined): boolean {
  return /\[threadline:v1 deal key=[^\s\]]+\]\s*$/.test(details ?? '');
}

/** Whether a deal's details carry the marker of this create. */
export function hasDealMarker(details: string | null | undefined, idempotencyKey: string): boolean {
  return (details ?? '').trimEnd().endsWith(dealMarkerLine(idempotencyKey));
}
