import type { CrmKind } from './protocol';

/**
 * The API host each CRM kind needs, as the optional host permission Chrome asks the user for when
 * they connect (manifest.json's `optional_host_permissions` holds exactly these: a test checks).
 * The local demo server needs none: it is on loopback. One list for every page that connects.
 */
export const CRM_PERMISSION_ORIGINS = {
  local: [],
  copper: ['https://api.copper.com/*'],
  hubspot: ['https://api.hubapi.com/*'],
} as const satisfies Record<CrmKind, readonly string[]>;

/** The kinds Chrome asks a host permission for. */
export type PermissionKind = {
  [K in CrmKind]: (typeof CRM_PERMISSION_ORIGINS)[K] extends readonly [] ? never : K;
}[CrmKind];

export const needsPermission = (kind: CrmKind): kind is PermissionKind =>
  CRM_PERMISSION_ORIGINS[kind].length > 0;
