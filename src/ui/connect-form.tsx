/**
 * Connecting a CRM, shared by the welcome page and the settings' Connection section: choose the CRM
 * (every kind the worker's registry knows, from CRM_KINDS), paste the credentials, test, connect;
 * once connected, who it is connected as, and disconnect. An admin-set CRM or address is shown
 * locked in place. Chrome's host-permission prompt for a hosted CRM is asked on the click itself.
 */
import { useEffect, useState } from 'preact/hooks';
import { needsPermission, type PermissionKind } from '../shared/crm-hosts';
import type { MessageKey } from '../shared/message-key';
import {
  type ConnectionInfo,
  type ConnectionInput,
  CRM_KINDS,
  type CrmKind,
  type ResponseOf,
} from '../shared/protocol';
import { t } from './i18n';
import { LoadFailed } from './load-failed';
import { LockedBadge } from './locked-badge';
import { SelectRow, TextFieldRow } from './setting-rows';
import { ActionStatus, failureText, useAction } from './use-action';

export const LOCAL_DEMO_URL = 'http://127.0.0.1:8787/developer_api/v1';
export const HUBSPOT_API_URL = 'https://api.hubapi.com';
/** HubSpot's requests per 10 seconds by account tier (reference/hubspot-api.md, "Rate limits"). */
export const HUBSPOT_TIERS = [
  { value: 100, label: 'connHubspotTierStarter' },
  { value: 190, label: 'connHubspotTierProfessional' },
  { value: 250, label: 'connHubspotTierIncrease' },
] as const satisfies readonly { value: number; label: MessageKey }[];

/** What the form needs from the worker (the options and welcome pages both provide it). */
export interface ConnectApi {
  /** The saved connection, and why the admin policy in force stops it (null: it does not). */
  getConnection(): Promise<ResponseOf<'getConnection'>>;
  testConnection(connection: ConnectionInput): Promise<ResponseOf<'testConnection'>>;
  connect(connection: ConnectionInput): Promise<ResponseOf<'connect'>>;
  disconnect(): Promise<void>;
  /** Chrome's prompt for the CRM's API host (CRM_PERMISSION_ORIGINS). */
  requestPermission(kind: PermissionKind): Promise<boolean>;
}

/** A label for every CRM kind: adding one to CRM_KINDS fails the type check until it has one. */
export const CRM_LABELS: Record<CrmKind, MessageKey> = {
  local: 'connLocalDemo',
  copper: 'connCopper',
  hubspot: 'connHubspot',
};

type Result = { kind: 'ok' | 'error' | 'busy'; text: string } | null;

