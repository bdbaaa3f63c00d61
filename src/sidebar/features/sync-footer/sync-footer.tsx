import { useEffect, useReducer } from 'preact/hooks';
import { formatAgo } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

/**
 * How often "Synced 3 minutes ago" is worked out again. The footer renders when the status changes,
 * not on every view (store.ts keeps an equal status as it was), so the age needs its own clock:
 * offline or while sync fails, the status can stay the same for as long as the cache grows old.
 */
export const AGE_REFRESH_MS = 30_000;

/** Sync status and last-sync time, with "Sync now". */
export function SyncFooter() {
  const status = useSidebarStore((s) => s.status);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const { busy, error, run } = useAction();
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const showsAge = status?.sync.lastSyncAt != null && !status.sync.running;
  useEffect(() => {
    if (!showsAge) return;
    const timer = setInterval(() => tick(0), AGE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [showsAge]);
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
