import { formatAgo } from '../../format';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

/** Sync status and last-sync time, with "Sync now". */
export function SyncFooter() {
  const status = useSidebarStore((s) => s.status);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  if (!status || status.health === 'notConnected' || !account) return null;
  const { sync } = status;
  const text = sync.running
    ? 'Syncing…'
    : sync.lastSyncAt !== null
      ? `Synced ${formatAgo(sync.lastSyncAt)}`
      : 'Not fully synced yet';
  return (
    <footer class="footer" data-testid="sync-footer">
      <span role="status" aria-live="polite">
        {text}
        {status.pendingWrites > 0
          ? ` · ${status.pendingWrites} change${status.pendingWrites === 1 ? '' : 's'} waiting to be sent`
          : ''}
      </span>
      <button
        type="button"
        class="link"
        disabled={sync.running}
        onClick={() => void ask('syncNow', { account })}
      >
        Sync now
      </button>
      {status.managed && (
        <span class="managed" data-testid="managed">
          Some settings are set by your administrator.
        </span>
      )}
    </footer>
  );
}
