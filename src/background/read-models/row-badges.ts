import type { ThreadlineDb } from '../../db/threadline-db';
import { emailKey, recordRows } from '../../db/threadline-db';
import { normaliseAddress } from '../../shared/normalise-address';
import type { RequestOf, ResponseOf } from '../../shared/protocol';

/** How many addresses' answers are remembered per account (a few inbox pages' worth). */
export const REMEMBERED_ADDRESSES = 5000;

export type RowBadges = (
  request: RequestOf<'rowBadges'>,
  teammates: Set<string>,
) => Promise<ResponseOf<'rowBadges'>>;

/**
 * Badges for a page of inbox rows, from the cache in a few indexed reads: never one CRM call per
 * row. Gmail hands the same rows over again on every return to a list and every page load, so what
 * the reads answered is remembered while nothing of the account changed (`versionOf`, the views'
 * version: every write, sync step and look-up moves it): whether an address is a CRM person, which
 * threads are linked to which deals, and each deal's open stage. A page of rows already seen then
 * reads nothing at all; after a change, only what the page shows is read again.
 */
export function createRowBadges(db: ThreadlineDb, versionOf: (account: string) => string): RowBadges {
  const memos = new Map<string, AccountMemo>();
  /** What this version of the account's cache answered so far (a new memo when the version moved). */
  const memoOf = (account: string, version: string): AccountMemo => {
    const kept = memos.get(account);
    if (kept?.version === version) return kept;
    const links = linkedDeals(db, account);
    const memo: AccountMemo = { version, known: new Map(), links, stageOf: new Map() };
    memos.set(account, memo);
    // A failed read is not remembered: the next page reads again.
    links.catch(() => {
      if (memos.get(account) === memo) memos.delete(account);
    });
    return memo;
  };
  return async (request, teammates) => {
    const { account } = request;
    const memo = memoOf(account, versionOf(account));
    const addresses = [
      ...new Set(
        request.rows.flatMap((r) =>
          r.addresses.map((a) => normaliseAddress(a)).filter((a): a is string => a !== null),
        ),
      ),
    ];
    const unread = addresses.filter((a) => !memo.known.has(a));
    const [found, stageOfThread] = await Promise.all([
      unread.length > 0 ? knownAddresses(db, account, unread) : new Set<string>(),
      shownStages(db, account, memo, request.rows),
    ]);
    for (const a of unread) {
      if (memo.known.size >= REMEMBERED_ADDRESSES) memo.known.delete(memo.known.keys().next().value ?? '');
      memo.known.set(a, found.has(a));
    }
    const known = (a: string) => found.has(a) || memo.known.get(a) === true;
    return {
      badges: request.rows.map((row) => ({
        threadId: row.threadId,
        contact: row.addresses.some((a) => {
          const n = normaliseAddress(a);
          return n !== null && !teammates.has(n) && known(n);
        }),
        dealStage: stageOfThread.get(row.threadId) ?? null,
      })),
    };
  };
}

/** What one version of an account's cache answered: for addresses, deal links and deals. */
interface AccountMemo {
  version: string;
  /** Whether each address read is a CRM person of the account. */
  known: Map<string, boolean>;
  /** Each linked thread's deals (active links only), in the links' index order. */
  links: Promise<Map<string, number[]>>;
  /** Deals read so far: the open deal's stage name, or null (closed, gone, or no known stage). */
  stageOf: Map<number, string | null>;
}

/** Which of `addresses` are people of the account's cache. */
function knownAddresses(db: ThreadlineDb, account: string, addresses: string[]): Promise<Set<string>> {
  // One read transaction, one equality read per address issued together: IndexedDB pipelines them,
  // where anyOf() walks a cursor key by key (measured for 100 rows: 55–90 ms with anyOf). Keys
  // carry the account's tag and number, not its address, so the row's own account says whose it is
  // (key-prefix.ts).
  return db.transaction('r', db.people, () =>
    Promise.all(
      addresses.map((a) =>
        db.people
          .where('emailKeys')
          .equals(emailKey(account, a))
          .toArray()
          .then((rows) => (rows.some((row) => row.account === account) ? a : null)),
      ),
    ).then((found) => new Set(found.filter((a): a is string => a !== null))),
  );
}

/**
 * Every thread of the account linked (and not unlinked) to a deal, with the deals' ids. Links are
 * few (one per linked thread and record), so all of the account's are read at once.
 */
async function linkedDeals(db: ThreadlineDb, account: string): Promise<Map<string, number[]>> {
  const links = await db.threadMarks.where('[account+kind]').equals([account, 'link']).toArray();
  const byThread = new Map<string, number[]>();
  for (const m of links) {
    if (!m.active || !m.recordKey.startsWith(DEAL_KEY)) continue;
    const ids = byThread.get(m.threadId) ?? [];
    ids.push(Number(m.recordKey.slice(DEAL_KEY.length)));
    byThread.set(m.threadId, ids);
  }
  return byThread;
}

/**
 * The stage each shown thread's badge shows: of its first linked deal that is open with a known
 * stage. Only the shown threads' deals not read yet in this version are read, in one transaction.
 */
async function shownStages(
  db: ThreadlineDb,
  account: string,
  memo: AccountMemo,
  rows: readonly { threadId: string }[],
): Promise<Map<string, string>> {
  const links = await memo.links;
  const shown = rows.flatMap((r) => links.get(r.threadId) ?? []);
  const unread = [...new Set(shown.filter((id) => !memo.stageOf.has(id)))];
  if (unread.length > 0) {
    const read = await dealStages(db, account, unread);
    for (const id of unread) memo.stageOf.set(id, read.get(id) ?? null);
  }
  const stageOfThread = new Map<string, string>();
  for (const { threadId } of rows) {
    for (const id of links.get(threadId) ?? []) {
      const stage = memo.stageOf.get(id);
      if (stage) {
        stageOfThread.set(threadId, stage);
        break;
      }
    }
  }
  return stageOfThread;
}

/** The stage name of each of `ids` that is an open deal of a known pipeline stage. */
function dealStages(db: ThreadlineDb, account: string, ids: number[]): Promise<Map<number, string>> {
  return db.transaction('r', db.opportunities, db.pipelines, async () => {
    const open = (await recordRows(db.opportunities, account, ids)).filter(
      (d) => d !== undefined && d.status === 'Open',
    );
    const pipelineIds = [...new Set(open.map((d) => d?.pipelineId).filter((id): id is number => id != null))];
    const pipelines = await db.pipelines.bulkGet(pipelineIds.map((id) => [account, id] as [string, number]));
    const stageName = new Map<number, string>();
    for (const d of open) {
      const stage = pipelines.find((p) => p?.id === d?.pipelineId)?.stages.find((s) => s.id === d?.stageId);
      if (d && stage) stageName.set(d.id, stage.name);
    }
    return stageName;
  });
}

const DEAL_KEY = 'opportunity:';
