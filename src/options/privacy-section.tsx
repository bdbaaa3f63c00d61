import { t } from '../ui/i18n';
import { SectionCard } from '../ui/section-card';
import { SelectRow, TextFieldRow } from '../ui/setting-rows';
import { ActionStatus, useAction } from '../ui/use-action';
import { AdminRows } from './admin-rows';
import type { OptionsApi } from './options-api';
import { PrivacyCentre } from './privacy-centre';
import { useEditableSetting } from './use-editable-setting';
import { SETTINGS_CHANGED, type SettingsAnswer } from './use-settings';

/**
 * Privacy & data: the Limited Use statement (once), retention and the prohibited-data guard (admin-set
 * ones locked in place), then the privacy centre: what is stored, consents, the audit log, export, delete.
 */
export function PrivacySection({ api, answer }: { api: OptionsApi; answer: SettingsAnswer }) {
  const { busy, message, error, run, fail } = useAction();
  const locked = new Set(answer.locked);
  const retentionField = useEditableSetting(
    String(answer.settings.retentionDays),
    locked.has('retentionDays'),
  );
  const guardField = useEditableSetting(
    String(answer.settings.prohibitedDataMode),
    locked.has('prohibitedDataMode'),
  );
  const [retention, setRetention] = [retentionField.value, retentionField.set];
  const [guard, setGuard] = [guardField.value, guardField.set];

  const save = async (event: Event) => {
    event.preventDefault();
    const days = Number(retention);
    if (!locked.has('retentionDays') && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      fail(t('usRetentionRange'));
      return;
    }
    const patch = {
      ...(locked.has('retentionDays') ? {} : { retentionDays: days }),
      ...(locked.has('prohibitedDataMode') ? {} : { prohibitedDataMode: guard as 'block' | 'warn' | 'off' }),
    };
    const result = await run(() => api.ask('setUserSettings', { patch }), t('saved'));
    if (result?.ok) {
      // What was sent (this closure's values): a field changed while the save was on its way stays edited.
      retentionField.saved(retention);
      guardField.saved(guard);
      window.dispatchEvent(new Event(SETTINGS_CHANGED));
    }
  };

  return (
    <>
      <SectionCard id="limited-use-card" title={t('setLimitedUseTitle')}>
        {/* Both forms, as reference/limited-use.md rule 10 requires: the Chrome Web Store's and Google's. */}
        <p class="statement" data-testid="limited-use">
          {t('limitedUseCws')}
        </p>
        <p class="statement" data-testid="limited-use-google">
          {t('limitedUseGoogle')}
        </p>
        <p>{t('privacySummary')}</p>
      </SectionCard>
      <SectionCard id="data-card" title={t('setDataCardTitle')}>
        <form class="rows" onSubmit={save} aria-labelledby="data-card-title" data-testid="privacy-settings">
          <TextFieldRow
            id="setting-retention"
            setting="retentionDays"
            label={t('usRetention')}
            description={t('setRetentionHelp')}
            inputMode="numeric"
            value={retention}
            locked={locked.has('retentionDays')}
            onInput={setRetention}
            testId="setting-retention"
          />
          <SelectRow
            id="setting-guard"
            setting="prohibitedDataMode"
            label={t('usGuard')}
            description={t('setGuardHelp')}
            value={guard}
            locked={locked.has('prohibitedDataMode')}
            options={[
              { value: 'block', label: t('usGuardBlock') },
              { value: 'warn', label: t('usGuardWarn') },
              { value: 'off', label: t('usGuardOff') },
            ]}
            onChange={setGuard}
            testId="setting-guard"
          />
          <AdminRows
            answer={answer}
            keys={[
              ['allowedAccountDomains', 'setAllowedAccountDomains'],
              ['blockInboxSdkTelemetry', 'setBlockInboxSdkTelemetry'],
              ['disclosureTextUrl', 'setDisclosureTextUrl'],
            ]}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy} data-testid="settings-save">
              {t('save')}
            </button>
          </div>
          <ActionStatus message={message} error={error} />
        </form>
      </SectionCard>
      <SectionCard id="stored-card" title={t('setStoredCardTitle')}>
        <PrivacyCentre api={api} />
      </SectionCard>
    </>
  );
}
