/**
 * The toolbar popup (issue 18): is Threadline connected, and to which CRM; for each Gmail account,
 * is it syncing, when did it last sync, what waits to be sent and what failed; "Sync now", "Try
 * again", "Open Gmail", "Settings". The status is re-read every `pollMs` while the popup is open
 * (one request at a time, the next after the answer): a popup lives for seconds, and a read is a few
 * IndexedDB lookups in the worker, so polling is simpler than a port and as current.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CrmKind } from '../shared/protocol';
import type { StatusView } from '../shared/status-view';
import { CacheLostNotice } from '../ui/cache-lost-notice';
import { formatCount, formatDateTime } from '../ui/format';
import { type MessageKey, t } from '../ui/i18n';
import { Icon } from '../ui/icon';
import { StorageFullNotice } from '../ui/storage-full-notice';
import { ActionStatus, failureText, useAction } from '../ui/use-action';
import type { Overview, PopupApi } from './popup-api';

const CRM_NAMES: Record<CrmKind, MessageKey> = {
  local: 'popupCrmLocal',
  copper: 'popupCrmCopper',
  hubspot: 'popupCrmHubspot',
};
const ENTITY_LABELS: Record<string, MessageKey> = {
  users: 'entityTeammates',
  pipelines: 'entityPipelines',
  companies: 'entityCompanies',
  people: 'entityPeople',
  leads: 'entityLeads',
  opportunities: 'entityDeals',
  tasks: 'entityTasks',
  threadMarks: 'entityThreadMarks',
};

const formatTime = (seconds: number): string => formatDateTime(seconds * 1000);

/** Runs a browser action (open a tab) as a useAction outcome: a failure is shown, never thrown away. */
const opening = (open: () => Promise<void>) => async () => {
  try {
    await open();
    return { ok: true as const };
  } catch {
    return { ok: false as const, error: t('popupCouldNotOpen') };
  }
};

function SyncState({ status, id }: { status: StatusView; id: string }) {
  const { sync } = status;
  if (sync.initial) {
    const entity = ENTITY_LABELS[sync.entity ?? ''];
    const progress =
      sync.total !== null
        ? t('ofTotal', formatCount(sync.fetched), formatCount(sync.total))
        : formatCount(sync.fetched);
    return (
      <div class="sync-state" data-testid="popup-sync">
        <label for={id}>
          {t(
            sync.running ? 'syncProgressRunning' : 'syncProgressPaused',
            entity ? t(entity) : (sync.entity ?? ''),
            progress,
          )}
        </label>
        <progress
          id={id}
          max={sync.total ?? undefined}
          value={sync.total !== null ? sync.fetched : undefined}
        />
      </div>
    );
  }
  if (sync.running)
    return (
      <p class="sync-state" data-testid="popup-sync">
        {t('syncing')}
      </p>
    );
  if (sync.lastSyncAt === null)
    return (
      <p class="sync-state" data-testid="popup-sync">
        {t('notSyncedYet')}
      </p>
    );
  return (
    <p class="sync-state" data-testid="popup-sync">
      {t('popupLastSynced')}{' '}
      <time data-testid="popup-last-synced" dateTime={new Date(sync.lastSyncAt * 1000).toISOString()}>
        {formatTime(sync.lastSyncAt)}
      </time>
    </p>
  );
}

