import type { ThreadlineDb } from '../../db/threadline-db';
import type { ConnectionInfo } from '../../shared/protocol';
import { connectionInfoSchema } from '../../shared/protocol';
import type { KeyValueArea } from '../platform';

const INFO = 'crmConnection';
const KEY = 'crmKeyEncryption';
const SECRET = 'crmApiKey';
const SESSION_KEY = 'crmApiKey';

export interface Credentials {
  info: ConnectionInfo;
  apiKey: string;
}

/**
 * The CRM connection. The live API key sits in `storage.session` (memory, trusted contexts only,
 * cleared with the browser). A copy survives restarts in IndexedDB, AES-GCM encrypted under a
 * non-extractable WebCrypto key stored in the SAME database: no script can read that key's bytes, so
 * a storage dump or export never shows the API key in plain text; but the browser keeps the key
 * material in the profile on disk, so this is not protection against someone who can read the
 * profile (PRIVACY.md says so). At rest, the operating system's account and disk encryption protect it.
 */
export interface ConnectionStore {
  info(): Promise<ConnectionInfo | null>;
  /**
   * The connection as this worker last read, saved or cleared it, without reading the database:
   * what the toolbar popup shows while a full disk keeps the database closed (issue 17). Null when
   * this worker has not read it yet.
   */
  lastKnown(): ConnectionInfo | null;
  credentials(): Promise<Credentials | null>;
  save(info: ConnectionInfo, apiKey: string): Promise<void>;
  clear(): Promise<void>;
}

export function createConnectionStore(
  db: ThreadlineDb,
  session: KeyValueArea,
  crypto: Crypto = globalThis.crypto,
): ConnectionStore {
  async function encryptionKey(): Promise<CryptoKey> {
    const existing = await db.secrets.get(KEY);
    if (existing?.key) return existing.key;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    await db.secrets.put({ name: KEY, key });
    return key;
  }

  let known: ConnectionInfo | null = null;
  const info = async (): Promise<ConnectionInfo | null> => {
    const parsed = connectionInfoSchema.safeParse((await db.settings.get(INFO))?.value);
    known = parsed.success ? parsed.data : null;
    return known;
  };

  return {
    info,
    lastKnown: () => known,
    async credentials() {
      const saved = await info();
      if (!saved) return null;
      const live = await session.get(SESSION_KEY);
      if (typeof live === 'string' && live !== '') return { info: saved, apiKey: live };
      const secret = await db.secrets.get(SECRET);
      if (!secret?.iv || !secret.ciphertext) return null;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: secret.iv },
          await encryptionKey(),
          secret.ciphertext,
        );
        const apiKey = new TextDecoder().decode(plain);
        await session.set(SESSION_KEY, apiKey);
        return { info: saved, apiKey };
      } catch {
        return null; // a key that cannot be decrypted is no key: the user reconnects
      }
    },
    async save(next, apiKey) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv },
        await encryptionKey(),
        new TextEncoder().encode(apiKey),
      );
      await db.transaction('rw', db.secrets, db.settings, async () => {
        await db.secrets.put({ name: SECRET, iv, ciphertext });
        await db.settings.put({ name: INFO, value: next });
      });
      known = next;
      await session.set(SESSION_KEY, apiKey);
    },
    async clear() {
      await db.transaction('rw', db.secrets, db.settings, async () => {
        await db.secrets.delete(SECRET);
        // The encryption key goes too: a later connection gets a new one.
        await db.secrets.delete(KEY);
        await db.settings.delete(INFO);
      });
      known = null;
      await session.remove(SESSION_KEY);
    },
  };
}
