import type { ThreadlineDb, ThreadMarkRow } from '../../db/threadline-db';
import { emailKey } from '../../db/threadline-db';
import { normaliseAddress } from '../../shared/normalise-address';
import type { RequestOf, ResponseOf } from '../../shared/protocol';

/** How many addresses' answers are remembered (a few inbox pages' worth). */
export const REMEMBERED_ADDRESSES = 5000;

export type RowBadges = (
  request: RequestOf<'rowBadges'>,
  teammates: Set<string>,
) => Promise<ResponseOf<'rowBadges'>>;

/**
 * Badges for a page of inbox rows, from the cache in two indexed queries: never one CRM call per row.
 * Gmail hands the same rows over again on every return to a list and every page load, so whether an
 * address is a CRM person is remembered while nothing of the account changed (`versionOf`, the
 * views' version: every write, sync step and look-up moves it); only addresses not remembered are read.
 */
export function createRowBadges(db: ThreadlineDb, versionOf: (account: string) => string): RowBadges {
  const remembered = new Map<string, { version: string; known: boolean }>();
  return async (request, teammates) => {
    const { account } = request;
    const version = versionOf(account);
    const addresses = [
      ...new Set(
        request.rows.flatMap((r) =>
          r.addresses.map((a) => normaliseAddress(a)).filter((a): a is string => a !== null),
        ),
      ),
    ];
    const known = new Set<string>();
    const unread: string[] = [];
    for (const a of addresses) {
      const kept = remembered.get(`${account}\n${a}`);
      if (kept?.version !== version) unread.push(a);
      else if (kept.known) known.add(a);
    }
    const [found, marks] = await readAddressesAndLinks(db, account, unread, request);
    for (const a of unread) {
      const isKnown = found.has(a);
      if (isKnown) known.add(a);
      const key = `${account}\n${a}`;
      remembered.delete(key);
      remembered.set(key, { version, known: isKnown });
    }
    for (const key of remembered.keys()) {
      if (remembered.size <= REMEMBERED_ADDRESSES) break;
      remembered.delete(key);
    }
    return badgesOf(db, account, request, teammates, known, marks);
  };
}

async function readAddressesAndLinks(
  db: ThreadlineDb,
  account: string,
  addresses: string[],
  request: RequestOf<'rowBadges'>,
) {
  // One read transaction, one equality read per address issued together: IndexedDB pipelines them,
  // where anyOf() walks a cursor key by key (measured for 100 rows: 55–90 ms with anyOf). A badge
  // needs only whether the address is known: primary keys, not whole people to deserialise.
  return db.transaction('r', db.people, db.threadMarks, () =>
    Promise.all([
      Promise.all(
        addresses.map((a) =>
          db.people
            .where('emailKeys')
            .equals(emailKey(account, a))
            .primaryKeys()
            // Keys start with the account's tag; the primary key says whose row it is (key-prefix.ts).
            .then((keys) => (keys.some(([owner]) => owner === account) ? a : null)),
        ),
      ).then((found) => new Set(found.filter((a): a is string => a !== null))),
      // Links are few (one per linked thread and record): all of the account's, in one read.
      db.threadMarks
        .where('[account+kind]')
        .equals([account, 'link'])
        .toArray()
        .then((links) => {
          const shown = new Set(request.rows.map((r) => r.threadId));
          return links.filter((m) => shown.has(m.threadId));
        }),
    ]),
  );
}

async function badgesOf(
  db: ThreadlineDb,
  account: string,
  request: RequestOf<'rowBadges'>,
  teammates: Set<string>,
  known: Set<string>,
  marks: ThreadMarkRow[],
): Promise<ResponseOf<'rowBadges'>> {
  const dealIds = [
    ...new Set(
      marks
        .filter((m) => m.kind === 'link' && m.active && m.recordKey.startsWith('opportunity:'))
        .map((m) => Number(m.recordKey.slice('opportunity:'.length))),
    ),
  ];
  const deals = (
    await db.opportunities.bulkGet(dealIds.map((id) => [account, id] as [string, number]))
  ).filter((d) => d !== undefined && d.status === 'Open');
  const pipelineIds = [...new Set(deals.map((d) => d?.pipelineId).filter((id): id is number => id != null))];
  const pipelines = await db.pipelines.bulkGet(pipelineIds.map((id) => [account, id] as [string, number]));
  const stageName = new Map<number, string>();
  for (const d of deals) {
    const stage = pipelines.find((p) => p?.id === d?.pipelineId)?.stages.find((s) => s.id === d?.stageId);
    if (d && stage) stageName.set(d.id, stage.name);
  }
  return {
    badges: request.rows.map((row) => {
      const linkedDeal = marks.find(
        (m) =>
          m.threadId === row.threadId &&
          m.kind === 'link' &&
          m.active &&
          stageName.has(Number(m.recordKey.slice('opportunity:'.length))),
      );
      return {
        threadId: row.threadId,
        contact: row.addresses.some((a) => {
          const n = normaliseAddress(a);
          return n !== null && !teammates.has(n) && known.has(n);
        }),
        dealStage: linkedDeal
          ? (stageName.get(Number(linkedDeal.recordKey.slice('opportunity:'.length))) ?? null)
          : null,
      };
    }),
  };
}
