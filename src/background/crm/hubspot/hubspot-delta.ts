/**
 * Delta sync over HubSpot search: a keyset over each object's own last-modified property, in
 * HubSpot's milliseconds, carried in the page cursor (`PageQuery.cursor`), never a search offset, so
 * the 10,000-result cap is never reached: "modified ≥ t, ascending"; a page that sits wholly in one
 * millisecond goes on inside that millisecond by `hs_object_id GT last`, ascending (the reference's
 * restart), then after it. Archived records never appear in search (hubspot-client.ts, existingIds).
 */
import type { Page, PageQuery } from '../crm-client';
import { CrmError } from '../crm-error';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { modifiedMsOf } from './hubspot-mapping';
import { parseResults } from './hubspot-read';
import { type HubspotRecord, hubspotRecord } from './hubspot-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
const READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
/** Search `limit` is at most 200 (reference). */
const SEARCH_MAX = 200;

const MODIFIED: Record<string, string> = { contacts: 'lastmodifieddate' };
const modifiedProperty = (object: string) => MODIFIED[object] ?? 'hs_lastmodifieddate';

/** A cursor: `m<ms>` = modified ≥ ms, ascending; `m<ms>i<id>` = modified = ms and id > id. */
export interface Keyset {
  ms: number;
  afterId: string | null;
}
export function encodeKeyset(k: Keyset): string {
  return k.afterId === null ? `m${k.ms}` : `m${k.ms}i${k.afterId}`;
}
export function decodeKeyset(cursor: string | undefined): Keyset | null {
  const match = /^m(\d{1,15})(?:i(\d{1,15}))?$/.exec(cursor ?? '');
  if (!match) return null;
  return { ms: Number(match[1]), afterId: match[2] ?? null };
}

export async function pageByKeyset<T extends { id: number; modifiedAt: number }>(
  call: Call,
  object: string,
  properties: readonly string[],
  query: PageQuery,
  map: (r: HubspotRecord) => T,
): Promise<Page<T>> {
  const modified = modifiedProperty(object);
  const limit = Math.min(query.pageSize, SEARCH_MAX);
  const keyset = decodeKeyset(query.cursor) ?? { ms: (query.modifiedFrom ?? 0) * 1000, afterId: null };
  const body =
    keyset.afterId === null
      ? {
          filterGroups: [
            { filters: [{ propertyName: modified, operator: 'GTE', value: String(keyset.ms) }] },
          ],
          sorts: [{ propertyName: modified, direction: 'ASCENDING' }],
          properties,
          limit,
        }
      : {
          filterGroups: [
            {
              filters: [
                { propertyName: modified, operator: 'GTE', value: String(keyset.ms) },
                { propertyName: modified, operator: 'LTE', value: String(keyset.ms) },
                { propertyName: 'hs_object_id', operator: 'GT', value: keyset.afterId },
              ],
            },
          ],
          sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
          properties,
          limit,
        };
  const answer = await call({
    method: 'POST',
    path: `/crm/v3/objects/${object}/search`,
    body,
    search: true,
    ...READ,
  });
  const raw = parseResults(hubspotRecord, answer.json, `${object}/search`, (r) => r);
  const records: T[] = [];
  for (const r of raw.records) {
    try {
      records.push(map(r));
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
    }
  }
  const skipped = raw.skipped + raw.records.length - records.length;
  const page = { records, total: raw.total, skipped, received: raw.received };
  const last = raw.records.at(-1);
  if (raw.received < limit || !last) {
    // A short page in one millisecond: go on after it; a short page of the whole range: the end.
    return {
      ...page,
      nextCursor: keyset.afterId === null ? null : encodeKeyset({ ms: keyset.ms + 1, afterId: null }),
    };
  }
  if (keyset.afterId !== null)
    return { ...page, nextCursor: encodeKeyset({ ms: keyset.ms, afterId: last.id }) };
  const first = raw.records[0] ?? last;
  const lastMs = modifiedMsOf(last);
  // A whole page in one millisecond: page through that millisecond by id (the 10,000-cap restart).
  return {
    ...page,
    nextCursor:
      modifiedMsOf(first) === lastMs
        ? encodeKeyset({ ms: lastMs, afterId: '0' })
        : encodeKeyset({ ms: lastMs, afterId: null }),
  };
}
