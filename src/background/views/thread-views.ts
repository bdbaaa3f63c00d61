/**
 * What each tab's sidebar shows, pushed as ONE `view` message per change (thread, cards and status
 * together), so a thread open renders once. Cards are built once per open from the cache; what the
 * cache cannot answer goes to the CRM (card-lookups) and the view follows. Changes from writes and
 * sync refresh a tab at most once per tick, one refresh at a time; a status change re-sends the
 * cards already built instead of building them again. Memory here is a cache: a restarted worker
 * rebuilds it when a sidebar subscribes.
 */
import type { ThreadlineDb } from '../../db/threadline-db';
import { recordKeyOf } from '../../shared/crm-model';
import { type Logger, logFailure } from '../../shared/logger';
import type { ThreadFacts } from '../../shared/protocol';
import { type StatusView, summariseThread, type ThreadState } from '../../shared/sidebar-port';
import type { ThreadExtras } from '../../shared/thread-extras';
import { buildCards, type CardsResult } from '../read-models/build-cards';
import type { CardLookups } from '../read-models/card-lookups';
import { type OutsideParticipant, outsideParticipants } from '../read-models/outside-participants';
import type { SidebarHub } from '../sidebar-hub';
import type { TabStateStore } from '../tab-state-store';

/** Cards for at most this many outside participants; the participant list still shows everyone. */
export const MAX_CARDS = 25;
/** The thread's links, tasks and settings follow its view by this much (not on the paint path). */
export const EXTRAS_DELAY_MS = 50;
/** Cards built for a thread are reused on its next open for this long if nothing changed meanwhile. */
export const CARDS_REUSE_SECONDS = 60;
/** How many threads' cards are kept for re-opening. */
const KEPT_THREADS = 50;

type Network = 'none' | 'activities' | 'all';

interface TabView {
  state: ThreadState;
  /** The open thread's outside participants (computed once per open). */
  outside: OutsideParticipant[];
  cards: CardsResult | null;
  /** The account's version the cards were built at: a sidebar that subscribes later gets them rebuilt if it moved. */
  version: string | null;
}

export interface ThreadViews {
  /**
   * A thread opened: its cards are built while `saving` stores the tab's state, and go out with it
   * in one view. Resolves with the outside participants (for auto-logging) once the view is sent,
   * or is not, because a later state's view was kept meanwhile (`keep`).
   */
  opened(
    tabId: number,
    account: string,
    thread: ThreadFacts,
    saving: Promise<ThreadState>,
  ): Promise<OutsideParticipant[]>;
  /** The tab's thread closed (or the state changed without a new thread). */
  show(tabId: number, state: ThreadState): Promise<void>;
  /** A sidebar (re)subscribed: send it the tab's view (from memory, or built again after a restart). */
  subscribed(tabId: number): Promise<void>;
  /** The account's data changed (a write, a sync step): rebuild its tabs' cards and status. */
  accountChanged(account: string, network?: Network): void;
  /** Only the status changed (health, a sync step): send the views again with their cards. */
  statusChanged(account?: string): void;
  /** Tabs with a live sidebar on this account. */
  tabsOf(account: string): Promise<number[]>;
  /** The account's cache version: it moves whenever anything of the account may have changed. */
  versionOf(account: string): string;
  /** The cache changed underneath (a committed write, cache-version.ts): every account's version moves. */
  invalidate(): void;
  forget(tabId: number): void;
}

