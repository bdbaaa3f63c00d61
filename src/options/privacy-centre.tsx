import { useEffect, useState } from 'preact/hooks';
import { DISCLOSURE, LIMITED_USE_STATEMENTS } from '../shared/disclosure';
import type { AuditRowView, ResponseOf } from '../shared/protocol';
import { USER_FACING_PURPOSES } from '../shared/purposes';
import type { OptionsApi } from './options-api';

type Overview = ResponseOf<'privacyOverview'>;

const TABLE_LABELS: Record<string, string> = {
  people: 'People (from the CRM)',
  leads: 'Leads (from the CRM)',
  companies: 'Companies (from the CRM)',
  opportunities: 'Deals (from the CRM)',
  pipelines: 'Pipelines (from the CRM)',
  activities: 'Recent activities (from the CRM)',
  activityFetches: 'Activity refresh times',
  users: 'CRM users (teammates)',
  negativeLookups: 'Addresses not in the CRM (from Gmail)',
  syncState: 'Sync progress',
  outbox: 'Changes waiting to be sent',
  threadMarks: 'Thread links and logged messages',
  tasks: 'Tasks (from the CRM)',
  audit: 'Audit log entries',
  consents: 'Consents',
  accounts: 'Gmail account record',
};

const dateTime = (ms: number) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
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
  useEffect(() => {
    let live = true;
    const f = dayStart(from);
    const t = dayEnd(to);
    void api
      .ask('auditLog', {
        account,
        ...(purpose ? { purpose } : {}),
        ...(f === undefined ? {} : { from: f }),
        ...(t === undefined ? {} : { to: t }),
      })
      .then((answer) => {
        if (live) setRows(answer.rows);
      });
    return () => {
      live = false;
    };
  }, [api, account, purpose, from, to]);
  return (
    <section aria-labelledby="audit-title" data-testid="audit-log">
      <h3 id="audit-title">Audit log</h3>
      <p class="muted">
        Every transfer to your CRM: when, why, where, what kinds of data, which records and how many bytes.
        Never the content itself.
      </p>
      <div class="filters">
        <label>
          Purpose
          <select
            value={purpose}
            onChange={(e) => setPurpose((e.target as HTMLSelectElement).value)}
            data-testid="audit-purpose"
          >
            <option value="">All</option>
            {USER_FACING_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button
          type="button"
          disabled={!rows || rows.length === 0}
          onClick={() => rows && download(`threadline-audit-${account}.json`, JSON.stringify(rows, null, 2))}
          data-testid="audit-export"
        >
          Export as JSON
        </button>
      </div>
      {rows === null ? (
        <p aria-busy="true">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="muted" data-testid="audit-empty">
          No transfers{purpose || from || to ? ' match these filters' : ' yet'}.
        </p>
      ) : (
        <table class="audit" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Purpose</th>
              <th scope="col">Destination</th>
              <th scope="col">Data</th>
              <th scope="col">Records</th>
              <th scope="col">Bytes</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 500).map((r, i) => (
              <tr key={`${r.at}-${i}`} data-testid="audit-row">
                <td>{dateTime(r.at)}</td>
                <td>{r.purpose}</td>
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
  const [message, setMessage] = useState<string | null>(null);
  const load = () =>
    void api.ask('privacyOverview', {}).then((next) => {
      setOverview(next);
      setAccount((current) =>
        current && next.accounts.some((a) => a.account === current)
          ? current
          : (next.accounts[0]?.account ?? null),
      );
    });
  useEffect(load, [api]);

  const entry = overview?.accounts.find((a) => a.account === account) ?? null;
  return (
    <>
      <div data-testid="limited-use">
        {LIMITED_USE_STATEMENTS.map((s) => (
          <p key={s}>{s}</p>
        ))}
      </div>
      <p>
        Threadline sends no analytics and shows no ads. Data read from Gmail goes only to the CRM you connect,
        for the features you use, and is never used to train AI models. Cached Gmail data is deleted after the
        retention period in Settings.
      </p>
      {overview === null ? (
        <p aria-busy="true">Loading…</p>
      ) : overview.accounts.length === 0 ? (
        <p class="muted" data-testid="privacy-empty">
          Nothing is stored yet: Threadline keeps data only for Gmail accounts it has been used with.
        </p>
      ) : (
        <>
          <label>
            Gmail account
            <select
              value={account ?? ''}
              onChange={(e) => {
                setAccount((e.target as HTMLSelectElement).value);
                setConfirming(false);
              }}
              data-testid="privacy-account"
            >
              {overview.accounts.map((a) => (
                <option key={a.account} value={a.account}>
                  {a.account}
                </option>
              ))}
            </select>
          </label>
          {entry && (
            <>
              <section aria-labelledby="stored-title">
                <h3 id="stored-title">What is stored on this computer</h3>
                <table class="counts" data-testid="privacy-counts">
                  <tbody>
                    {Object.entries(entry.counts).map(([table, count]) => (
                      <tr key={table} data-table={table}>
                        <th scope="row">{TABLE_LABELS[table] ?? table}</th>
                        <td>{new Intl.NumberFormat().format(count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section aria-labelledby="consents-title">
                <h3 id="consents-title">Consents</h3>
                {entry.consents.length === 0 ? (
                  <p class="muted">You have not allowed sending e-mail to the CRM.</p>
                ) : (
                  <ul data-testid="consents">
                    {entry.consents.map((c) => (
                      <li key={c.scope}>
                        Sending e-mail to your CRM (notice version {c.version}
                        {c.version !== DISCLOSURE.version && ', out of date'}): allowed{' '}
                        {dateTime(c.grantedAt)}
                        {c.withdrawnAt !== null ? `, withdrawn ${dateTime(c.withdrawnAt)}` : ''}
                        {c.current && (
                          <button
                            type="button"
                            onClick={() =>
                              void api.ask('withdrawConsent', { account: entry.account }).then(() => {
                                setMessage(
                                  'Consent withdrawn: nothing from Gmail will be logged until you allow it again.',
                                );
                                load();
                              })
                            }
                            data-testid="consent-withdraw"
                          >
                            Withdraw
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <AuditLog api={api} account={entry.account} />
              <section aria-labelledby="rights-title">
                <h3 id="rights-title">Your data</h3>
                <button
                  type="button"
                  onClick={() =>
                    void api
                      .ask('exportData', { account: entry.account })
                      .then((answer) => download(`threadline-${entry.account}.json`, answer.json))
                  }
                  data-testid="export-data"
                >
                  Export my data
                </button>{' '}
                {confirming ? (
                  <fieldset class="confirm" aria-label="Confirm deletion">
                    <span>Delete everything Threadline stores for {entry.account} on this computer?</span>{' '}
                    <button
                      type="button"
                      class="danger"
                      onClick={() =>
                        void api.ask('deleteData', { account: entry.account }).then(() => {
                          setConfirming(false);
                          setMessage(`Deleted everything stored for ${entry.account} on this computer.`);
                          load();
                        })
                      }
                      data-testid="delete-confirm"
                    >
                      Delete
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(false)}>
                      Cancel
                    </button>
                  </fieldset>
                ) : (
                  <button
                    type="button"
                    class="danger"
                    onClick={() => setConfirming(true)}
                    data-testid="delete-data"
                  >
                    Delete my data
                  </button>
                )}
                <p class="muted">
                  This deletes what Threadline keeps on this computer. Records, notes and logged e-mail in
                  your CRM stay there: to have them deleted, ask your CRM administrator (in Copper: Settings →
                  Data → delete the records, or contact Copper support for an account deletion).
                </p>
              </section>
            </>
          )}
        </>
      )}
      <div role="status" aria-live="polite">
        {message && <p data-testid="privacy-message">{message}</p>}
      </div>
    </>
  );
}
