/**
 * The cache as version 4 of its schema stored it (issue 17's first slimming, record keys starting
 * with the account's address), for the upgrade tests: the unit test on fake-indexeddb
 * (src/db/rekey-records.test.ts) and the browser test's page (test/e2e/pages/cache-upgrade-page.ts).
 */
export const VERSION_4_STORES: Record<string, string> = {
  people: '[account+id], *emailKeys, *searchKeys',
  leads: '[account+id], emailKey, *searchKeys',
  companies: '[account+id], [account+domainKey], *searchKeys',
  opportunities: '[account+id], [account+primaryContactId], [account+companyId], *searchKeys',
  pipelines: '[account+id]',
  activities: '[account+id], [account+parentKey+at]',
  activityFetches: '[account+parentKey]',
  users: '[account+id], emailKey',
  negativeLookups: '[account+address]',
  syncState: '[account+entity]',
  outbox: '++seq, [account+recordKey], [account+state], nextAttemptAt',
  accounts: 'account',
  settings: 'name',
  secrets: 'name',
  threadMarks: '[account+markKey], [account+threadId], [account+recordKey], [account+at], [account+kind]',
  tasks: '[account+id], [account+relatedKey]',
  audit: '++seq, [account+at]',
  consents: '[account+scope]',
};

/** A record row as version 4 stored it: today's row without `accountNo`. */
export function asVersion4<T extends object>(row: T): Omit<T, 'accountNo'> {
  const { accountNo: _n, ...rest } = row as T & { accountNo?: number };
  return rest;
}
