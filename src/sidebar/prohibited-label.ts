import type { ProhibitedKind } from '../shared/card-numbers';
import { t } from '../ui/i18n';

/** "a payment card number", in the user's language. */
export function prohibitedLabel(kind: ProhibitedKind): string {
  switch (kind) {
    case 'card':
      return t('prohibitedCard');
    case 'ssn':
      return t('prohibitedSsn');
    case 'iban':
      return t('prohibitedIban');
    case 'routing':
      return t('prohibitedRouting');
  }
}
