import type { AuditRow, ThreadlineDb } from '../../../db/threadline-db';
import type { AuditEntry } from '../egress/egress-fetch';

export interface AuditQuery {
  purpose?: string;
  from?: number;
  to?: number;
  limit?: number;
}

/**
 * The audit log: one row per transfer, appended by the egress gate before the request leaves. Rows
 * are never edited; only retention and "Delete my data" remove them. Never content: purpose, host,
 * data classes, record ids and byte count.
 */
export function createAuditLog(db: ThreadlineDb) {
  return {
    append: async (entry: AuditEntry): Promise<void> => {
      await db.audit.add({ ...entry });
    },
    list: async (account: string, query: AuditQuery = {}): Promise<AuditRow[]> => {
      const rows = await db.audit
        .where('[account+at]')
        .between([account, query.from ?? -Infinity], [account, query.to ?? Infinity], true, true)
        .reverse()
        .toArray();
      const filtered = query.purpose ? rows.filter((r) => r.purpose === query.purpose) : rows;
      return filtered.slice(0, query.limit ?? 10_000);
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
