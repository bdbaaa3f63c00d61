import { describe, expect, it } from 'vitest';
import type { HsObject } from '../src/hubspot/hubspot-store';
import { runHubspotSearch } from '../src/hubspot/run-hubspot-search';

/** 300 contacts, several sharing a modified time, kept by (modified, id) as the store keeps them. */
const contacts: HsObject[] = Array.from({ length: 300 }, (_, i) => ({
  id: 1000 + i,
  type: 'contacts' as const,
  properties: { email: `p${i}@acme.test`, firstname: `P${i % 7}` },
  createdAt: 1_700_000_000_000 + i,
  updatedAt: 1_700_000_000_000 + ((i * 37) % 50) * 1000,
  archived: false,
  archivedAt: null,
})).sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);

const modified = (operator: string, value: number) => ({
  propertyName: 'lastmodifieddate',
  operator,
  value: String(value),
});

describe('HubSpot search starting at the modified bound', () => {
  it.each([
    ['GTE, ascending', { filterGroups: [{ filters: [modified('GTE', 1_700_000_020_000)] }] }],
    ['GT', { filterGroups: [{ filters: [modified('GT', 1_700_000_020_000)] }] }],
    ['EQ', { filterGroups: [{ filters: [modified('EQ', 1_700_000_020_000)] }] }],
    [
      'one millisecond, by id',
      {
        filterGroups: [
          {
            filters: [
              modified('GTE', 1_700_000_020_000),
              modified('LTE', 1_700_000_020_000),
              { propertyName: 'hs_object_id', operator: 'GT', value: '1010' },
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      },
    ],
    [
      'two groups, one unbounded',
      {
        filterGroups: [
          { filters: [modified('GTE', 1_700_000_040_000)] },
          { filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'P3' }] },
        ],
      },
    ],
    [
      'two bounded groups',
      {
        filterGroups: [
          { filters: [modified('GTE', 1_700_000_040_000)] },
          {
            filters: [
              modified('GTE', 1_700_000_010_000),
              { propertyName: 'firstname', operator: 'EQ', value: 'P2' },
            ],
          },
        ],
      },
    ],
  ])('%s: the same total and page as reading every record', (_name, query) => {
    const body = {
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      ...query,
      properties: ['email'],
      limit: 50,
    };
    const fast = runHubspotSearch('contacts', body, contacts, true);
    const plain = runHubspotSearch('contacts', body, contacts, false);
    expect(fast).toEqual(plain);
    expect((plain as { total: number }).total).toBeGreaterThan(0);
  });
});
