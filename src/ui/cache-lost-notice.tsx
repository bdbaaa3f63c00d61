import { t } from './i18n';
import { Icon } from './icon';
import { ActionStatus, useAction } from './use-action';

/**
 * "Threadline's data on this computer was lost" (issue 17, sync/cache-loss.ts), the same words in
 * the sidebar, the options page and the popup: what happened, what it may have cost (changes that
 * waited to be sent), what to check, and a button to say it was read. An alert: it is news the user
 * must not miss, and it stays until dismissed.
 */
export function CacheLostNotice({
  testId,
  dismiss,
}: {
  testId: string;
  dismiss: () => Promise<{ ok: true }>;
}) {
  const { busy, error, run } = useAction();
  return (
    <section role="alert" class="banner storage-full" data-testid={testId}>
      <p>
        <Icon name="alert" size={14} /> <strong>{t('cacheLostTitle')}</strong>
      </p>
      <p>{t('cacheLostText')}</p>
      <button type="button" disabled={busy} onClick={() => void run(dismiss, '')}>
        {t('cacheLostDismiss')}
      </button>
      <ActionStatus message={null} error={error} />
    </section>
  );
}