export function createThreadViews(deps: {
  db: ThreadlineDb;
  hub: SidebarHub;
  store: TabStateStore;
  lookups: CardLookups;
  teammatesOf: (account: string) => Promise<Set<string>>;
  /** The admin's internal domains (policy): their people get no card and no CRM look-up. */
  internalDomains: () => Promise<readonly string[]>;
  status: (account: string) => Promise<StatusView>;
  extras: (account: string, thread: ThreadFacts, recordKeys: string[]) => Promise<ThreadExtras>;
  /** False while a sync runs (its own progress refreshes the cards); cards missing details fetch anyway. */
  mayFetchActivities: (account: string) => boolean;
  nowSec: () => number;
  logger: Logger;
}): ThreadViews {
  const { hub, store, logger } = deps;
  const views = new Map<number, TabView>();
  /**
   * Keeps `view` as the tab's, unless a view of a later state is kept already: a build that read
   * the state before a newer open, close or page start finished after it must not bring the old
   * thread back for the next sidebar that subscribes. Whether it was kept (and is to be sent).
   */
  const keep = (tabId: number, view: TabView): boolean => {
    const kept = views.get(tabId);
    if (kept && kept.state.seq > view.state.seq) return false;
    views.set(tabId, view);
    return true;
  };
  const statuses = new Map<string, Promise<StatusView>>();
  const statusOf = (account: string): Promise<StatusView> => {
    let cached = statuses.get(account);
    if (!cached) {
      cached = deps.status(account);
      cached.catch(() => statuses.delete(account));
      statuses.set(account, cached);
    }
    return cached;
  };
  const fail = (what: string) => logFailure(logger.error, what);

  // Cards last built per thread, valid while nothing of the account changed since (every write,
  // sync step, look-up answer and status change moves the account's version) and for at most
  // CARDS_REUSE_SECONDS (negative answers and activity freshness depend on the clock). Re-opening a
  // thread then paints without reading the cache again: no work twice.
  const versions = new Map<string, number>();
  let epoch = 0;
  const versionOf = (account: string) => `${epoch}:${versions.get(account) ?? 0}`;
  const bump = (account?: string) => {
    if (account === undefined) epoch += 1;
    else versions.set(account, (versions.get(account) ?? 0) + 1);
  };
  type Built = { outside: OutsideParticipant[]; cards: CardsResult; version: string };
  const lastBuilt = new Map<string, { version: string; at: number; built: Built }>();
  const keyOf = (account: string, thread: ThreadFacts) =>
    `${account}\n${thread.threadId}\n${thread.participants.map((p) => p.address).join(',')}`;

  const cardsFor = async (account: string, thread: ThreadFacts, reuse = false): Promise<Built> => {
    const key = keyOf(account, thread);
    const version = versionOf(account);
    const kept = lastBuilt.get(key);
    if (reuse && kept && kept.version === version && deps.nowSec() - kept.at <= CARDS_REUSE_SECONDS)
      return kept.built;
    const [teammates, internalDomains] = await Promise.all([
      deps.teammatesOf(account),
      deps.internalDomains(),
    ]);
    const outside = outsideParticipants(thread.participants, account, teammates, internalDomains);
    const cards = await buildCards(deps.db, account, outside.slice(0, MAX_CARDS), deps.nowSec());
    const built = { outside, cards, version };
    // Kept only if nothing changed while it was built.
    if (versionOf(account) === version) {
      lastBuilt.delete(key);
      lastBuilt.set(key, { version, at: deps.nowSec(), built });
      if (lastBuilt.size > KEPT_THREADS) lastBuilt.delete(lastBuilt.keys().next().value ?? '');
    }
    return built;
  };

  const viewOf = (state: ThreadState, built: Built | null): TabView => ({
    state,
    outside: built?.outside ?? [],
    cards: built?.cards ?? null,
    version: built?.version ?? null,
  });

  const send = (tabId: number, view: TabView, status: StatusView | null, cardsChanged = true): void => {
    hub.send(tabId, {
      type: 'view',
      state: summariseThread(view.state),
      cards: view.state.thread ? (view.cards?.cards ?? null) : [],
      status,
    });
    if (cardsChanged && view.state.thread && view.cards) scheduleExtras(tabId);
  };

  // --- extras: at most once per EXTRAS_DELAY_MS per tab, for the latest cards (a throttle, not a
  // debounce: a long burst of views, such as a 200-write drain, must not starve them).
  const extrasDue = new Set<number>();
  const scheduleExtras = (tabId: number): void => {
    if (extrasDue.has(tabId)) return;
    extrasDue.add(tabId);
    setTimeout(() => {
      extrasDue.delete(tabId);
      const view = views.get(tabId);
      const { thread, account, seq } = view?.state ?? { thread: null, account: null, seq: 0 };
      if (!view?.cards || !thread || !account) return;
      const keys = view.cards.cards.flatMap((c) => [
        ...(c.person && c.person.id > 0 ? [recordKeyOf({ type: 'person', id: c.person.id })] : []),
        ...(c.lead ? [recordKeyOf({ type: 'lead', id: c.lead.id })] : []),
        ...(c.company ? [recordKeyOf({ type: 'company', id: c.company.id })] : []),
        ...c.deals.map((d) => recordKeyOf({ type: 'opportunity', id: d.deal.id })),
      ]);
      deps
        .extras(account, thread, keys)
        .then((extras) => hub.send(tabId, { type: 'extras', seq, threadId: thread.threadId, extras }))
        .catch(fail('extras.failed'));
    }, EXTRAS_DELAY_MS);
  };

  /** After a view went out: ask the CRM what the cache could not answer, then refresh. */
  const lookUp = (tabId: number, account: string, result: CardsResult, network: Network): void => {
    if (network === 'none') return;
    const misses = network === 'all' ? result.misses : [];
    if (misses.length === 0) {
      activitiesOf(tabId, account, result);
      return;
    }
    void deps.lookups.search(account, misses).then((found) => {
      if (found) {
        // The people found may need their activities: one more pass, without searching again.
        bump(account);
        refresh(tabId, 'activities');
      } else activitiesOf(tabId, account, result); // the known people's are still due
    }, fail('lookup.failed'));
  };

  const activitiesOf = (tabId: number, account: string, result: CardsResult): void => {
    // While a sync runs, only cards that cannot show a phone, address or tags ask the CRM (for the
    // whole person and its activities); the others wait for the sync's end, which refreshes them.
    const due = deps.mayFetchActivities(account)
      ? result.staleActivities
      : result.cards.flatMap((c) => (c.person && !c.detailsKnown && c.person.id > 0 ? [c.person.id] : []));
    if (due.length === 0) return;
    void deps.lookups
      .activities(account, due)
      // 'all': a person the CRM no longer has left the cache, and their address needs a search.
      .then((fetched) => {
        if (!fetched) return;
        bump(account);
        refresh(tabId, 'all');
      }, fail('lookup.failed'));
  };

  // --- refresh: one at a time per tab; requests that arrive meanwhile make ONE more run.
  const running = new Map<number, Promise<void>>();
  const wanted = new Map<number, Network>();
  const stronger = (a: Network | undefined, b: Network): Network =>
    a === 'all' || b === 'all' ? 'all' : a === 'activities' || b === 'activities' ? 'activities' : 'none';

  const rebuild = async (tabId: number, network: Network): Promise<void> => {
    const state = await store.get(tabId);
    const [built] = await Promise.all([
      state.thread && state.account ? cardsFor(state.account, state.thread) : null,
      state.account ? statusOf(state.account) : null,
    ]);
    // The latest status, should it have changed while the cards were built.
    const status = state.account ? await statusOf(state.account) : null;
    const view = viewOf(state, built);
    if (!keep(tabId, view)) return;
    send(tabId, view, status);
    if (built && state.account) lookUp(tabId, state.account, built.cards, network);
  };

  const refresh = (tabId: number, network: Network): void => {
    const pending = wanted.get(tabId);
    wanted.set(tabId, stronger(pending, network));
    if (pending !== undefined || running.has(tabId)) return;
    // Coalesce everything asked within this tick into one rebuild.
    setTimeout(() => {
      const run = (async () => {
        while (wanted.has(tabId)) {
          const next = wanted.get(tabId) ?? 'none';
          wanted.delete(tabId);
          await rebuild(tabId, next).catch(fail('cards.failed'));
        }
      })().finally(() => running.delete(tabId));
      running.set(tabId, run);
    }, 0);
  };

  const tabsOf = async (account: string): Promise<number[]> => {
    const tabs = hub.tabs();
    const states = await Promise.all(tabs.map((t) => store.get(t)));
    return tabs.filter((_, i) => states[i]?.account === account);
  };

  return {
    async opened(tabId, account, thread, saving) {
      const [state, built, status] = await Promise.all([
        saving,
        cardsFor(account, thread, true).catch(() => null),
        statusOf(account).catch(() => null),
      ]);
      const view = viewOf(state, built);
      if (!keep(tabId, view)) return view.outside;
      send(tabId, view, status);
      if (built) lookUp(tabId, account, built.cards, 'all');
      else refresh(tabId, 'all');
      return view.outside;
    },
    async show(tabId, state) {
      const view: TabView = { state, outside: [], cards: null, version: null };
      if (!keep(tabId, view)) return;
      send(tabId, view, state.account ? await statusOf(state.account).catch(() => null) : null);
    },
    async subscribed(tabId) {
      const view = views.get(tabId);
      if (!view) return refresh(tabId, 'all');
      const account = view.state.account;
      send(tabId, view, account ? await statusOf(account).catch(() => null) : null);
      // Changes made while no sidebar listened (the first sync ending before the sidebar page
      // loaded) refreshed nothing: cards built before them are rebuilt now, and looked up again.
      if (account && view.version !== null && view.version !== versionOf(account)) refresh(tabId, 'all');
    },
    accountChanged(account, network = 'activities') {
      bump(account);
      statuses.delete(account);
      void tabsOf(account).then((tabs) => {
        for (const tabId of tabs) refresh(tabId, network);
      });
    },
    statusChanged(account) {
      // A sync step wrote records as it moved the status on: cards built before it are stale.
      bump(account);
      if (account === undefined) statuses.clear();
      else statuses.delete(account);
      for (const tabId of hub.tabs()) {
        const view = views.get(tabId);
        const of = view?.state.account;
        if (!view || !of || (account !== undefined && of !== account)) continue;
        const asked = statusOf(of);
        void asked.then((status) => {
          // Sent only while still the account's latest status: an older read that resolves late
          // (a sync step's, after the sync ended) must not overwrite a newer view.
          const latest = views.get(tabId);
          if (latest && statuses.get(of) === asked) send(tabId, latest, status, false);
        }, fail('status.failed'));
      }
    },
    tabsOf,
    versionOf,
    invalidate: () => bump(),
    forget(tabId) {
      views.delete(tabId);
    },
  };
}
