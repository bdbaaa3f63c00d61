import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { OptionsApi } from '../options/options-api';
import { useSettingsState } from '../options/use-settings';
import type { ConnectionInfo, CrmKind } from '../shared/protocol';
import { ConnectForm, CRM_LABELS } from '../ui/connect-form';
import { t } from '../ui/i18n';
import { Icon } from '../ui/icon';
import { LoadFailed } from '../ui/load-failed';
import { OpenGmailLink } from '../ui/open-gmail-link';

const SETTINGS_CONNECTION = '/src/options/index.html#connection';

function Step({
  n,
  title,
  done,
  children,
  testId,
}: {
  n: number;
  title: string;
  done: boolean;
  children: ComponentChildren;
  testId: string;
}) {
  return (
    <li class={done ? 'step step-done' : 'step'} aria-labelledby={`step-${n}-title`} data-testid={testId}>
      <h2 id={`step-${n}-title`} class="step-title">
        <span class="step-number">{t('welcomeStep', n)}</span>
        <span>{title}</span>
        {done && (
          <span class="step-check" data-testid={`${testId}-done`}>
            <Icon name="check" />
            {t('welcomeStepDone')}
          </span>
        )}
      </h2>
      {children}
    </li>
  );
}

/**
 * The first-run page (opened once on install, src/background/welcome.ts): connect the CRM with the
 * same form as the settings, then open Gmail. When an admin policy already chose the CRM, it says
 * so and goes straight to "Open Gmail".
 */
export function WelcomeApp({ api }: { api: OptionsApi }) {
  const { answer: settings, error: settingsError, retry: retrySettings } = useSettingsState(api);
  const [info, setInfo] = useState<ConnectionInfo | null>(null);
  const adminCrm = settings?.locked.includes('crmKind') ? (settings.settings.crmKind as CrmKind) : null;

  return (
    <main class="welcome">
      <header class="page-header">
        <img src="/icons/icon-48.png" alt="" width={48} height={48} />
        <h1>{t('welcomePageTitle')}</h1>
      </header>
      <p class="lead">{t('welcomeIntro')}</p>
      {settings === null ? (
        settingsError === null ? (
          <p aria-busy="true">{t('loading')}</p>
        ) : (
          <LoadFailed error={settingsError} retry={retrySettings} testId="settings-error" />
        )
      ) : adminCrm !== null ? (
        <>
          <p class="banner" data-testid="welcome-admin">
            {t('welcomeAdminSet', t(CRM_LABELS[adminCrm]))}
          </p>
          <ol class="steps" aria-label={t('welcomeStepsLabel')}>
            <Step n={1} title={t('welcomeStepGmail')} done={false} testId="step-gmail">
              <p>{t('welcomeStepGmailHelp')}</p>
              <p class="muted">
                {t('welcomeAdminKey')} <a href={SETTINGS_CONNECTION}>{t('welcomeOpenSettings')}</a>
              </p>
              <OpenGmailLink primary />
            </Step>
          </ol>
        </>
      ) : (
        <ol class="steps" aria-label={t('welcomeStepsLabel')}>
          <Step n={1} title={t('welcomeStepConnect')} done={info !== null} testId="step-connect">
            <p class="muted">{t('welcomeStepConnectHelp')}</p>
            <ConnectForm api={api} settings={settings} labelledBy="step-1-title" onConnected={setInfo} />
          </Step>
          <Step n={2} title={t('welcomeStepGmail')} done={false} testId="step-gmail">
            <p>{t('welcomeStepGmailHelp')}</p>
            {info === null && <p class="muted">{t('welcomeGmailFirst')}</p>}
            <OpenGmailLink primary={info !== null} />
          </Step>
        </ol>
      )}
      <p class="muted footer">
        {t('welcomeLater')} <a href="/src/options/index.html">{t('welcomeOpenSettings')}</a>
      </p>
    </main>
  );
}
