/**
 * The real sync engine with the real HubSpot client over the HubSpot double: the page cursor the
 * engine keeps (`PageQuery.cursor` / `Page.nextCursor`) carries the adapter's keyset, so an import
 * of more than 10,000 contacts changed in the same millisecond syncs completely (search would
 * refuse any offset past 10,000), and archived records leave the cache through reconciliation.
 */
import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { recordRowKey, ThreadlineDb } from '../../../db/threadline-db';
import { createLogger } from '../../../shared/logger';
import { createEgress } from '../../privacy/egress/egress-fetch';
import { reconcile } from '../../sync/reconcile';
import { createSyncEngine } from '../../sync/sync-engine';
import { createCrmTransport } from '../crm-transport';
import { hubspotAdapter } from './hubspot-adapter';
import { createHubspotClient } from './hubspot-client';

const ACCOUNT = 'me@gmail.test';

function clientOf(double: HubspotDouble) {
  const transport = createCrmTransport({
    egress: createEgress({
      allowedOrigin: () => 'https://api.hubapi.com',
      hasConsent: async () => true,
      fetchImpl: double.fetch,
    }),
    limiter: { acquire: async () => undefined, setLimit: () => undefined },
    baseUrl: 'https://api.hubapi.com',
    headers: hubspotAdapter.headers(double.token, ''),
    maxAttempts: 1,
  });
  return createHubspotClient(transport, ACCOUNT, { email: 'sam@corp.test' }, { nowMs: () => double.nowMs });
}

const engine = (db: ThreadlineDb, double: HubspotDouble) =>
  createSyncEngine({
    db,
    client: async () => clientOf(double),
    now: () => Math.floor(double.nowMs / 1000),
    logger: createLogger('test', () => undefined),
  });

describe('HubSpot through the sync engine', () => {
  it('syncs 10,050 contacts modified in one millisecond past the 10,000 search cap, then a cheap delta', async () => {
    const double = new HubspotDouble();
    const t0 = new Date(Date.UTC(2026, 10, 1, 9)).toISOString();
    for (let i = 0; i < 10_050; i += 1)
      double.add(
        'contacts',
        { email: `p${i}@x.test`, firstname: `P${i}`, lastmodifieddate: t0 },
        String(5000 + i),
      );
    double.add(
      'contacts',
      { email: 'late@x.test', lastmodifieddate: new Date(Date.UTC(2026, 10, 2)).toISOString() },
      '42',
    );
    const db = new ThreadlineDb(`hs-sync-${Math.random()}`);
    await engine(db, double).sync(ACCOUNT);
    expect(await db.people.count()).toBe(10_051);
    expect(await db.syncState.get([ACCOUNT, 'people'])).toMatchObject({ phase: 'delta' });
    expect((await db.syncState.get([ACCOUNT, 'people']))?.pageCursor).toBeUndefined();
    // No search ever asked for an offset (the double answers 400 past 10,000, as HubSpot does).
    expect(
      double.requests
        .filter((r) => r.path.endsWith('/search'))
        .every((r) => (r.body as { after?: string }).after === undefined),
    ).toBe(true);

    // A later change is picked up by the next run, which starts from the stored watermark.
    double.nowMs = Date.UTC(2026, 10, 21);
    double.add('contacts', { email: 'new@x.test' }, '43');
    double.requests.length = 0;
    await engine(db, double).sync(ACCOUNT);
    expect(await db.people.get(recordRowKey(ACCOUNT, 43))).toBeDefined();
    const peopleSearches = double.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search');
    expect(peopleSearches).toHaveLength(1);
  });

  it('a worker killed mid-pass resumes from the stored page cursor, not from the start', async () => {
    const double = new HubspotDouble();
    const t0 = new Date(Date.UTC(2026, 10, 1, 9)).toISOString();
    for (let i = 0; i < 450; i += 1)
      double.add('contacts', { email: `p${i}@x.test`, lastmodifieddate: t0 }, String(5000 + i));
    const db = new ThreadlineDb(`hs-sync-${Math.random()}`);
    // The third contacts search fails (the network drops): the run stops there.
    const fetch = double.fetch;
    let searches = 0;
    double.fetch = async (url, init) => {
      if (url.endsWith('/contacts/search')) searches += 1;
      if (searches === 3) throw new TypeError('Failed to fetch');
      return fetch(url, init);
    };
    await expect(engine(db, double).sync(ACCOUNT)).rejects.toThrow();
    const stopped = await db.syncState.get([ACCOUNT, 'people']);
    expect(stopped?.phase).toBe('initial');
    expect(stopped?.pageCursor).toBe(`m${Date.parse(t0)}i5199`);
    expect(await db.people.count()).toBe(200);
    double.fetch = fetch;
    double.requests.length = 0;
    await engine(db, double).sync(ACCOUNT);
    expect(await db.people.count()).toBe(450);
    const first = double.requests.find((r) => r.path === '/crm/v3/objects/contacts/search');
    expect(first?.body).toMatchObject({
      filterGroups: [
        {
          filters: expect.arrayContaining([{ propertyName: 'hs_object_id', operator: 'GT', value: '5199' }]),
        },
      ],
    });
    expect((await db.syncState.get([ACCOUNT, 'people']))?.pageCursor).toBeUndefined();
  });

  it('an archived contact leaves the cache (batch read misses it, the single read 404s)', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'a@x.test' }, '1');
    const gone = double.add('contacts', { email: 'b@x.test' }, '2');
    const db = new ThreadlineDb(`hs-sync-${Math.random()}`);
    await engine(db, double).sync(ACCOUNT);
    expect(await db.people.count()).toBe(2);
    gone.archived = true;
    const report = await reconcile(db, clientOf(double), ACCOUNT, 'people');
    expect(report.dropped).toBe(1);
    expect(await db.people.get(recordRowKey(ACCOUNT, 2))).toBeUndefined();
    expect(await db.people.get(recordRowKey(ACCOUNT, 1))).toBeDefined();
  });
});
