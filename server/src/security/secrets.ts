import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A new API key: 128 random bits from the CSPRNG, as 32 hex characters (the shape of a Copper key).
 * Keys used to be a hash of a fixed seed and the e-mail, so anyone could compute them from the
 * source (issue 14).
 */
export const newApiKey = (): string => randomBytes(16).toString('hex');

/** A new admin token: 256 random bits. */
export const newAdminToken = (): string => randomBytes(32).toString('hex');

/**
 * What the database keeps instead of a secret. The secrets are long random strings, so a fast hash
 * is enough (no dictionary to guess from); a copy of the SQLite file does not give a working key.
 */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Compares a presented secret with a stored hash in constant time. */
export function matchesHash(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
