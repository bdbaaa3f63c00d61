import type { MessageKey } from '../shared/message-key';
import type { Settings } from '../shared/settings';
import { t } from '../ui/i18n';
import { ReadOnlyRow } from '../ui/setting-rows';
import { adminValue } from './admin-value';
import type { SettingsAnswer } from './use-settings';

/**
 * Settings only an administrator can set (the user has no control for them), shown in the section
 * they belong to, each with its lock note, and only when the policy sets them.
 */
export function AdminRows({
  answer,
  keys,
}: {
  answer: SettingsAnswer;
  keys: readonly (readonly [setting: keyof Settings, label: MessageKey])[];
}) {
  const shown = keys.filter(([key]) => answer.locked.includes(key));
  if (shown.length === 0) return null;
  return (
    <div class="admin-rows" data-testid="admin-rows">
      {shown.map(([key, label]) => (
        <ReadOnlyRow
          key={key}
          id={`admin-${key}`}
          setting={key}
          label={t(label)}
          value={adminValue(key, answer.settings[key])}
        />
      ))}
    </div>
  );
}
