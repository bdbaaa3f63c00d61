import type { ThreadlineDb } from '../../db/threadline-db';
import { normaliseAddress } from '../../shared/normalise-address';

export interface Teammates {
  /** The account's CRM users' addresses (normalised), read once and kept until `forget`. */
  of(account: string): Promise<Set<string>>;
  /** A sync or a deletion changed the users table. */
  forget(account: string): void;
}

/** A copy of the users table per account (derived, never authoritative; lost with the worker). */
export function createTeammates(db: ThreadlineDb): Teammates {
  const cache = new Map<string, Promise<Set<string>>>();
  return {
    of(account) {
      let cached = cache.get(account);
      if (!cached) {
        cached = db.users
          .where('[account+id]')
          .between([account, -Infinity], [account, Infinity])
          .toArray()
          .then(
            (rows) =>
              new Set(rows.map((u) => normaliseAddress(u.email)).filter((a): a is string => a !== null)),
          );
        cache.set(account, cached);
      }
      return cached;
    },
    forget: (account) => void cache.delete(account),
  };
}
