import { t } from '../../i18n';
import { isAllowedCrmOrigin } from '../../privacy/egress/egress-fetch';
import { CrmError } from '../crm-error';
import type { CrmAdapter } from '../crm-registry';
import { COPPER_BASE_URL, copperHeaders, createCopperClient } from './copper-client';

/** Copper allows 180 requests a minute per user; stay a little under it. */
export const COPPER_REQUESTS_PER_MINUTE = 174;

const dialect = {
  headers: copperHeaders,
  rateLimit: { limit: COPPER_REQUESTS_PER_MINUTE, windowMs: 60_000 },
  createClient: (transport, account) => createCopperClient(transport, account),
} satisfies Partial<CrmAdapter>;

/** Copper itself: its one API address; the host permission is asked for when connecting. */
export const copperAdapter: CrmAdapter = {
  ...dialect,
  kind: 'copper',
  baseUrl: () => COPPER_BASE_URL,
};

/** The local demo server (`npm start`), which speaks Copper's API at the address the user gives. */
export const localCopperAdapter: CrmAdapter = {
  ...dialect,
  kind: 'local',
  baseUrl: (typed) => {
    const url = typed.trim().replace(/\/+$/, '');
    if (!isAllowedCrmOrigin(url)) throw new CrmError('notConnected', t('errCrmAddress'));
    return url;
  },
};
