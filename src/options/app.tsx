import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../shared/message-key';
import { CacheLostNotice } from '../ui/cache-lost-notice';
import { t } from '../ui/i18n';
import { LoadFailed } from '../ui/load-failed';
import { StorageFullNotice } from '../ui/storage-full-notice';
import { AboutSection } from './about-section';
import { ConnectionSection } from './connection-section';
import { LoggingSection } from './logging-section';
import type { OptionsApi } from './options-api';
import { PrivacySection } from './privacy-section';
import { SECTIONS, type SectionId, useSection } from './use-section';
import { useSettingsState } from './use-settings';
import { useStorageNotices } from './use-storage-notices';

const TITLES: Record<SectionId, MessageKey> = {
  connection: 'setNavConnection',
  logging: 'setNavLogging',
  privacy: 'setNavPrivacy',
  about: 'setNavAbout',
};

/**
 * The settings page: a section nav (left; tabs across the top on narrow windows) and one section at
 * a time, chosen by the URL hash so other pages link straight to `#connection`, `#logging`,
 * `#privacy` or `#about`. Settings an admin policy decides are shown locked where they are.
 */
export function OptionsApp({ version, api }: { version: string; api: OptionsApi }) {
  const { answer: settings, error: settingsError, retry: retrySettings } = useSettingsState(api);
  const section = useSection();
  const storage = useStorageNotices(api);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  // Moving to another section puts focus on its heading, so keyboard and screen-reader users land
  // on what they chose (not on the first load: the page starts where the browser puts it).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [section]);

  return (
    <div class="settings-page">
      <header class="page-header">
        <img src="/icons/icon-32.png" alt="" width={32} height={32} />
        <h1>{t('setPageTitle')}</h1>
      </header>
      <nav class="section-nav" aria-label={t('setNavLabel')}>
        <ul>
          {SECTIONS.map((id) => (
            <li key={id}>
              <a href={`#${id}`} aria-current={id === section ? 'page' : undefined} data-testid={`nav-${id}`}>
                {t(TITLES[id])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="section-main" aria-labelledby="section-title">
        <h2 id="section-title" tabIndex={-1} ref={heading}>
          {t(TITLES[section])}
        </h2>
        {/* On every section: sync is paused for every account whatever the user came here for. */}
        {storage.lost && <CacheLostNotice testId="options-cache-lost" dismiss={storage.dismissLoss} />}
        {storage.full && <StorageFullNotice testId="options-storage-full" />}
        {/* A failed read (issue 12): the reason and "Try again", never an endless "Loading…". When
            settings were read before, they stay shown under it, possibly out of date. */}
        {settingsError !== null && (
          <LoadFailed
            error={settingsError}
            retry={retrySettings}
            testId="settings-error"
            retryTestId="settings-retry"
          />
        )}
        {settings === null ? (
          settingsError === null && <p aria-busy="true">{t('loading')}</p>
        ) : (
          <>
            {settings.warnings.length > 0 && (
              <div role="alert" class="banner banner-error" data-testid="policy-warnings">
                <p>{t('policyWarnings')}</p>
                <ul>
                  {settings.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </div>
            )}
            {settings.locked.length > 0 && (
              <p class="banner" data-testid="managed-note">
                {t('managedSettingsNote')}
              </p>
            )}
            <div data-testid={`section-${section}`}>
              {section === 'connection' && <ConnectionSection api={api} answer={settings} />}
              {section === 'logging' && <LoggingSection api={api} answer={settings} />}
              {section === 'privacy' && <PrivacySection api={api} answer={settings} />}
              {section === 'about' && <AboutSection version={version} />}
            </div>
          </>
        )}
      </main>
    </div>
  );
}
