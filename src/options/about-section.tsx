import { t } from '../ui/i18n';
import { OpenGmailLink } from '../ui/open-gmail-link';
import { SectionCard } from '../ui/section-card';

/** What Threadline does, its version, and the ways back to Gmail and to the set-up guide. */
export function AboutSection({ version }: { version: string }) {
  return (
    <>
      <SectionCard id="about-card" title={t('setAboutCardTitle')}>
        <p class="muted" data-testid="version">
          {t('optVersion', version)}
        </p>
        <p>{t('optAboutText')}</p>
      </SectionCard>
      <SectionCard id="links-card" title={t('setLinksTitle')}>
        <div class="actions">
          <OpenGmailLink primary newTab />
          <a class="button" href="/src/welcome/index.html" data-testid="open-welcome">
            {t('setOpenWelcome')}
          </a>
        </div>
      </SectionCard>
    </>
  );
}
