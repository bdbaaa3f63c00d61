import { t } from '../ui/i18n';
import { ConnectCrm } from './connect-crm';
import type { OptionsApi } from './options-api';
import { PolicySettings, useSettings } from './policy-settings';
import { PrivacyCentre } from './privacy-centre';
import { UserSettings } from './user-settings';

export function OptionsApp({ version, api }: { version: string; api: OptionsApi }) {
  const settings = useSettings(api);
  return (
    <main class="options">
      <header>
        <h1>{t('appTitle')}</h1>
        <p class="version">{t('optVersion', version)}</p>
      </header>
      <section aria-labelledby="connect-title">
        <h2 id="connect-title">{t('optConnectTitle')}</h2>
        <ConnectCrm api={api} settings={settings} />
      </section>
      <section aria-labelledby="settings-title">
        <h2 id="settings-title">{t('optSettingsTitle')}</h2>
        <UserSettings api={api} answer={settings} />
        <PolicySettings answer={settings} />
      </section>
      <section aria-labelledby="about-title">
        <h2 id="about-title">{t('optAboutTitle')}</h2>
        <p>{t('optAboutText')}</p>
      </section>
      <section aria-labelledby="privacy-title">
        <h2 id="privacy-title">{t('optPrivacyTitle')}</h2>
        <PrivacyCentre api={api} />
      </section>
    </main>
  );
}
