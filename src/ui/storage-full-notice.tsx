import { t } from './i18n';
import { Icon } from './icon';

/**
 * "Sync is paused: out of storage space" (issue 17), the same words in the sidebar, the options page
 * and the popup: what happened, that nothing queued is lost, what to do, and that it resumes by
 * itself. A status region with an icon and a heading-weight line, so it does not rest on colour; the
 * banner colours of each page cover the light and the dark theme.
 */
export function StorageFullNotice({ testId }: { testId: string }) {
  return (
    <section role="status" class="banner storage-full" data-testid={testId}>
      <p>
        <Icon name="alert" size={14} /> <strong>{t('storageFullTitle')}</strong>
      </p>
      <p>{t('storageFullText')}</p>
    </section>
  );
}
