import { describe, expect, it } from 'vitest';
import { createFakePlatform } from '../../../test/unit/fake-platform';
import { ThreadlineDb } from '../../db/threadline-db';
import { createConsentStore } from '../privacy/consent/consent-store';
import { createPrivacyCentre } from '../privacy/data-rights/privacy-centre';
import { createConnectionStore } from './connection-store';

const info = {
  kind: 'local' as const,
  baseUrl: 'http://127.0.0.1:8787/developer_api/v1',
  email: 'sam@corp.test',
  accountName: 'Demo',
  userName: 'Sam',
  connectedAt: 1,
};

describe('connection store', () => {
  it('keeps the API key encrypted at rest under a non-extractable key, and live in session storage', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    const store = createConnectionStore(db, session);
    await store.save(info, 'secret-api-key-123');

    const secret = await db.secrets.get('crmApiKey');
    const bytes = new Uint8Array(secret?.ciphertext ?? new ArrayBuffer(0));
    expect(bytes.length).toBeGreaterThan(16);
    expect(new TextDecoder().decode(bytes)).not.toContain('secret-api-key-123');
    expect(JSON.stringify(await db.settings.toArray())).not.toContain('secret-api-key-123');
    const key = (await db.secrets.get('crmKeyEncryption'))?.key;
    expect(key?.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key as CryptoKey)).rejects.toThrow();
    expect(await session.get('crmApiKey')).toBe('secret-api-key-123');

    // The browser restarted: session storage is empty, the key is decrypted from the database.
    await session.remove('crmApiKey');
    expect(await createConnectionStore(db, session).credentials()).toEqual({
      info,
      apiKey: 'secret-api-key-123',
    });
    expect(await session.get('crmApiKey')).toBe('secret-api-key-123');
  });

  it('forgets everything on clear', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    const store = createConnectionStore(db, session);
    await store.save(info, 'k');
    await store.clear();
    expect(await store.info()).toBeNull();
    expect(await store.credentials()).toBeNull();
    expect(await session.get('crmApiKey')).toBeUndefined();
    // Both the encrypted API key and the key that encrypted it (PRIVACY.md).
    expect(await db.secrets.count()).toBe(0);
  });

  it('never puts the API key in "Export my data" (PRIVACY.md)', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    await createConnectionStore(db, session).save(info, 'secret-api-key-123');
    await db.accounts.put({ account: 'sam@corp.test', firstSeenAt: 1, lastSeenAt: 1 });
    const centre = createPrivacyCentre({
      db,
      consent: createConsentStore(db, () => 1),
      nowMs: () => 1,
      connectionInfo: async () => info,
    });
    const exported = await centre.exportData('sam@corp.test');
    expect(exported).toContain('sam@corp.test');
    expect(exported).not.toContain('secret-api-key-123');
    expect(exported).not.toContain('crmKeyEncryption');
  });

  it('knows the connection last read, saved or cleared without reading the database, in a woken worker too', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    const store = createConnectionStore(db, session);
    expect(await store.lastKnown()).toBeNull();
    // Every field PRIVACY.md lists for the copy.
    const hubspotLike = {
      ...info,
      requestsPerMinute: 100,
      requestsPerWindow: 190,
      leads: false,
      tags: false,
    };
    await store.save(hubspotLike, 'the-secret-api-key');
    expect(await store.lastKnown()).toEqual(hubspotLike);
    // A worker Chrome started since, on a full disk: the database cannot be read, the copy can.
    db.close({ disableAutoOpen: true });
    const woken = createConnectionStore(db, session);
    await expect(woken.info()).rejects.toThrow();
    expect(await woken.lastKnown()).toEqual(hubspotLike);
    // Never the key.
    expect(await session.get('crmConnection')).toEqual(hubspotLike);
    expect(JSON.stringify(await session.get('crmConnection'))).not.toContain('the-secret-api-key');
    await db.open();
    // A change read from the database replaces the copy.
    const renamed = { ...info, accountName: 'Renamed' };
    await db.settings.put({ name: 'crmConnection', value: renamed });
    expect(await woken.info()).toEqual(renamed);
    await expect.poll(() => session.get('crmConnection')).toEqual(renamed);
    expect(await createConnectionStore(db, session).lastKnown()).toEqual(renamed);
    // Disconnecting forgets it everywhere.
    await woken.clear();
    expect(await woken.lastKnown()).toBeNull();
    expect(await session.get('crmConnection')).toBeUndefined();
    expect(await createConnectionStore(db, session).lastKnown()).toBeNull();
  });

  it('a read that began before a disconnect never puts the old connection back in the copy', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    await createConnectionStore(db, session).save(info, 'key');
    const store = createConnectionStore(db, session);
    // The read answers the connection as it was, but only after the disconnect has ended.
    const get = db.settings.get.bind(db.settings);
    let answer: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    db.settings.get = ((key: string) =>
      get(key).then(async (row) => {
        await held;
        return row;
      })) as typeof db.settings.get;
    const reading = store.info();
    db.settings.get = get as typeof db.settings.get;
    await store.clear();
    const copies: unknown[] = [];
    const set = session.set.bind(session);
    session.set = async (key, value) => {
      copies.push(value);
      return set(key, value);
    };
    answer();
    expect(await reading).toEqual(info);
    // A read decides on its copy as it answers (the write starts before it returns): none was made.
    expect(copies).toEqual([]);
    expect(await session.get('crmConnection')).toBeUndefined();
    expect(await store.lastKnown()).toBeNull();
  });

  it('a copy that could not be written is written again by the next read', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    await createConnectionStore(db, session).save(info, 'key');
    await session.remove('crmConnection');
    const set = session.set.bind(session);
    let fail = true;
    let refused: () => void = () => undefined;
    const wasRefused = new Promise<void>((resolve) => {
      refused = resolve;
    });
    session.set = async (key, value) => {
      if (fail) {
        refused();
        throw new Error('session storage refused');
      }
      return set(key, value);
    };
    const store = createConnectionStore(db, session);
    await store.info();
    // The copy is tried as the read answers, before it returns: already refused here.
    await wasRefused;
    expect(await session.get('crmConnection')).toBeUndefined();
    fail = false;
    // This read's own database read takes a task, so the refused copy has settled before it decides.
    await store.info();
    await expect.poll(() => session.get('crmConnection')).toEqual(info);
  });

  it('a copy that could not be written never brings back the connection it replaced', async () => {
    const { session } = createFakePlatform();
    const db = new ThreadlineDb(`conn-${Math.random()}`);
    const store = createConnectionStore(db, session);
    await store.save(info, 'key');
    // Only the copy's writes fail (the key's own are another matter).
    const { set, remove } = session;
    session.set = async (key, value) => {
      if (key === 'crmConnection') throw new Error('session storage refused');
      return set.call(session, key, value);
    };
    session.remove = async (key) => {
      if (key === 'crmConnection') throw new Error('session storage refused');
      return remove.call(session, key);
    };
    const other = { ...info, accountName: 'Other Co' };
    await store.save(other, 'key');
    expect(await store.lastKnown()).toEqual(other);
    // Disconnecting still ends, and the worker knows it is disconnected.
    await store.clear();
    expect(await store.lastKnown()).toBeNull();
    // The copy in storage still names the first connection: the next read of the database writes it again.
    expect(await session.get('crmConnection')).toEqual(info);
  });
});
