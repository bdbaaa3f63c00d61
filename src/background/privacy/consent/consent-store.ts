import type { ConsentRow, ThreadlineDb } from '../../../db/threadline-db';
import { DISCLOSURE, disclosureHash } from '../../../shared/disclosure';
import { t } from '../../i18n';

export type ConsentScope = ConsentRow['scope'];

export interface ConsentStore {
  /** True only for a consent to the CURRENT disclosure (same version and text hash), not withdrawn. */
  has(account: string, scope: ConsentScope): Promise<boolean>;
  grant(account: string, scope: ConsentScope, shown: { version: number; textHash: string }): Promise<void>;
  withdraw(account: string, scope: ConsentScope): Promise<void>;
  list(account: string): Promise<ConsentRow[]>;
}

/**
 * Consents, per Gmail account (Limited Use rule 7). A grant must name the disclosure version and the
 * hash of the text the page showed; a grant for any other text is refused, so a stale page cannot
 * consent to a disclosure the user never saw.
 */
export function createConsentStore(
  db: ThreadlineDb,
  nowMs: () => number,
  /** The disclosure text as the pages show it (the browser's language). */
  disclosureText: () => string = () => t('disclosureText'),
): ConsentStore {
  const hash = () => disclosureHash(disclosureText());
  return {
    async has(account, scope) {
      const row = await db.consents.get([account, scope]);
      return (
        row !== undefined &&
        row.withdrawnAt === null &&
        row.version === DISCLOSURE.version &&
        row.textHash === (await hash())
      );
    },
    async grant(account, scope, shown) {
      if (shown.version !== DISCLOSURE.version || shown.textHash !== (await hash()))
        throw new Error(t('errDisclosureChanged'));
      await db.consents.put({
        account,
        scope,
        version: shown.version,
        textHash: shown.textHash,
        grantedAt: nowMs(),
        withdrawnAt: null,
      });
    },
    async withdraw(account, scope) {
      await db.consents.update([account, scope], { withdrawnAt: nowMs() });
    },
    list: (account) =>
      db.consents.where('[account+scope]').between([account, ''], [account, '\uffff']).toArray(),
  };
}
