import { CacheLostNotice } from '../../../ui/cache-lost-notice';
import { formatCount } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { StorageFullNotice } from '../../../ui/storage-full-notice';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { ask, openSettings } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

const ENTITY_LABEL: Record<string, () => string> = {
  users: () => t('entityTeammates'),
  pipelines: () => t('entityPipelines'),
  companies: () => t('entityCompanies'),
  people: () => t('entityPeople'),
  leads: () => t('entityLeads'),
  opportunities: () => t('entityDeals'),
  tasks: () => t('entityTasks'),
  threadMarks: () => t('entityThreadMarks'),
};

/** "Try again" for failed writes, through the shared action status (a refusal is shown, never lost). */
function RetryWrites({ account }: { account: string }) {
  const { busy, error, run } = useAction();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => void run(() => ask('retryWrites', { account }), '')}
      >
        {t('tryAgain')}
      </button>
      <ActionStatus message={null} error={error} />
    </>
  );
}

/**
 * Not connected, bad credentials, CRM unreachable, rate-limited, sync paused for lack of storage,
 * initial sync progress, failed writes.
 */
export function ConnectionStatus() {
  const status = useSidebarStore((s) => s.status);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  if (!status) return null;
  const lost = status.cacheLost === true && (
    <CacheLostNotice testId="cache-lost" dismiss={() => ask('dismissCacheLoss', {})} />
  );
  if (status.health === 'notConnected') {
    return (
      <>
        {lost}
        <section class="panel" aria-labelledby="connect-title" data-testid="not-connected">
          <h2 id="connect-title">{t('connectTitle')}</h2>
          <p>{t('connectText')}</p>
          <button type="button" class="primary" onClick={openSettings}>
            <Icon name="settings" />
            {t('openSettings')}
          </button>
        </section>
      </>
    );
  }
  const { sync } = status;
  return (
    <>
      {lost}
      {status.storageFull === true && <StorageFullNotice testId="storage-full" />}
      {(status.health === 'unauthorized' || status.health === 'policyBlocked') && (
        <section role="alert" class="banner error-banner" data-testid={`health-${status.health}`}>
          <p>{status.message}</p>
          <button type="button" onClick={openSettings}>
            {t('openSettings')}
          </button>
        </section>
      )}
      {(status.health === 'unreachable' || status.health === 'rateLimited' || status.health === 'server') && (
        <p role="status" class="banner" data-testid={`health-${status.health}`}>
          {status.message}
        </p>
      )}
      {sync.initial && (
        <div class="progress" data-testid="sync-progress">
          <label for="sync-bar">
            {t(
              sync.running ? 'syncProgressRunning' : 'syncProgressPaused',
              ENTITY_LABEL[sync.entity ?? '']?.() ?? sync.entity ?? '',
              sync.total !== null
                ? t('ofTotal', formatCount(sync.fetched), formatCount(sync.total))
                : formatCount(sync.fetched),
            )}
          </label>
          <progress
            id="sync-bar"
            max={sync.total ?? undefined}
            value={sync.total !== null ? sync.fetched : undefined}
          />
        </div>
      )}
      {status.failedWrites > 0 && account && (
        <section role="alert" class="banner error-banner" data-testid="failed-writes">
          <p>
            {status.failedWrites === 1
              ? t('failedWritesOne')
              : t('failedWritesMany', formatCount(status.failedWrites))}
          </p>
          {(status.failedReasons ?? []).length > 0 && (
            <ul data-testid="failed-reasons">
              {(status.failedReasons ?? []).map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
          <RetryWrites account={account} />
        </section>
      )}
    </>
  );
}
