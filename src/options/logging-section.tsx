import { t } from '../ui/i18n';
import { SectionCard } from '../ui/section-card';
import { SelectRow, SwitchRow, TextFieldRow } from '../ui/setting-rows';
import { ActionStatus, useAction } from '../ui/use-action';
import { AdminRows } from './admin-rows';
import type { OptionsApi } from './options-api';
import { useEditableSetting } from './use-editable-setting';
import { SETTINGS_CHANGED, type SettingsAnswer } from './use-settings';

const ADDRESS_OR_DOMAIN = /^([^\s@]+@)?([a-z0-9-]+\.)+[a-z0-9-]{2,}$/;

/** What is logged to the CRM: content level, auto-logging, never-log list; admin-set ones locked in place. */
export function LoggingSection({ api, answer }: { api: OptionsApi; answer: SettingsAnswer }) {
  const { busy, message, error, run, fail } = useAction();
  const locked = new Set(answer.locked);
  const s = answer.settings;
  const levelField = useEditableSetting(String(s.emailContentLevel), locked.has('emailContentLevel'));
  const autoLogField = useEditableSetting(s.autoLogDefault === true, locked.has('autoLogDefault'));
  const neverLogField = useEditableSetting(
    Array.isArray(s.neverLog) ? s.neverLog.join(', ') : '',
    locked.has('neverLog'),
  );
  const [level, setLevel] = [levelField.value, levelField.set];
  const [autoLog, setAutoLog] = [autoLogField.value, autoLogField.set];
  const [neverLog, setNeverLog] = [neverLogField.value, neverLogField.set];

  const save = async (event: Event) => {
    event.preventDefault();
    const entries = neverLog
      .split(/[\s,;]+/)
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
    const bad = locked.has('neverLog') ? undefined : entries.find((v) => !ADDRESS_OR_DOMAIN.test(v));
    if (bad) {
      fail(t('usNotAddressOrDomain', bad));
      return;
    }
    const patch = {
      ...(locked.has('emailContentLevel')
        ? {}
        : { emailContentLevel: level as 'none' | 'metadata' | 'full' }),
      ...(locked.has('autoLogDefault') ? {} : { autoLogDefault: autoLog }),
      ...(locked.has('neverLog') ? {} : { neverLog: entries }),
    };
    const result = await run(() => api.ask('setUserSettings', { patch }), t('saved'));
    if (result?.ok) {
      // What was sent (this closure's values): a field changed while the save was on its way stays edited.
      levelField.saved(level);
      autoLogField.saved(autoLog);
      neverLogField.saved(neverLog);
      window.dispatchEvent(new Event(SETTINGS_CHANGED));
    }
  };

  return (
    <SectionCard id="logging-card" title={t('setLoggingCardTitle')} description={t('setLoggingIntro')}>
      <form class="rows" onSubmit={save} aria-labelledby="logging-card-title" data-testid="logging-settings">
        <SelectRow
          id="setting-level"
          setting="emailContentLevel"
          label={t('usLevel')}
          description={t('setLevelHelp')}
          value={level}
          locked={locked.has('emailContentLevel')}
          options={[
            { value: 'none', label: t('usLevelNone') },
            { value: 'metadata', label: t('usLevelMetadata') },
            { value: 'full', label: t('usLevelFull') },
          ]}
          onChange={setLevel}
          testId="setting-level"
        />
        <SwitchRow
          id="setting-autolog"
          setting="autoLogDefault"
          label={t('autoLogToggle')}
          description={t('setAutoLogHelp')}
          checked={autoLog}
          locked={locked.has('autoLogDefault')}
          onChange={setAutoLog}
          testId="setting-autolog"
        />
        <TextFieldRow
          id="setting-neverlog"
          setting="neverLog"
          label={t('setNeverLog')}
          description={t('setNeverLogHelp')}
          value={neverLog}
          locked={locked.has('neverLog')}
          onInput={setNeverLog}
          testId="setting-neverlog"
        />
        <AdminRows
          answer={answer}
          keys={[
            ['autoLogUserChangeable', 'setAutoLogUserChangeable'],
            ['internalDomains', 'setInternalDomains'],
            ['emailTrackingAllowed', 'setEmailTrackingAllowed'],
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
  );
}
