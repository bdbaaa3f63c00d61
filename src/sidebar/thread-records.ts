import type { RecordRef } from '../shared/crm-model';
import type { ContactCard } from '../shared/sidebar-port';
import type { ThreadExtras } from '../shared/thread-extras';
import { t } from '../ui/i18n';

export interface RecordChoice {
  ref: RecordRef;
  key: string;
  label: string;
}

const KIND: Record<RecordRef['type'], () => string> = {
  person: () => t('kindPerson'),
  company: () => t('kindCompany'),
  lead: () => t('kindLead'),
  opportunity: () => t('kindDeal'),
};

/** The records a thread can be linked, logged or noted to: its contacts, their companies and deals, and its links. */
export function threadRecords(cards: readonly ContactCard[], extras: ThreadExtras | null): RecordChoice[] {
  const out = new Map<string, RecordChoice>();
  const add = (type: RecordRef['type'], id: number, name: string) => {
    if (id <= 0) return; // still being created
    const key = `${type}:${id}`;
    if (!out.has(key)) out.set(key, { ref: { type, id }, key, label: t('recordLabel', KIND[type](), name) });
  };
  for (const link of extras?.links ?? []) add(link.type, link.id, link.title);
  for (const card of cards) {
    if (card.person) add('person', card.person.id, card.person.name);
    if (card.lead) add('lead', card.lead.id, card.lead.name);
    if (card.company) add('company', card.company.id, card.company.name);
    for (const d of card.deals) add('opportunity', d.deal.id, d.deal.name);
  }
  return [...out.values()];
}

export const refOfKey = (choices: readonly RecordChoice[], key: string): RecordRef | null =>
  choices.find((c) => c.key === key)?.ref ?? null;
