import { t } from '../../i18n';
import { isAllowedCrmOrigin } from '../../privacy/egress/egress-fetch';
import { CrmError } from '../crm-error';
import type { CrmAdapter } from '../crm-registry';
import { createHubspotClient, HUBSPOT_BASE_URL, hubspotHeaders } from './hubspot-client';
import {
  HUBSPOT_DEFAULT_LIMIT,
  HUBSPOT_PACING,
  hubspotLimitFromHeaders,
  hubspotRateLimitVerdict,
} from './hubspot-rate';

/**
 * HubSpot with a private-app token. The API address is `https://api.hubapi.com` unless another is
 * typed under "Advanced", which must pass the same rule as the local server's (the tests and
 * `npm start -- --crm hubspot` point it at the local server's HubSpot personality).
 */
export const hubspotAdapter: CrmAdapter = {
  kind: 'hubspot',
  baseUrl: (typed) => {
    const url = typed.trim().replace(/\/+$/, '');
    if (url === '' || url === HUBSPOT_BASE_URL) return HUBSPOT_BASE_URL;
    if (!isAllowedCrmOrigin(url)) throw new CrmError('notConnected', t('errCrmAddress'));
    return url;
  },
  headers: (token) => hubspotHeaders(token),
  rateLimit: { limit: HUBSPOT_DEFAULT_LIMIT, windowMs: HUBSPOT_PACING.budgetWindowMs },
  searchRateLimit: HUBSPOT_PACING.search,
  limitFromHeaders: hubspotLimitFromHeaders,
  rateLimitVerdict: hubspotRateLimitVerdict,
  // Tags show the lifecycle stage (hubspot-mapping.ts); HubSpot has no tag property to write.
  features: { leads: false, tags: false },
  createClient: (transport, account, connection) => createHubspotClient(transport, account, connection),
};
