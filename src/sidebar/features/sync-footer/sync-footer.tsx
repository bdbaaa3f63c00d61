import { formatAgo } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

/** Sync status and last-sync time, with "Sync now". */
export function SyncFooter() {
  const status = useSidebarStore((s) => s.status);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  // Each view renders the footer again, so "Synced 3 minutes ago" is worked out anew as the user
  // moves between threads even when the status is unchanged (store.ts then keeps it as it was). Not
  // on a timer: the text is a live region, and a screen reader would read the age out every minute.
  useSidebarStore((s) => s.thread?.seq);
  const { busy, error, run } = useAction();
  if (!status || status.health === 'notConnected' || !account) return null;
  const { sync } = status;
  const text = sync.running
    ? t('syncing')
    : sync.lastSyncAt !== null
      ? t('syncedAgo', formatAgo(sync.lastSyncAt))
      : t('notSyncedYet');
  return (
    <footer class="footer" data-testid="sync-footer">
      <span role="status" aria-live="polite">
        {text}
        {status.pendingWrites > 0
          ? status.pendingWrites === 1
            ? t('changesWaitingOne')
            : t('changesWaitingMany', status.pendingWrites)
          : ''}
      </span>
      <button
        type="button"
        class="link"
        disabled={sync.running || busy}
        onClick={() => void run(() => ask('syncNow', { account }), '')}
      >
        <Icon name="refresh" size={14} />
        {t('syncNow')}
      </button>
      <ActionStatus message={null} error={error} />
      {(sync.skipped ?? 0) > 0 && (
        <span class="skipped" data-testid="sync-skipped">
          {t('syncSkipped', sync.skipped ?? 0)}
        </span>
      )}
      {status.managed && (
        <span class="managed" data-testid="managed">
          {t('managedNote')}
        </span>
      )}
    </footer>
  );
}
