import { useEffect, useState } from 'preact/hooks';
import type { ConnectionInfo, ConnectionInput, ResponseOf } from '../shared/protocol';
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

  useEffect(() => {
    void api.getConnection().then(setInfo);
  }, [api]);

  const input = (): ConnectionInput | null => {
    if (apiKey.trim() === '' || !email.includes('@')) {
      setResult({ kind: 'error', text: 'Enter the API key and the e-mail address of the key’s owner.' });
      return null;
    }
    const limit = perMinute.trim() === '' ? undefined : Number(perMinute);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100_000)) {
      setResult({ kind: 'error', text: 'Requests per minute must be a whole number from 1 to 100000.' });
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
          text: 'Threadline needs permission to reach api.copper.com to connect to Copper.',
        });
        return;
      }
      const answer = action === 'test' ? await api.testConnection(value) : await api.connect(value);
      if (!answer.ok) setResult({ kind: 'error', text: answer.error });
      else if (action === 'test')
        setResult({
          kind: 'ok',
          text: `Connection works: ${answer.info.accountName} (as ${answer.info.userName}).`,
        });
      else {
        setInfo(answer.info);
        setApiKey('');
        setResult({ kind: 'ok', text: `Connected to ${answer.info.accountName} — syncing starts now.` });
      }
    } finally {
      setBusy(false);
    }
  };

  if (info === undefined) return <p aria-busy="true">Loading…</p>;
  if (info) {
    return (
      <div data-testid="connected">
        <p>
          Connected to <strong>{info.accountName}</strong> as {info.userName} ({info.email}) —{' '}
          {info.kind === 'local' ? `local demo CRM at ${info.baseUrl}` : 'Copper'}.
        </p>
        {result && (
          <p role="status" class={result.kind === 'ok' ? 'ok' : 'error'}>
            {result.text}
          </p>
        )}
        <button
          type="button"
          onClick={() => {
            if (!confirm('Disconnect the CRM? Threadline deletes its saved CRM data from this browser.'))
              return;
            void api.disconnect().then(() => {
              setInfo(null);
              setResult(null);
            });
          }}
        >
          Disconnect
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
        <legend>CRM{lockedKind !== null && <span class="lock"> Set by your administrator</span>}</legend>
        <label>
          <input
            type="radio"
            name="kind"
            value="local"
            checked={(lockedKind ?? kind) === 'local'}
            onChange={() => setKind('local')}
          />{' '}
          Local demo CRM (runs with <code>npm start</code>)
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            value="copper"
            checked={(lockedKind ?? kind) === 'copper'}
            onChange={() => setKind('copper')}
          />{' '}
          Copper
        </label>
      </fieldset>
      {(lockedKind ?? kind) === 'local' && (
        <label>
          Address{lockedUrl !== null && <span class="lock"> Set by your administrator</span>}
          <input
            value={lockedUrl ?? baseUrl}
            readOnly={lockedUrl !== null}
            onInput={(e) => setBaseUrl((e.target as HTMLInputElement).value)}
            data-testid="crm-url"
          />
        </label>
      )}
      <label>
        API key
        <input
          type="password"
          autoComplete="off"
          value={apiKey}
          onInput={(e) => setApiKey((e.target as HTMLInputElement).value)}
          data-testid="crm-key"
        />
      </label>
      <label>
        E-mail of the key’s owner
        <input
          type="email"
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          data-testid="crm-email"
        />
      </label>
      {kind === 'local' && (
        <details>
          <summary>Advanced</summary>
          <label>
            Requests per minute (Copper allows 180; leave empty for Threadline's default of 174)
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
          Test connection
        </button>
        <button type="submit" class="primary" disabled={busy} data-testid="connect">
          Connect
        </button>
      </div>
    </form>
  );
}
