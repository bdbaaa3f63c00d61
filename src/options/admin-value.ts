import { t } from '../ui/i18n';

/** A policy value as words, for a setting only an administrator can set. */
export function adminValue(key: string, value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0
      ? key === 'allowedAccountDomains'
        ? t('valAll')
        : t('valNone')
      : value.join(', ');
  if (typeof value === 'boolean') return value ? t('valYes') : t('valNo');
  return String(value ?? '');
}
