import { ConnectCrm } from './connect-crm';
import type { OptionsApi } from './options-api';
import { PolicySettings, useSettings } from './policy-settings';
import { PrivacyCentre } from './privacy-centre';
import { UserSettings } from './user-settings';

export function OptionsApp({ version, api }: { version: string; api: OptionsApi }) {
  const settings = useSettings(api);
  return (
    <main class="options">
      <header>
        <h1>Threadline</h1>
        <p class="version">Version {version}</p>
      </header>
      <section aria-labelledby="connect-title">
        <h2 id="connect-title">Connect a CRM</h2>
        <ConnectCrm api={api} settings={settings} />
      </section>
      <section aria-labelledby="settings-title">
        <h2 id="settings-title">Settings</h2>
        <UserSettings api={api} answer={settings} />
        <PolicySettings answer={settings} />
      </section>
      <section aria-labelledby="about-title">
        <h2 id="about-title">What Threadline does</h2>
        <p>
          Threadline shows who you are emailing in a sidebar next to each Gmail conversation: the people on
          the thread and their CRM records. It reads the open thread's subject, participants and message ids.
          It sends the participants' e-mail addresses to the CRM you connect, only to look them up, and the
          names and addresses of people you choose to add. When you link a thread or log e-mail (after you
          allow it), it sends the thread and message ids, participants, subject and date, and the text only if
          logging is set to "full". Nothing goes anywhere else.
        </p>
      </section>
      <section aria-labelledby="privacy-title">
        <h2 id="privacy-title">Privacy</h2>
        <PrivacyCentre api={api} />
      </section>
    </main>
  );
}
