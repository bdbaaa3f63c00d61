import { formatCount } from '../../format';
import { ask, openSettings } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

const ENTITY_LABEL: Record<string, string> = {
  users: 'teammates',
  pipelines: 'pipelines',
  companies: 'companies',
  people: 'people',
  leads: 'leads',
  opportunities: 'deals',
  tasks: 'tasks',
  threadMarks: 'links and logged e-mail',
};

/** Not connected, bad credentials, CRM unreachable, rate-limited, initial sync progress, failed writes. */
export function ConnectionStatus() {
  const status = useSidebarStore((s) => s.status);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  if (!status) return null;
  if (status.health === 'notConnected') {
    return (
      <section class="panel" aria-labelledby="connect-title" data-testid="not-connected">
        <h2 id="connect-title">Connect your CRM</h2>
        <p>
          Threadline shows who you are emailing from your CRM. Connect the local demo CRM or Copper to start.
        </p>
        <button type="button" class="primary" onClick={openSettings}>
          Open settings
        </button>
      </section>
    );
  }
  const { sync } = status;
  return (
    <>
      {status.health === 'unauthorized' && (
        <section role="alert" class="banner error-banner" data-testid="health-unauthorized">
          <p>{status.message}</p>
          <button type="button" onClick={openSettings}>
            Open settings
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
            {sync.running ? 'Syncing' : 'Sync paused:'} {ENTITY_LABEL[sync.entity ?? ''] ?? sync.entity}{' '}
            {formatCount(sync.fetched)}
            {sync.total !== null ? ` of ${formatCount(sync.total)}` : ''}
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
            {status.failedWrites === 1 ? '1 change' : `${status.failedWrites} changes`} could not be saved to
            the CRM.
          </p>
          {(status.failedReasons ?? []).length > 0 && (
            <ul data-testid="failed-reasons">
              {(status.failedReasons ?? []).map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => void ask('retryWrites', { account })}>
            Try again
          </button>
        </section>
      )}
    </>
  );
}
