import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../shared/message-key';
import type { ResponseOf } from '../shared/protocol';
import { t } from '../ui/i18n';
import type { OptionsApi } from './options-api';
import { SETTINGS_CHANGED } from './user-settings';

type SettingsAnswer = ResponseOf<'getSettings'>;

export const SETTING_LABELS: Record<string, MessageKey> = {
  crmKind: 'setCrmKind',
  crmBaseUrl: 'setCrmBaseUrl',
  extraAllowedCrmHosts: 'setExtraAllowedCrmHosts',
  allowedAccountDomains: 'setAllowedAccountDomains',
  emailContentLevel: 'setEmailContentLevel',
  autoLogDefault: 'setAutoLogDefault',
  autoLogUserChangeable: 'setAutoLogUserChangeable',
  neverLog: 'setNeverLog',
  internalDomains: 'setInternalDomains',
  retentionDays: 'setRetentionDays',
  prohibitedDataMode: 'setProhibitedDataMode',
  blockInboxSdkTelemetry: 'setBlockInboxSdkTelemetry',
  emailTrackingAllowed: 'setEmailTrackingAllowed',
  disclosureTextUrl: 'setDisclosureTextUrl',
};

function show(key: string, value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0
      ? key === 'allowedAccountDomains'
        ? t('valAll')
        : t('valNone')
      : value.join(', ');
  if (typeof value === 'boolean') return value ? t('valYes') : t('valNo');
  if (value === null || value === undefined || value === '')
    return key === 'crmKind' || key === 'crmBaseUrl' ? t('valYourChoice') : t('valDefault');
  return String(value);
}

/** The settings in force and where each comes from; admin-set ones are locked. Live on policy change. */
export function PolicySettings({ answer }: { answer: SettingsAnswer | null }) {
  if (!answer) return <p aria-busy="true">{t('loading')}</p>;
  const locked = new Set(answer.locked);
  return (
    <>
      {answer.warnings.length > 0 && (
        <div role="alert" class="error" data-testid="policy-warnings">
          <p>{t('policyWarnings')}</p>
          <ul>
            {answer.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {locked.size > 0 && <p data-testid="managed-note">{t('managedSettingsNote')}</p>}
      <table class="settings" data-testid="settings-table">
        <tbody>
          {Object.entries(SETTING_LABELS).map(([key, label]) => (
            <tr key={key} data-setting={key} data-locked={locked.has(key) || undefined}>
              <th scope="row">{t(label)}</th>
              <td>{show(key, answer.settings[key])}</td>
              <td>
                {locked.has(key) ? (
                  <span class="lock">{t('setByAdmin')}</span>
                ) : (
                  <span class="muted">{t('yoursToChoose')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Settings from the worker, fetched again whenever Chrome reports a policy change. */
export function useSettings(api: OptionsApi): SettingsAnswer | null {
  const [answer, setAnswer] = useState<SettingsAnswer | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      void api.getSettings().then((next) => {
        if (live) setAnswer(next);
      });
    load();
    // The worker re-reads the policy on the same event; give it a moment before asking.
    const unsubscribe = api.onPolicyChanged(() => setTimeout(load, 150));
    window.addEventListener(SETTINGS_CHANGED, load);
    return () => {
      live = false;
      unsubscribe();
      window.removeEventListener(SETTINGS_CHANGED, load);
    };
  }, [api]);
  return answer;
}
