import { useEffect, useState } from 'preact/hooks';
import type { ConnectionInfo, ConnectionInput, ResponseOf } from '../shared/protocol';
import { t } from '../ui/i18n';
import type { OptionsApi } from './options-api';

export const LOCAL_DEMO_URL = 'http://127.0.0.1:8787/developer_api/v1';

type Result = { kind: 'ok'; text: string } | { kind: 'error'; text: string } | null;

/** Choose the local demo CRM (default) or Copper, test the connection, connect, disconnect. */
export function ConnectCrm({
  api,
  settings,
}: {
  api: OptionsApi;
  settings: ResponseOf<'getSettings'> | null;
}) {
  const lockedKind = settings?.locked.includes('crmKind')
    ? (settings.settings.crmKind as ConnectionInput['kind'])
    : null;
  const lockedUrl = settings?.locked.includes('crmBaseUrl') ? String(settings.settings.crmBaseUrl) : null;
  const [info, setInfo] = useState<ConnectionInfo | null | undefined>(undefined);
  const [kind, setKind] = useState<ConnectionInput['kind']>('local');
  const [baseUrl, setBaseUrl] = useState(LOCAL_DEMO_URL);
  const [apiKey, setApiKey] = useState('');
  const [email, setEmail] = useState('');
  const [perMinute, setPerMinute] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);

  const [blocked, setBlocked] = useState<string | null>(null);

  // Asked again whenever the settings (and so the policy) change: a saved connection the policy no
  // longer allows is shown as stopped, with the reason.
  useEffect(() => {
    void api.getConnection().then((answer) => {
      setInfo(answer.info);
      setBlocked(answer.blocked);
    });
  }, [api, settings]);

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
    const effectiveKind = lockedKind ?? kind;
    return {
      kind: effectiveKind,
      baseUrl: lockedUrl ?? (effectiveKind === 'local' ? baseUrl : ''),
      apiKey,
      email,
      ...(limit === undefined ? {} : { requestsPerMinute: limit }),
    };
  };

  const run = async (action: 'test' | 'connect') => {
    const value = input();
    if (!value) return;
    // Chrome asks for the CRM's host permission only on a click, before anything else is awaited.
    const granted = value.kind === 'copper' ? api.requestCopperPermission() : Promise.resolve(true);
    setBusy(true);
    setResult(null);
    try {
      if (!(await granted)) {
        setResult({
          kind: 'error',
          text: t('connNeedPermission'),
        });
        return;
      }
      const answer = action === 'test' ? await api.testConnection(value) : await api.connect(value);
      if (!answer.ok) setResult({ kind: 'error', text: answer.error });
      else if (action === 'test')
        setResult({
          kind: 'ok',
          text: t('connWorks', answer.info.accountName, answer.info.userName),
        });
      else {
        setInfo(answer.info);
        setApiKey('');
        setResult({ kind: 'ok', text: t('connConnected', answer.info.accountName) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (info === undefined) return <p aria-busy="true">{t('loading')}</p>;
  if (info) {
    return (
      <div data-testid="connected">
        <p>
          {t(
            'connStatus',
            info.accountName,
            info.userName,
            info.email,
            info.kind === 'local' ? t('connLocalAt', info.baseUrl) : t('connCopper'),
          )}
        </p>
        {blocked !== null && (
          <p role="alert" class="error" data-testid="connection-blocked">
            {blocked}
          </p>
        )}
        {result && (
          <p role="status" class={result.kind === 'ok' ? 'ok' : 'error'}>
            {result.text}
          </p>
        )}
        <button
          type="button"
          onClick={() => {
            if (!confirm(t('connDisconnectConfirm'))) return;
            void api.disconnect().then(() => {
              setInfo(null);
              setResult(null);
            });
          }}
        >
          {t('connDisconnect')}
        </button>
      </div>
    );
  }
  return (
    <form
      aria-labelledby="connect-title"
      onSubmit={(e) => {
        e.preventDefault();
        void run('connect');
      }}
    >
      <fieldset disabled={lockedKind !== null} data-testid="crm-kind">
        <legend>
          {t('connCrm')}
          {lockedKind !== null && <span class="lock"> {t('setByAdmin')}</span>}
        </legend>
        <label>
          <input
            type="radio"
            name="kind"
            value="local"
            checked={(lockedKind ?? kind) === 'local'}
            onChange={() => setKind('local')}
          />{' '}
          {t('connLocalDemo')}
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            value="copper"
            checked={(lockedKind ?? kind) === 'copper'}
            onChange={() => setKind('copper')}
          />{' '}
          {t('connCopper')}
        </label>
      </fieldset>
      {(lockedKind ?? kind) === 'local' && (
        <label>
          {t('connAddress')}
          {lockedUrl !== null && <span class="lock"> {t('setByAdmin')}</span>}
          <input
            value={lockedUrl ?? baseUrl}
            readOnly={lockedUrl !== null}
            onInput={(e) => setBaseUrl((e.target as HTMLInputElement).value)}
            data-testid="crm-url"
          />
        </label>
      )}
      <label>
        {t('connApiKey')}
        <input
          type="password"
          autoComplete="off"
          value={apiKey}
          onInput={(e) => setApiKey((e.target as HTMLInputElement).value)}
          data-testid="crm-key"
        />
      </label>
      <label>
        {t('connEmail')}
        <input
          type="email"
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          data-testid="crm-email"
        />
      </label>
      {kind === 'local' && (
        <details>
          <summary>{t('connAdvanced')}</summary>
          <label>
            {t('connRate')}
            <input
              inputMode="numeric"
              value={perMinute}
              onInput={(e) => setPerMinute((e.target as HTMLInputElement).value)}
              data-testid="crm-rate"
            />
          </label>
        </details>
      )}
      {result && (
        <p
          role={result.kind === 'error' ? 'alert' : 'status'}
          class={result.kind === 'ok' ? 'ok' : 'error'}
          data-testid="connect-result"
        >
          {result.text}
        </p>
      )}
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
