/**
 * HubSpot ids at the adapter boundary. Records have digit-string ids (`"512"`): numbers inside
 * Threadline, strings again in requests. Pipelines and stages may have word ids (`default`,
 * `appointmentscheduled`): a word id becomes a stable negative number (a 52-bit hash, so it never
 * meets a digit id) and is turned back into the word through the pipelines the client has read.
 */
import { CrmError } from '../crm-error';

export function toNumberId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new CrmError('invalidResponse', `not a HubSpot id: ${id.slice(0, 40)}`);
  return Number(id);
}

/** A Threadline record id as HubSpot writes it. */
export function toHubspotId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new CrmError('invalidInput', `not a HubSpot id: ${id}`);
  return String(id);
}

const fnv = (text: string, seed: number): number => {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

/** A pipeline or stage id as a number: digits as they are, a word as a negative 52-bit hash. */
export function labelIdToNumber(id: string): number {
  if (/^\d{1,15}$/.test(id)) return Number(id);
  const high = fnv(id, 0x811c9dc5) & 0xfffff; // 20 bits
  const low = fnv(id, 0x01234567); // 32 bits
  return -(high * 2 ** 32 + low + 1);
}
