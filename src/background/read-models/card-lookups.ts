/**
 * What the cache could not answer for a thread's cards, asked of the CRM: ONE batched search for
 * every unknown address, and recent activities of people whose copy is stale. An in-flight guard
 * per address and per person: the same search never leaves twice, whoever asks.
 */
import { personRow, threadMarkRow } from '../../db/record-rows';
import { parentKeyOf, type ThreadlineDb } from '../../db/threadline-db';
import type { Logger } from '../../shared/logger';
import { normaliseAddress } from '../../shared/normalise-address';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { dropRecords } from '../sync/record-presence';

/** At most this many people's activities per refresh (the rest on the next). */
const ACTIVITY_FETCHES = 5;
/** A person whose fetch failed is not asked again for this long, however often their card is built. */
export const FAILED_FETCH_PAUSE_SECONDS = 60;

export interface CardLookups {
  /**
   * Searches the addresses no one is searching yet; resolves when this batch and those in flight are
   * done, with whether any of them stored an answer.
   */
  search(account: string, misses: readonly string[]): Promise<boolean>;
  /**
   * Fetches recent activities (and the whole person) of people not being fetched; resolves when done.
   * True if anything was stored: a fetch that failed stores nothing, so the card is not built again
   * only to ask again (the next open or sync step will).
   */
  activities(account: string, personIds: readonly number[]): Promise<boolean>;
}

export function createCardLookups(deps: {
  db: ThreadlineDb;
  client: (account: string) => Promise<CrmClient | null>;
  nowSec: () => number;
  logger: Logger;
}): CardLookups {
  const { db } = deps;
  const searching = new Map<string, Promise<boolean>>();
  const fetching = new Set<string>();
  const failedAt = new Map<string, number>();

  const warn = (error: unknown) =>
    deps.logger.warn('lookup.failed', { kind: error instanceof CrmError ? error.kind : 'unknown' });

  return {
    async search(account, misses) {
      const key = (a: string) => `${account}\n${a}`;
      const waiting = misses.map((a) => searching.get(key(a))).filter((p): p is Promise<boolean> => !!p);
      const fresh = [...new Set(misses.filter((a) => !searching.has(key(a))))];
      if (fresh.length > 0) {
        const batch = (async () => {
          const crm = await deps.client(account);
          if (!crm) return false;
          const found = await crm.searchPeopleByEmails(fresh);
          const foundAddresses = new Set(
            found.flatMap((p) => p.emails.map((e) => normaliseAddress(e.value))),
          );
          await db.transaction('rw', db.people, db.negativeLookups, async () => {
            await db.people.bulkPut(found.map((p) => personRow(account, p)));
            await db.negativeLookups.bulkPut(
              fresh
                .filter((a) => !foundAddresses.has(a))
                .map((address) => ({ account, address, checkedAt: deps.nowSec() })),
            );
          });
          return true;
        })()
          .catch((error: unknown) => {
            warn(error);
            return false;
          })
          .finally(() => {
            for (const a of fresh) if (searching.get(key(a)) === batch) searching.delete(key(a));
          });
        for (const a of fresh) searching.set(key(a), batch);
        waiting.push(batch);
      }
      return (await Promise.all(waiting)).some(Boolean);
    },

    async activities(account, personIds) {
      const resting = (flight: string) =>
        deps.nowSec() - (failedAt.get(flight) ?? -Infinity) < FAILED_FETCH_PAUSE_SECONDS;
      const todo = personIds
        .map((id) => ({ id, flight: `${account}:${id}` }))
        .filter(({ flight }) => !fetching.has(flight) && !resting(flight))
        .slice(0, ACTIVITY_FETCHES);
      if (todo.length === 0) return false;
      const crm = await deps.client(account);
      if (!crm) return false;
      let stored = false;
      for (const { id: personId, flight } of todo) {
        fetching.add(flight);
        try {
          // A card shown from the cache confirms its person at most once per ACTIVITY_TTL_SECONDS:
          // deleted or merged away in the CRM, it leaves the cache (sync/record-presence.ts).
          const current = await crm.getPerson(personId);
          if (current === null) {
            await dropRecords(db, account, 'people', [personId]);
            stored = true;
            continue;
          }
          await db.people.put(personRow(account, current));
          stored = true;
          // Every activity of the person, by `parent`: the card's recent ones, and the thread marks
          // (links, logged messages) of any date, which the look-back sweep of sync cannot reach.
          const all = await crm.activitiesOfRecord({ type: 'person', id: personId });
          const activities = [...all]
            .sort((x, y) => y.at - x.at || y.id - x.id)
            .slice(0, 5)
            .map(({ modifiedAt: _m, ...activity }) => activity);
          const marks = all.map((a) => threadMarkRow(account, a)).filter((r) => r !== null);
          const parentKey = parentKeyOf('person', personId);
          await db.transaction('rw', db.activities, db.activityFetches, db.threadMarks, async () => {
            await db.activities
              .where('[account+parentKey+at]')
              .between([account, parentKey, -Infinity], [account, parentKey, Infinity])
              .delete();
            await db.activities.bulkPut(activities.map((a) => ({ ...a, account, parentKey })));
            await db.activityFetches.put({ account, parentKey, fetchedAt: deps.nowSec() });
            if (marks.length > 0) await db.threadMarks.bulkPut(marks);
          });
          failedAt.delete(flight);
        } catch (error) {
          warn(error);
          failedAt.set(flight, deps.nowSec());
          break;
        } finally {
          fetching.delete(flight);
        }
      }
      return stored;
    },
  };
}
