/**
 * The deny-by-default matrix of the egress gate (reference/limited-use.md): which purposes may carry
 * which classes of data to which destinations, and which need the user's consent first. A pair that
 * is not listed is refused. Purposes that Limited Use forbids for Google user data are listed only so
 * that a caller naming them is refused with a reason.
 */
import { DATA_CLASSES, type DataClass, PURPOSES, type Purpose } from '../../../shared/purposes';

export { DATA_CLASSES, type DataClass, PURPOSES, type Purpose };

/** `crm`: the connected CRM's origin. `adminHost`: a host the admin added (ExtraAllowedCrmHosts). */
export type Destination = 'crm' | 'adminHost' | 'other';

/** The consent a purpose needs before it may carry Google user data. */
export type ConsentScope = 'emailLogging';

interface Rule {
  classes: readonly DataClass[];
  destinations: readonly Destination[];
  consent?: ConsentScope;
}

const CRM: readonly Destination[] = ['crm', 'adminHost'];

export const EGRESS_MATRIX: Readonly<Partial<Record<Purpose, Rule>>> = {
  auth: { classes: ['credentials'], destinations: CRM },
  // Looking up who is on the thread is the sidebar's core feature: addresses go to the CRM only.
  lookupContact: { classes: ['googleUserData', 'crmData'], destinations: CRM },
  syncRecords: { classes: ['crmData'], destinations: CRM },
  // "Add to CRM": the name and address the user chose to add.
  createRecord: { classes: ['googleUserData', 'crmData'], destinations: CRM },
  updateRecord: { classes: ['crmData'], destinations: CRM },
  // Gmail thread ids and e-mail content leave only after the disclosure was accepted.
  linkThread: { classes: ['googleUserData', 'crmData'], destinations: CRM, consent: 'emailLogging' },
  logEmail: { classes: ['googleUserData', 'crmData'], destinations: CRM, consent: 'emailLogging' },
  addNote: { classes: ['crmData'], destinations: CRM },
  manageTasks: { classes: ['crmData'], destinations: CRM },
  manageDeals: { classes: ['crmData'], destinations: CRM },
};

export type EgressDecision = { allow: true; consent: ConsentScope | null } | { allow: false; reason: string };

export function decideEgress(
  purpose: Purpose,
  dataClasses: readonly DataClass[],
  destination: Destination,
): EgressDecision {
  const rule = EGRESS_MATRIX[purpose];
  if (!rule) return { allow: false, reason: `purpose ${purpose} is never allowed` };
  if (dataClasses.length === 0) return { allow: false, reason: 'a request must name its data classes' };
  const refused = dataClasses.find((c) => !rule.classes.includes(c));
  if (refused) return { allow: false, reason: `${refused} may not be sent for ${purpose}` };
  if (!rule.destinations.includes(destination))
    return { allow: false, reason: `destination is not allowed for ${purpose}` };
  const needsConsent = rule.consent !== undefined && dataClasses.includes('googleUserData');
  return { allow: true, consent: needsConsent ? (rule.consent ?? null) : null };
}
