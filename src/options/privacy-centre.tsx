import { useCallback, useEffect, useState } from 'preact/hooks';
import { DISCLOSURE } from '../shared/disclosure';
import type { MessageKey } from '../shared/message-key';
import type { AuditRowView, ResponseOf } from '../shared/protocol';
import { USER_FACING_PURPOSES } from '../shared/purposes';
import { formatCount, formatDateTime } from '../ui/format';
import { t } from '../ui/i18n';
import { Icon } from '../ui/icon';
import { LoadFailed } from '../ui/load-failed';
import { ActionStatus, failureText, useAction } from '../ui/use-action';
import type { OptionsApi } from './options-api';

type Overview = ResponseOf<'privacyOverview'>;

const TABLE_LABELS: Record<string, MessageKey> = {
  people: 'tblPeople',
  leads: 'tblLeads',
  companies: 'tblCompanies',
  opportunities: 'tblOpportunities',
  pipelines: 'tblPipelines',
  activities: 'tblActivities',
  activityFetches: 'tblActivityFetches',
  users: 'tblUsers',
  negativeLookups: 'tblNegativeLookups',
  syncState: 'tblSyncState',
  outbox: 'tblOutbox',
  threadMarks: 'tblThreadMarks',
  tasks: 'tblTasks',
  audit: 'tblAudit',
  consents: 'tblConsents',
  accounts: 'tblAccounts',
};
const purposeLabel = (purpose: string): string => {
  const key = `purpose_${purpose}` as MessageKey;
  const text = t(key);
  return text === key ? purpose : text;
};

const dateTime = formatDateTime;
const dayStart = (value: string) => (value ? new Date(`${value}T00:00:00`).getTime() : undefined);
const dayEnd = (value: string) => (value ? new Date(`${value}T23:59:59.999`).getTime() : undefined);

