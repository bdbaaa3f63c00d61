import type { Participant } from '../../shared/protocol';

/**
 * One entry per address (case-insensitive), in first-seen order, keeping the first non-empty name.
 * Full normalisation (googlemail.com, display-name parsing) belongs to contact lookup.
 */
export function dedupeParticipants(participants: Iterable<Participant>): Participant[] {
  const byAddress = new Map<string, Participant>();
  for (const { name, address } of participants) {
    const trimmed = address.trim();
    if (trimmed === '') continue;
    const key = trimmed.toLowerCase();
    const seen = byAddress.get(key);
    if (!seen) byAddress.set(key, { name: name.trim(), address: trimmed });
    else if (seen.name === '' && name.trim() !== '') seen.name = name.trim();
  }
  return [...byAddress.values()];
}
