/**
 * The privacy centre's worker side (reference/limited-use.md): what is stored per account, export of
 * everything stored locally for an account, deletion of it, and retention.
 */
import { accountRows, countAccountRows, deleteAccountRows } from '../../../db/account-rows';
import { ACCOUNT_TABLES, type ThreadlineDb } from '../../../db/threadline-db';
import { DISCLOSURE, disclosureHash } from '../../../shared/disclosure';
import type { ResponseOf } from '../../../shared/protocol';
import { t } from '../../i18n';
import { GMAIL_DATA_OPS } from '../../outbox/outbox';
import type { ConsentStore } from '../consent/consent-store';

/** Audit rows carry no content; they are kept a year so a user or auditor can look back. */
export const AUDIT_RETENTION_DAYS = 365;
const DAY_MS = 86_400_000;

/** Tables that mirror the CRM or hold Gmail data: disconnecting the CRM empties them. */
export const CACHE_TABLES = ACCOUNT_TABLES.filter(
  (t) => t !== 'audit' && t !== 'consents' && t !== 'accounts',
);

export function createPrivacyCentre(options: {
  db: ThreadlineDb;
  consent: ConsentStore;
  nowMs: () => number;
  connectionInfo: () => Promise<unknown>;
}) {
  const { db, consent, nowMs } = options;

  const knownAccounts = async (): Promise<string[]> => {
    const [accounts, consents] = await Promise.all([db.accounts.toArray(), db.consents.toArray()]);
    return [...new Set([...accounts.map((a) => a.account), ...consents.map((c) => c.account)])].sort();
  };

  return {
    knownAccounts,

    async overview(): Promise<ResponseOf<'privacyOverview'>> {
      const hash = await disclosureHash(t('disclosureText'));
      const accounts = await Promise.all(
        (await knownAccounts()).map(async (account) => ({
          account,
          counts: await countAccountRows(db, account),
          consents: (await consent.list(account)).map(({ account: _a, ...c }) => ({
            ...c,
            current: c.withdrawnAt === null && c.version === DISCLOSURE.version && c.textHash === hash,
          })),
        })),
      );
      return { accounts, disclosure: { version: DISCLOSURE.version, textHash: hash } };
    },

    /** One JSON document of everything stored locally for the account (the API key is never exported). */
    async exportData(account: string): Promise<string> {
      const tables: Record<string, unknown[]> = {};
      for (const table of ACCOUNT_TABLES) tables[table] = await accountRows(db, table, account).toArray();
      const userSettings = (await db.settings.get('userSettings'))?.value ?? {};
      return JSON.stringify(
        {
          format: 'threadline-export/1',
          exportedAt: new Date(nowMs()).toISOString(),
          account,
          connection: await options.connectionInfo(),
          userSettings,
          tables,
        },
        null,
        2,
      );
    },

    deleteData: (account: string) => deleteAccountRows(db, account),

    /**
     * Retention (alarm, daily): Gmail data cached longer than `retentionDays` is purged; an account not
     * seen in Gmail for that long (signed out, removed) is wiped; audit rows go after a year.
     */
    async purge(retentionDays: number): Promise<{ wipedAccounts: number; purgedRows: number }> {
      const cutoffMs = nowMs() - retentionDays * DAY_MS;
      const cutoffSec = Math.floor(cutoffMs / 1000);
      let purgedRows = 0;
      let wipedAccounts = 0;
      for (const row of await db.accounts.toArray()) {
        if (row.lastSeenAt < cutoffMs) {
          await deleteAccountRows(db, row.account, CACHE_TABLES);
          await db.accounts.delete(row.account);
          wipedAccounts += 1;
        }
      }
      await db.transaction('rw', db.negativeLookups, db.outbox, db.audit, async () => {
        purgedRows += await db.negativeLookups.filter((r) => r.checkedAt < cutoffSec).delete();
        // Failed writes holding Gmail content are not kept past retention either.
        purgedRows += await db.outbox
          .filter((r) => r.state === 'dead' && GMAIL_DATA_OPS.includes(r.op) && r.createdAt < cutoffMs)
          .delete();
        purgedRows += await db.audit.filter((r) => r.at < nowMs() - AUDIT_RETENTION_DAYS * DAY_MS).delete();
      });
      return { wipedAccounts, purgedRows };
    },
  };
}
export type PrivacyCentre = ReturnType<typeof createPrivacyCentre>;
