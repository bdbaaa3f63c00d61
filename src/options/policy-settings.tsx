import { useEffect, useState } from 'preact/hooks';
import type { ResponseOf } from '../shared/protocol';
import type { OptionsApi } from './options-api';
import { SETTINGS_CHANGED } from './user-settings';

type SettingsAnswer = ResponseOf<'getSettings'>;

export const SETTING_LABELS: Record<string, string> = {
  crmKind: 'CRM',
  crmBaseUrl: 'CRM address',
  extraAllowedCrmHosts: 'Extra allowed CRM hosts',
  allowedAccountDomains: 'Google accounts Threadline runs in',
  emailContentLevel: 'Email content that may be logged',
  defaultVisibility: 'Default visibility of logged email',
  autoLogDefault: 'Auto-log email by default',
  autoLogUserChangeable: 'Users may change auto-logging',
  neverLog: 'Never log',
  internalDomains: 'Internal domains',
  retentionDays: 'Keep cached Gmail data for (days)',
  prohibitedDataMode: 'Prohibited-data guard',
  blockInboxSdkTelemetry: 'Block the Gmail SDK’s telemetry',
  emailTrackingAllowed: 'Email open tracking allowed',
  disclosureTextUrl: 'Disclosure text',
};

function show(key: string, value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0 ? (key === 'allowedAccountDomains' ? 'All' : 'None') : value.join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (value === null || value === undefined || value === '')
    return key === 'crmKind' || key === 'crmBaseUrl' ? 'Your choice' : 'Default';
  return String(value);
}

/** The settings in force and where each comes from; admin-set ones are locked. Live on policy change. */
export function PolicySettings({ answer }: { answer: SettingsAnswer | null }) {
  if (!answer) return <p aria-busy="true">Loading…</p>;
  const locked = new Set(answer.locked);
  return (
    <>
      {answer.warnings.length > 0 && (
        <div role="alert" class="error" data-testid="policy-warnings">
          <p>Some values in your organisation’s policy were ignored; the rest apply:</p>
          <ul>
            {answer.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {locked.size > 0 && (
        <p data-testid="managed-note">
          Some settings are managed by your organisation and cannot be changed here.
        </p>
      )}
      <table class="settings" data-testid="settings-table">
        <tbody>
          {Object.entries(SETTING_LABELS).map(([key, label]) => (
            <tr key={key} data-setting={key} data-locked={locked.has(key) || undefined}>
              <th scope="row">{label}</th>
              <td>{show(key, answer.settings[key])}</td>
              <td>
                {locked.has(key) ? (
                  <span class="lock">Set by your administrator</span>
                ) : (
                  <span class="muted">Yours to choose</span>
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
