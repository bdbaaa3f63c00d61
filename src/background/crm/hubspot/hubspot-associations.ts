/**
 * Reads many records' associations at once with v4's batch read (reference, "Associations",
 * BATCH-ASSOC): `POST /crm/v4/associations/{from}/{to}/batch/read`, `{inputs:[{id, after?}]}`. One
 * request per 100 ids (HubSpot's maximum is unconfirmed: 100 is the cap of its other batch
 * endpoints), then, for the few ids whose answer has `paging.next.after`, the next page of each
 * with that `after` beside its id.
 *
 * Unconfirmed and read both ways: an id with no association (or one that no longer exists) may be
 * absent from `results` or named in a 207's `errors`; either way it has no links here. A 404 for the
 * whole request means the same for every id. `toObjectId` may be a string or a number: compared as
 * strings. Replies are counted against the 10-second budget like every non-search call.
 */
import { CrmError } from '../crm-error';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { toHubspotId, toNumberId } from './hubspot-ids';
import { parseResults } from './hubspot-read';
import { hubspotBatchAssociation } from './hubspot-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
type Kind = Pick<CrmCall, 'purpose' | 'dataClasses'>;

/** Inputs per batch request (unconfirmed maximum; see above). */
export const ASSOCIATION_BATCH_INPUTS = 100;
/** A record with more pages than this is read no further (a guard against a cursor that never ends). */
const MAX_PAGES_PER_ID = 20;

export interface AssociatedRecord {
  id: number;
  typeIds: number[];
}

/** Each asked id's associated `to` records, in the order HubSpot gave them; an id without any maps to `[]`. */
export async function readAssociations(
  call: Call,
  from: string,
  to: string,
  ids: readonly number[],
  kind: Kind,
): Promise<Map<number, AssociatedRecord[]>> {
  const out = new Map<number, AssociatedRecord[]>();
  for (const id of ids) out.set(id, []);
  const path = `/crm/v4/associations/${from}/${to}/batch/read`;
  let pending: { id: string; after?: string }[] = [...out.keys()].map((id) => ({ id: toHubspotId(id) }));
  for (let round = 0; round < MAX_PAGES_PER_ID && pending.length > 0; round += 1) {
    const next: { id: string; after: string }[] = [];
    for (let i = 0; i < pending.length; i += ASSOCIATION_BATCH_INPUTS) {
      const inputs = pending.slice(i, i + ASSOCIATION_BATCH_INPUTS);
      const asked = new Set(inputs.map((input) => input.id));
      let answer: CrmAnswer;
      try {
        answer = await call({ method: 'POST', path, body: { inputs }, ...kind });
      } catch (error) {
        if (error instanceof CrmError && error.kind === 'notFound') continue; // none of them has any
        throw error;
      }
      const page = parseResults(hubspotBatchAssociation, answer.json, path, (r) => r);
      for (const result of page.records) {
        const fromId = String(result.from.id);
        // Only what was asked: anything else cannot be placed.
        if (!asked.has(fromId)) continue;
        const list = out.get(toNumberId(fromId));
        if (!list) continue;
        for (const link of result.to) {
          const toId = String(link.toObjectId);
          if (!/^\d{1,15}$/.test(toId)) continue;
          const typeIds = (link.associationTypes ?? []).map((t) => t.typeId);
          const known = list.find((l) => l.id === Number(toId));
          if (known) known.typeIds.push(...typeIds.filter((t) => !known.typeIds.includes(t)));
          else list.push({ id: Number(toId), typeIds });
        }
        const after = result.paging?.next?.after;
        if (after !== undefined) next.push({ id: fromId, after });
      }
    }
    pending = next;
  }
  return out;
}

/** The record of a preferred association type (a primary one, say), else the first. */
export function preferredId(list: readonly AssociatedRecord[] | undefined, typeId: number): number | null {
  const all = list ?? [];
  return (all.find((l) => l.typeIds.includes(typeId)) ?? all[0])?.id ?? null;
}