export function ConnectForm({
  api,
  settings,
  labelledBy,
  onConnected,
}: {
  api: ConnectApi;
  settings: ResponseOf<'getSettings'> | null;
  /** The id of the heading that names the form. */
  labelledBy: string;
  onConnected?: (info: ConnectionInfo | null) => void;
}) {
  const lockedKind = settings?.locked.includes('crmKind') ? (settings.settings.crmKind as CrmKind) : null;
  const lockedUrl = settings?.locked.includes('crmBaseUrl') ? String(settings.settings.crmBaseUrl) : null;
  const [info, setInfo] = useState<ConnectionInfo | null | undefined>(undefined);
  const [blocked, setBlocked] = useState<string | null>(null);
  /** Why the saved connection could not be read (with Try again), or null. */
  const [loadFailed, setLoadFailed] = useState<string | null>(null);
  const [kind, setKind] = useState<CrmKind>('local');
  const [baseUrl, setBaseUrl] = useState(LOCAL_DEMO_URL);
  const [apiKey, setApiKey] = useState('');
  const [email, setEmail] = useState('');
  const [perMinute, setPerMinute] = useState('');
  const [hubspotUrl, setHubspotUrl] = useState(HUBSPOT_API_URL);
  const [tier, setTier] = useState<number>(HUBSPOT_TIERS[0].value);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  // Disconnect: busy while the worker forgets the connection, its failure shown in plain words.
  const leaving = useAction();
  const shownKind = lockedKind ?? kind;

  // Asked again whenever the settings (and so the policy) change: a saved connection the policy no
  // longer allows is shown as stopped, with the reason.
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let live = true;
    setLoadFailed(null);
    api.getConnection().then(
      (answer) => {
        if (!live) return;
        setInfo(answer.info);
        setBlocked(answer.blocked);
        onConnected?.(answer.info);
      },
      (failure: unknown) => live && setLoadFailed(failureText(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, settings, reads]);

  const input = (): ConnectionInput | null => {
    if (apiKey.trim() === '' || !email.includes('@')) {
      setResult({ kind: 'error', text: t('connEnterKey') });
      return null;
    }
    const limit = perMinute.trim() === '' ? undefined : Number(perMinute);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100_000)) {
      setResult({ kind: 'error', text: t('connRateInvalid') });
      return null;
    }
    if (shownKind === 'hubspot') {
      const typed = hubspotUrl.trim().replace(/\/+$/, '');
      return {
        kind: shownKind,
        baseUrl: lockedUrl ?? (typed === HUBSPOT_API_URL ? '' : typed),
        apiKey,
        email,
        requestsPerWindow: tier,
      };
    }
    return {
      kind: shownKind,
      baseUrl: lockedUrl ?? (shownKind === 'local' ? baseUrl : ''),
      apiKey,
      email,
      ...(limit === undefined ? {} : { requestsPerMinute: limit }),
    };
  };

  const run = async (action: 'test' | 'connect') => {
    const value = input();
    if (!value) return;
    // Chrome asks for the CRM's host permission only on a click, before anything else is awaited.
    // A HubSpot address typed under "Advanced" is a local server (loopback): no prompt for it.
    const kind = value.kind;
    const granted =
      needsPermission(kind) && !(kind === 'hubspot' && value.baseUrl !== '')
        ? api.requestPermission(kind)
        : Promise.resolve(true);
    setBusy(true);
    setResult({ kind: 'busy', text: action === 'test' ? t('setConnTesting') : t('setConnConnecting') });
    try {
      if (!(await granted)) {
        setResult({ kind: 'error', text: t('connNeedPermission') });
        return;
      }
      const answer = action === 'test' ? await api.testConnection(value) : await api.connect(value);
      if (!answer.ok) setResult({ kind: 'error', text: answer.error });
      else if (action === 'test')
        setResult({ kind: 'ok', text: t('connWorks', answer.info.accountName, answer.info.userName) });
      else {
        setInfo(answer.info);
        setBlocked(null);
        setApiKey('');
        setResult({ kind: 'ok', text: t('connConnected', answer.info.accountName) });
        onConnected?.(answer.info);
      }
    } catch (error) {
      setResult({
        kind: 'error',
        text: failureText(error),
      });
    } finally {
      setBusy(false);
    }
  };

  const resultLine = result && (
    <p
      role={result.kind === 'error' ? 'alert' : 'status'}
      class={`result result-${result.kind}`}
      data-testid="connect-result"
    >
      {result.text}
    </p>
  );

  if (info === undefined)
    return loadFailed !== null ? (
      <LoadFailed error={loadFailed} retry={() => setReads((n) => n + 1)} testId="connection-load-error" />
    ) : (
      <p aria-busy="true">{t('loading')}</p>
    );
  if (info) {
    return (
      <div class="connected" data-testid="connected">
        <p>
          {t(
            'connStatus',
            info.accountName,
            info.userName,
            info.email,
            info.kind === 'local' ? t('connLocalAt', info.baseUrl) : t(CRM_LABELS[info.kind]),
          )}
        </p>
        {blocked !== null && (
          <p role="alert" class="result result-error" data-testid="connection-blocked">
            {blocked}
          </p>
        )}
        {resultLine}
        <div class="actions">
          <button
            type="button"
            disabled={leaving.busy}
            onClick={() => {
              if (!confirm(t('connDisconnectConfirm'))) return;
              void leaving
                .run(async () => {
                  await api.disconnect();
                  return { ok: true as const };
                }, '')
                .then((answer) => {
                  if (!answer?.ok) return;
                  setInfo(null);
                  setResult(null);
                  onConnected?.(null);
                });
            }}
            data-testid="disconnect"
          >
            {t('connDisconnect')}
          </button>
        </div>
        <ActionStatus message={leaving.message} error={leaving.error} />
      </div>
    );
  }
  return (
    <form
      class="connect-form"
      noValidate
      aria-labelledby={labelledBy}
      onSubmit={(e) => {
        e.preventDefault();
        void run('connect');
      }}
    >
      <fieldset
        class="choices"
        disabled={lockedKind !== null}
        aria-describedby={lockedKind !== null ? 'conn-kind-desc conn-kind-locked' : 'conn-kind-desc'}
        data-testid="crm-kind"
      >
        <legend class="row-label">{t('connCrm')}</legend>
        <p class="row-desc" id="conn-kind-desc">
          {t('setConnCrmHelp')}
        </p>
        {lockedKind !== null && <LockedBadge id="conn-kind-locked" />}
        {CRM_KINDS.map((k) => (
          <label class="choice" key={k}>
            <input
              type="radio"
              name="kind"
              value={k}
              checked={shownKind === k}
              onChange={() => {
                setKind(k);
                setResult(null);
              }}
            />
            <span>{t(CRM_LABELS[k])}</span>
          </label>
        ))}
        {needsPermission(shownKind) && <p class="row-desc">{t('setConnPermissionHelp')}</p>}
      </fieldset>
      <fieldset class="fields">
        <legend class="row-label">{t('setConnCredentials')}</legend>
        {shownKind === 'local' && (
          <TextFieldRow
            id="conn-url"
            label={t('connAddress')}
            description={t('setConnAddressHelp')}
            value={lockedUrl ?? baseUrl}
            locked={lockedUrl !== null}
            type="url"
            onInput={setBaseUrl}
            testId="crm-url"
          />
        )}
        <TextFieldRow
          id="conn-key"
          label={shownKind === 'hubspot' ? t('connHubspotToken') : t('connApiKey')}
          description={shownKind === 'hubspot' ? t('setConnHubspotTokenHelp') : t('setConnKeyHelp')}
          type="password"
          autoComplete="off"
          value={apiKey}
          onInput={setApiKey}
          testId="crm-key"
        />
        <TextFieldRow
          id="conn-email"
          label={t('connEmail')}
          description={shownKind === 'hubspot' ? t('setConnHubspotEmailHelp') : t('setConnEmailHelp')}
          type="email"
          autoComplete="email"
          value={email}
          onInput={setEmail}
          testId="crm-email"
        />
        {shownKind === 'hubspot' && (
          <SelectRow
            id="conn-tier"
            label={t('connHubspotTier')}
            description={t('setConnHubspotTierHelp')}
            value={String(tier)}
            options={HUBSPOT_TIERS.map((o) => ({ value: String(o.value), label: t(o.label) }))}
            onChange={(v) => setTier(Number(v))}
            testId="crm-tier"
          />
        )}
        {shownKind === 'hubspot' && (
          <details>
            <summary>{t('connAdvanced')}</summary>
            <TextFieldRow
              id="conn-url"
              label={t('connHubspotAddress')}
              description={t('setConnHubspotAddressHelp')}
              value={lockedUrl ?? hubspotUrl}
              locked={lockedUrl !== null}
              type="url"
              onInput={setHubspotUrl}
              testId="crm-url"
            />
          </details>
        )}
        {shownKind === 'local' && (
          <details>
            <summary>{t('connAdvanced')}</summary>
            <TextFieldRow
              id="conn-rate"
              label={t('connRate')}
              description={t('setConnRateHelp')}
              inputMode="numeric"
              value={perMinute}
              onInput={setPerMinute}
              testId="crm-rate"
            />
          </details>
        )}
      </fieldset>
      <div aria-live="polite">{resultLine}</div>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void run('test')}>
          {t('connTest')}
        </button>
        <button type="submit" class="primary" disabled={busy} data-testid="connect">
          {t('connConnect')}
        </button>
      </div>
    </form>
  );
}
