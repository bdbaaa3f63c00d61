import { t } from './i18n';
import { Icon } from './icon';

/**
 * "Set by your administrator", shown in place beside a setting an admin policy decides. Its id lets
 * the disabled control name it in aria-describedby, so a screen reader says why it cannot change.
 */
export function LockedBadge({ id }: { id?: string }) {
  return (
    <span class="locked-badge" id={id} data-testid="locked-badge">
      <Icon name="shield" size={14} />
      {t('setByAdmin')}
    </span>
  );
}