function download(name: string, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function AuditLog({ api, account }: { api: OptionsApi; account: string }) {
  const [purpose, setPurpose] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<AuditRowView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped by "Try again": the effect reads once more.
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let live = true;
    const f = dayStart(from);
    const t = dayEnd(to);
    api
      .ask('auditLog', {
        account,
        ...(purpose ? { purpose } : {}),
        ...(f === undefined ? {} : { from: f }),
        ...(t === undefined ? {} : { to: t }),
      })
      .then(
        (answer) => {
          if (!live) return;
          setRows(answer.rows);
          setError(null);
        },
        (failure: unknown) => {
          if (!live) return;
          // The rows shown belong to other filters: none rather than the wrong ones.
          setRows(null);
          setError(failureText(failure));
        },
      );
    return () => {
      live = false;
    };
  }, [api, account, purpose, from, to, reads]);
  return (
    <section aria-labelledby="audit-title" data-testid="audit-log">
      <h4 id="audit-title">{t('auditTitle')}</h4>
      <p class="muted" id="audit-desc">
        {t('auditText')}
      </p>
      <div class="filters">
        <label>
          {t('auditPurpose')}
          <select
            value={purpose}
            onChange={(e) => setPurpose((e.target as HTMLSelectElement).value)}
            aria-describedby="audit-desc"
            data-testid="audit-purpose"
          >
            <option value="">{t('auditAll')}</option>
            {USER_FACING_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {purposeLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('auditFrom')}
          <input
            type="date"
            value={from}
            aria-describedby="audit-desc"
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {t('auditTo')}
          <input
            type="date"
            value={to}
            aria-describedby="audit-desc"
            onInput={(e) => setTo((e.target as HTMLInputElement).value)}
          />
        </label>
        <button
          type="button"
          disabled={!rows || rows.length === 0}
          onClick={() => rows && download(`threadline-audit-${account}.json`, JSON.stringify(rows, null, 2))}
          data-testid="audit-export"
        >
          {t('auditExport')}
        </button>
      </div>
      {error !== null ? (
        <LoadFailed
          error={error}
          retry={() => {
            setError(null);
            setReads((n) => n + 1);
          }}
          testId="audit-error"
        />
      ) : rows === null ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p class="muted" data-testid="audit-empty">
          {purpose || from || to ? t('auditNoneFiltered') : t('auditNone')}
        </p>
      ) : (
        <table class="audit" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('auditWhen')}</th>
              <th scope="col">{t('auditPurpose')}</th>
              <th scope="col">{t('auditDestination')}</th>
              <th scope="col">{t('auditData')}</th>
              <th scope="col">{t('auditRecords')}</th>
              <th scope="col">{t('auditBytes')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 500).map((r, i) => (
              <tr key={`${r.at}-${i}`} data-testid="audit-row">
                <td>{dateTime(r.at)}</td>
                <td>{purposeLabel(r.purpose)}</td>
                <td>{r.host}</td>
                <td>{r.dataClasses.join(', ')}</td>
                <td>{r.recordIds.join(', ') || '—'}</td>
                <td>{r.bytes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * The privacy centre (reference/limited-use.md): what is stored, per Gmail account; the audit log;
 * consents with withdraw; export of everything stored for an account; deleting it.
 */
export function PrivacyCentre({ api }: { api: OptionsApi }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [account, setAccount] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Bumped after withdraw or delete, and by "Try again": the effect reads the overview once more.
  const [reads, setReads] = useState(0);
  const reload = useCallback(() => setReads((n) => n + 1), []);
  // Withdraw, export and delete: busy while they run, then a status line or an error in plain words.
  const rights = useAction();
  useEffect(() => {
    let live = true;
    api.ask('privacyOverview', {}).then(
      (next) => {
        if (!live) return;
        setOverview(next);
        setLoadError(null);
        setAccount((current) =>
          current && next.accounts.some((a) => a.account === current)
            ? current
            : (next.accounts[0]?.account ?? null),
        );
      },
      (failure: unknown) => {
        if (live) setLoadError(failureText(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [api, reads]);
  const retry = () => {
    setLoadError(null);
    reload();
  };

  const entry = overview?.accounts.find((a) => a.account === account) ?? null;
  return (
    <>
      {/* A failed read after withdraw or delete: what is shown may be out of date, so say so. */}
      {loadError !== null && <LoadFailed error={loadError} retry={retry} testId="privacy-load-error" />}
      {overview === null ? (
        loadError === null && <p aria-busy="true">{t('loading')}</p>
      ) : overview.accounts.length === 0 ? (
        <p class="muted" data-testid="privacy-empty">
          {t('privacyEmpty')}
        </p>
      ) : (
        <>
          <label>
            {t('gmailAccount')}
            <select
              value={account ?? ''}
              onChange={(e) => {
                setAccount((e.target as HTMLSelectElement).value);
                setConfirming(false);
              }}
              aria-describedby="account-desc"
              data-testid="privacy-account"
            >
              {overview.accounts.map((a) => (
                <option key={a.account} value={a.account}>
                  {a.account}
                </option>
              ))}
            </select>
          </label>
          <p class="row-desc" id="account-desc">
            {t('setAccountHelp')}
          </p>
          {entry && (
            <>
              <section aria-labelledby="stored-title">
                <h4 id="stored-title">{t('storedTitle')}</h4>
                <table class="counts" data-testid="privacy-counts">
                  <tbody>
                    {Object.entries(entry.counts).map(([table, count]) => (
                      <tr key={table} data-table={table}>
                        <th scope="row">{TABLE_LABELS[table] ? t(TABLE_LABELS[table]) : table}</th>
                        <td>{formatCount(count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section aria-labelledby="consents-title">
                <h4 id="consents-title">{t('consentsTitle')}</h4>
                {entry.consents.length === 0 ? (
                  <p class="muted">{t('noConsent')}</p>
                ) : (
                  <ul data-testid="consents">
                    {entry.consents.map((c) => (
                      <li key={c.scope}>
                        {t('consentLine', c.version, dateTime(c.grantedAt))}
                        {c.version !== DISCLOSURE.version ? t('consentOutOfDate') : ''}
                        {c.withdrawnAt !== null ? t('consentWithdrawnAt', dateTime(c.withdrawnAt)) : ''}{' '}
                        {c.current && (
                          <button
                            type="button"
                            disabled={rights.busy}
                            onClick={() =>
                              void rights
                                .run(
                                  () => api.ask('withdrawConsent', { account: entry.account }),
                                  t('consentWithdrawnMsg'),
                                )
                                .then((answer) => {
                                  if (answer?.ok) reload();
                                })
                            }
                            data-testid="consent-withdraw"
                          >
                            {t('withdraw')}
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <AuditLog api={api} account={entry.account} />
              <section aria-labelledby="rights-title">
                <h4 id="rights-title">{t('yourData')}</h4>
                <button
                  type="button"
                  disabled={rights.busy}
                  onClick={() =>
                    void rights.run(
                      async () => {
                        const answer = await api.ask('exportData', { account: entry.account });
                        download(`threadline-${entry.account}.json`, answer.json);
                        return { ok: true as const };
                      },
                      t('exportedMsg', entry.account),
                    )
                  }
                  data-testid="export-data"
                >
                  <Icon name="download" />
                  {t('exportMyData')}
                </button>{' '}
                {confirming ? (
                  <fieldset class="confirm" aria-label={t('confirmDeletion')}>
                    <span>{t('deleteQuestion', entry.account)}</span>{' '}
                    <button
                      type="button"
                      class="danger"
                      disabled={rights.busy}
                      onClick={() =>
                        void rights
                          .run(
                            () => api.ask('deleteData', { account: entry.account }),
                            t('deletedMsg', entry.account),
                          )
                          .then((answer) => {
                            if (!answer?.ok) return;
                            setConfirming(false);
                            reload();
                          })
                      }
                      data-testid="delete-confirm"
                    >
                      {t('delete')}
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(false)}>
                      {t('cancel')}
                    </button>
                  </fieldset>
                ) : (
                  <button
                    type="button"
                    class="danger"
                    onClick={() => setConfirming(true)}
                    aria-describedby="delete-desc"
                    data-testid="delete-data"
                  >
                    <Icon name="trash" />
                    {t('deleteMyData')}
                  </button>
                )}
                <p class="muted" id="delete-desc">
                  {t('deleteExplainer')}
                </p>
              </section>
            </>
          )}
        </>
      )}
      <div data-testid="privacy-message">
        <ActionStatus message={rights.message} error={rights.error} />
      </div>
    </>
  );
}
