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
 * Badges for a page of inbox rows, from the cache in at most two indexed reads: never one CRM call
 * per row. Gmail hands the same rows over again on every return to a list and every page load, so
 * two answers are remembered while nothing of the account changed (`versionOf`, the views' version:
 * every write, sync step and look-up moves it): whether an address is a CRM person, and which threads
 * are linked to an open deal at which stage. A page of rows already seen then reads nothing at all.
 */
export function createRowBadges(db: ThreadlineDb, versionOf: (account: string) => string): RowBadges {
  const remembered = new Map<string, { version: string; known: boolean }>();
  const stages = new Map<string, { version: string; ofThread: Promise<Map<string, string>> }>();
  /** The account's threads linked to an open deal, with the deal's stage, for this version. */
  const stagesOf = (account: string, version: string): Promise<Map<string, string>> => {
    const kept = stages.get(account);
    if (kept?.version === version) return kept.ofThread;
    const ofThread = linkedDealStages(db, account);
    stages.set(account, { version, ofThread });
    // A failed read is not remembered: the next page reads again.
    ofThread.catch(() => {
      if (stages.get(account)?.ofThread === ofThread) stages.delete(account);
    });
    return ofThread;
  };
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
    const [found, stageOf] = await Promise.all([
      unread.length > 0 ? knownAddresses(db, account, unread) : new Set<string>(),
      stagesOf(account, version),
    ]);
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
    return {
      badges: request.rows.map((row) => ({
        threadId: row.threadId,
        contact: row.addresses.some((a) => {
          const n = normaliseAddress(a);
          return n !== null && !teammates.has(n) && known.has(n);
        }),
        dealStage: stageOf.get(row.threadId) ?? null,
      })),
    };
  };
}

/** Which of `addresses` are people of the account's cache. */
function knownAddresses(db: ThreadlineDb, account: string, addresses: string[]): Promise<Set<string>> {
  // One read transaction, one equality read per address issued together: IndexedDB pipelines them,
  // where anyOf() walks a cursor key by key (measured for 100 rows: 55–90 ms with anyOf). A badge
  // needs only whether the address is known: primary keys, not whole people to deserialise.
  return db.transaction('r', db.people, () =>
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
  );
}

/**
 * Every thread of the account linked (and not unlinked) to an open deal, with the stage's name; a
 * thread linked to several such deals shows the first link's. Links are few (one per linked thread
 * and record), so all of the account's are read at once, in one transaction.
 */
function linkedDealStages(db: ThreadlineDb, account: string): Promise<Map<string, string>> {
  return db.transaction('r', db.threadMarks, db.opportunities, db.pipelines, async () => {
    const links = (await db.threadMarks.where('[account+kind]').equals([account, 'link']).toArray()).filter(
      (m) => m.active && m.recordKey.startsWith(DEAL_KEY),
    );
    const dealOf = (m: ThreadMarkRow) => Number(m.recordKey.slice(DEAL_KEY.length));
    const dealIds = [...new Set(links.map(dealOf))];
    const deals = (
      await db.opportunities.bulkGet(dealIds.map((id) => [account, id] as [string, number]))
    ).filter((d) => d !== undefined && d.status === 'Open');
    const pipelineIds = [
      ...new Set(deals.map((d) => d?.pipelineId).filter((id): id is number => id != null)),
    ];
    const pipelines = await db.pipelines.bulkGet(pipelineIds.map((id) => [account, id] as [string, number]));
    const stageName = new Map<number, string>();
    for (const d of deals) {
      const stage = pipelines.find((p) => p?.id === d?.pipelineId)?.stages.find((s) => s.id === d?.stageId);
      if (d && stage) stageName.set(d.id, stage.name);
    }
    const ofThread = new Map<string, string>();
    for (const m of links) {
      const stage = stageName.get(dealOf(m));
      if (stage !== undefined && !ofThread.has(m.threadId)) ofThread.set(m.threadId, stage);
    }
    return ofThread;
  });
}

const DEAL_KEY = 'opportunity:';
