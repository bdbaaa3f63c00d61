import type { ThreadlineDb } from '../../db/threadline-db';
import type { ConnectionInfo } from '../../shared/protocol';
import { connectionInfoSchema } from '../../shared/protocol';
import type { KeyValueArea } from '../platform';

const INFO = 'crmConnection';
const KEY = 'crmKeyEncryption';
const SECRET = 'crmApiKey';
const SESSION_KEY = 'crmApiKey';
/** A copy of the connection (never the key) in `storage.session`, for a woken worker on a full disk. */
const SESSION_INFO = 'crmConnection';

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
   * The connection as last read, saved or cleared, without reading the database: what the toolbar
   * popup shows while a full disk keeps the database closed (issue 17). This worker's own reads
   * first; a worker Chrome started since then (it stops an idle one after 30 s, and a full disk
   * lasts longer) finds the copy in `storage.session`, kept in memory, which its reads leave there.
   */
  lastKnown(): Promise<ConnectionInfo | null>;
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

  // What this worker last read, saved or cleared (undefined until then): the truth it answers with.
  let known: ConnectionInfo | null | undefined;
  // What the session copy holds as far as this worker knows (JSON; undefined: not known), and the
  // copy being written now. A write that failed leaves `copied` unknown, never `known` wrong.
  let copied: string | undefined;
  let copying: string | undefined;
  // Moves on every save and clear: a read that began before one never overwrites what it wrote.
  let generation = 0;
  const copy = async (next: ConnectionInfo | null): Promise<void> => {
    const json = JSON.stringify(next);
    copied = undefined;
    copying = json;
    try {
      await (next ? session.set(SESSION_INFO, next) : session.remove(SESSION_INFO));
      if (copying === json) copied = json;
    } finally {
      if (copying === json) copying = undefined;
    }
  };
  const info = async (): Promise<ConnectionInfo | null> => {
    const began = generation;
    const parsed = connectionInfoSchema.safeParse((await db.settings.get(INFO))?.value);
    const read = parsed.success ? parsed.data : null;
    if (began === generation) {
      known = read;
      // The copy is written when this worker first reads it, when it changes, and after a write
      // that failed; not on every read, and off the caller's path (a lost copy costs only the
      // popup's fallback).
      const json = JSON.stringify(read);
      if (copied !== json && copying !== json) void copy(read).catch(() => undefined);
    }
    return read;
  };

  return {
    info,
    async lastKnown() {
      if (known !== undefined) return known;
      const copy = connectionInfoSchema.safeParse(await session.get(SESSION_INFO));
      return copy.success ? copy.data : null;
    },
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
      generation += 1;
      await db.transaction('rw', db.secrets, db.settings, async () => {
        await db.secrets.put({ name: SECRET, iv, ciphertext });
        await db.settings.put({ name: INFO, value: next });
      });
      known = next;
      // A copy that fails is written again by the next read; the connection is saved either way.
      await Promise.all([session.set(SESSION_KEY, apiKey), copy(next).catch(() => undefined)]);
    },
    async clear() {
      generation += 1;
      await db.transaction('rw', db.secrets, db.settings, async () => {
        await db.secrets.delete(SECRET);
        // The encryption key goes too: a later connection gets a new one.
        await db.secrets.delete(KEY);
        await db.settings.delete(INFO);
      });
      known = null;
      await Promise.all([session.remove(SESSION_KEY), copy(null).catch(() => undefined)]);
    },
  };
}