/** One Gmail account: sync, counts, Sync now, Try again. */
function AccountStatus({
  account,
  status,
  api,
  refresh,
  index,
}: {
  account: string;
  status: StatusView;
  api: PopupApi;
  refresh: () => void;
  index: number;
}) {
  const sync = useAction();
  const retry = useAction();
  const titleId = `account-${index}`;
  const problem = status.health !== 'ok' && status.health !== 'policyBlocked' ? status.message : null;
  return (
    <section class="account" aria-labelledby={titleId} data-testid="popup-account">
      <h2 id={titleId} class="account-name">
        {account}
      </h2>
      {problem && (
        <p class="banner" role="status" data-testid="popup-health">
          {problem}
        </p>
      )}
      {status.storageFull === true && <StorageFullNotice testId="popup-storage-full" />}
      <SyncState status={status} id={`progress-${index}`} />
      <dl class="counts">
        <div>
          <dt>{t('popupPending')}</dt>
          <dd data-testid="popup-pending">{formatCount(status.pendingWrites)}</dd>
        </div>
        <div>
          <dt>{t('popupFailed')}</dt>
          <dd data-testid="popup-failed" class={status.failedWrites > 0 ? 'failed' : ''}>
            {formatCount(status.failedWrites)}
          </dd>
        </div>
      </dl>
      {status.failedWrites > 0 && (
        <div class="failed-box" data-testid="popup-failed-writes">
          {(status.failedReasons ?? []).length > 0 && (
            <ul class="reasons">
              {(status.failedReasons ?? []).map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
          <button
            type="button"
            data-testid="popup-retry"
            disabled={retry.busy}
            onClick={() =>
              void retry.run(() => api.retryWrites(account), t('popupRetryStarted')).then(refresh)
            }
          >
            {t('tryAgain')}
          </button>
          <ActionStatus message={retry.message} error={retry.error} />
        </div>
      )}
      <button
        type="button"
        class="primary"
        data-testid="popup-sync-now"
        disabled={status.sync.running || sync.busy}
        onClick={() => void sync.run(() => api.syncNow(account), t('popupSyncStarted')).then(refresh)}
      >
        <Icon name="refresh" size={14} />
        {t('syncNow')}
      </button>
      <ActionStatus message={sync.message} error={sync.error} />
    </section>
  );
}

function NotConnected({ api }: { api: PopupApi }) {
  const connect = useAction();
  return (
    <section class="connection" aria-labelledby="popup-connection-title" data-testid="popup-not-connected">
      <h2 id="popup-connection-title">{t('popupNotConnected')}</h2>
      <p class="muted">{t('popupNotConnectedText')}</p>
      <button
        type="button"
        class="primary"
        data-testid="popup-connect"
        disabled={connect.busy}
        onClick={() => void connect.run(opening(api.openConnect), '')}
      >
        {t('popupConnect')}
      </button>
      <ActionStatus message={null} error={connect.error} />
    </section>
  );
}

function Connection({ overview }: { overview: Overview }) {
  const { info, blocked } = overview;
  if (!info) return null;
  return (
    <section
      class="connection"
      aria-labelledby="popup-connection-title"
      data-testid={blocked ? 'popup-blocked' : 'popup-connected'}
    >
      <h2 id="popup-connection-title">
        <span class={`dot ${blocked ? 'dot-stopped' : 'dot-ok'}`} aria-hidden="true" />
        {blocked ? t('popupStopped') : t('popupConnectedTo', info.accountName)}
      </h2>
      <p class="muted" data-testid="popup-crm">
        {t('popupCrmUser', t(CRM_NAMES[info.kind]), info.userName)}
      </p>
      {blocked && (
        <p class="banner error-banner" role="alert">
          {blocked}
        </p>
      )}
    </section>
  );
}

export function PopupApp({ api, pollMs }: { api: PopupApi; pollMs: number }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const refresh = useCallback(() => setReads((n) => n + 1), []);
  const gmail = useAction();
  const settings = useAction();

  // One read now and after every action; then one every `pollMs` after the previous answer.
  // `reads` changes after an action: the effect starts over with a fresh read.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const next = await api.overview();
        if (stopped) return;
        setOverview(next);
        setReadError(null);
      } catch (error) {
        if (stopped) return;
        setReadError(failureText(error));
      }
      if (!stopped) timer = setTimeout(() => void read(), pollMs);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, pollMs, reads]);

  const connected = overview !== null && overview.info !== null;
  return (
    <main class="popup" aria-busy={overview === null && readError === null}>
      <header class="popup-header">
        <img src="/icons/icon-32.png" alt="" width={20} height={20} />
        <h1>{t('appTitle')}</h1>
      </header>
      {readError && (
        <p role="alert" class="error-text" data-testid="popup-read-error">
          {readError}
        </p>
      )}
      {overview?.cacheLost === true && (
        <CacheLostNotice testId="popup-cache-lost" dismiss={() => api.dismissCacheLoss().finally(refresh)} />
      )}
      {overview === null ? (
        !readError && (
          <p class="muted" data-testid="popup-loading">
            {t('popupLoading')}
          </p>
        )
      ) : !connected ? (
        <NotConnected api={api} />
      ) : (
        <>
          <Connection overview={overview} />
          {overview.blocked === null &&
            (overview.accounts.length === 0 ? (
              <p class="muted" data-testid="popup-no-accounts">
                {t('popupNoAccounts')}
              </p>
            ) : (
              overview.accounts.map(({ account, status }, index) => (
                <AccountStatus
                  key={account}
                  account={account}
                  status={status}
                  api={api}
                  refresh={refresh}
                  index={index}
                />
              ))
            ))}
        </>
      )}
      <nav class="popup-actions" aria-label={t('popupLinks')}>
        <button
          type="button"
          data-testid="popup-open-gmail"
          disabled={gmail.busy}
          onClick={() => void gmail.run(opening(api.openGmail), '')}
        >
          <Icon name="mail" size={14} />
          {t('popupOpenGmail')}
        </button>
        <button
          type="button"
          data-testid="popup-settings"
          disabled={settings.busy}
          onClick={() => void settings.run(opening(api.openSettings), '')}
        >
          <Icon name="settings" size={14} />
          {t('popupSettings')}
        </button>
      </nav>
      <ActionStatus message={null} error={gmail.error ?? settings.error} />
    </main>
  );
}
