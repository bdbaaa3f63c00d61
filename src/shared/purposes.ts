/**
 * The purposes a transfer may name and the classes of data it may carry (reference/limited-use.md).
 * The worker's egress gate decides on them; the privacy centre filters the audit log by them.
 */
export const PURPOSES = [
  'auth',
  'lookupContact',
  'syncRecords',
  'createRecord',
  'updateRecord',
  'linkThread',
  'logEmail',
  'addNote',
  'manageTasks',
  'manageDeals',
  // Never allowed (Limited Use rules 2–5): kept in the type so a test can show they are refused.
  'analytics',
  'ads',
  'modelTraining',
  'humanReview',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const DATA_CLASSES = ['googleUserData', 'crmData', 'credentials', 'diagnostics'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** Purposes that can actually occur (the audit log's filter). */
export const USER_FACING_PURPOSES: readonly Purpose[] = PURPOSES.filter(
  (p) => !['analytics', 'ads', 'modelTraining', 'humanReview'].includes(p),
);
