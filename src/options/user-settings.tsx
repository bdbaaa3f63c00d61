import { useEffect, useState } from 'preact/hooks';
import type { ResponseOf } from '../shared/protocol';
import { t } from '../ui/i18n';
import { ActionStatus, useAction } from '../ui/use-action';
import type { OptionsApi } from './options-api';

type SettingsAnswer = ResponseOf<'getSettings'>;
export const SETTINGS_CHANGED = 'threadline-settings-changed';

/** The settings a user may choose, where the admin policy leaves them free. */
export function UserSettings({ api, answer }: { api: OptionsApi; answer: SettingsAnswer | null }) {
  const [level, setLevel] = useState('metadata');
  const [autoLog, setAutoLog] = useState(false);
  const [neverLog, setNeverLog] = useState('');
  const [retention, setRetention] = useState('30');
  const [guard, setGuard] = useState('warn');
  const { message, error, run, fail } = useAction();

  useEffect(() => {
    if (!answer) return;
    const s = answer.settings;
    setLevel(String(s.emailContentLevel));
    setAutoLog(s.autoLogDefault === true);
    setNeverLog(Array.isArray(s.neverLog) ? s.neverLog.join(', ') : '');
    setRetention(String(s.retentionDays));
    setGuard(String(s.prohibitedDataMode));
  }, [answer]);

  if (!answer) return null;
  const locked = new Set(answer.locked);
  const free = (key: string) => !locked.has(key);
  const save = async (event: Event) => {
    event.preventDefault();
    const days = Number(retention);
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      fail(t('usRetentionRange'));
      return;
    }
    const entries = neverLog
      .split(/[\s,;]+/)
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
    const bad = entries.find((v) => !/^([^\s@]+@)?([a-z0-9-]+\.)+[a-z0-9-]{2,}$/.test(v));
    if (bad) {
      fail(t('usNotAddressOrDomain', bad));
      return;
    }
    const patch = {
      ...(free('emailContentLevel') ? { emailContentLevel: level as 'none' | 'metadata' | 'full' } : {}),
      ...(free('autoLogDefault') ? { autoLogDefault: autoLog } : {}),
      ...(free('neverLog') ? { neverLog: entries } : {}),
      ...(free('retentionDays') ? { retentionDays: days } : {}),
      ...(free('prohibitedDataMode') ? { prohibitedDataMode: guard as 'block' | 'warn' | 'off' } : {}),
    };
    const result = await run(() => api.ask('setUserSettings', { patch }), t('saved'));
    if (result?.ok) window.dispatchEvent(new Event(SETTINGS_CHANGED));
  };

  return (
    <form
      class="user-settings"
      onSubmit={save}
      aria-labelledby="your-settings-title"
      data-testid="user-settings"
    >
      <h3 id="your-settings-title">{t('usTitle')}</h3>
      <label>
        {t('usLevel')}
        <select
          value={level}
          disabled={!free('emailContentLevel')}
          onChange={(e) => setLevel((e.target as HTMLSelectElement).value)}
          data-testid="setting-level"
        >
          <option value="none">{t('usLevelNone')}</option>
          <option value="metadata">{t('usLevelMetadata')}</option>
          <option value="full">{t('usLevelFull')}</option>
        </select>
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={autoLog}
          disabled={!free('autoLogDefault')}
          onChange={(e) => setAutoLog((e.target as HTMLInputElement).checked)}
          data-testid="setting-autolog"
        />
        {t('autoLogToggle')}
      </label>
      <label>
        {t('usNeverLog')}
        <input
          value={neverLog}
          disabled={!free('neverLog')}
          onInput={(e) => setNeverLog((e.target as HTMLInputElement).value)}
          data-testid="setting-neverlog"
        />
      </label>
      <label>
        {t('usRetention')}
        <input
          value={retention}
          inputMode="numeric"
          disabled={!free('retentionDays')}
          onInput={(e) => setRetention((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t('usGuard')}
        <select
          value={guard}
          disabled={!free('prohibitedDataMode')}
          onChange={(e) => setGuard((e.target as HTMLSelectElement).value)}
        >
          <option value="block">{t('usGuardBlock')}</option>
          <option value="warn">{t('usGuardWarn')}</option>
          <option value="off">{t('usGuardOff')}</option>
        </select>
      </label>
      <button type="submit" data-testid="settings-save">
        {t('save')}
      </button>
      <ActionStatus message={message} error={error} />
    </form>
  );
}
