import { useEffect, useRef } from 'preact/hooks';
import { DISCLOSURE, disclosureHash } from '../../../shared/disclosure';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

/**
 * The in-product disclosure (Limited Use rule 7): shown when the user first asks to link or log,
 * immediately followed by an explicit "Allow". "Not now", Escape or leaving is not consent; nothing
 * is sent until Allow is pressed, and the worker checks the version and text hash it stored.
 */
export function ConsentPrompt() {
  const open = useSidebarStore((s) => s.consentAsked);
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const askConsent = useSidebarStore((s) => s.askConsent);
  const consentGranted = useSidebarStore((s) => s.consentGranted);
  const afterConsent = useSidebarStore((s) => s.afterConsent);
  const disclosureUrl = useSidebarStore((s) => s.extras?.extras.settings.disclosureUrl ?? null);
  const close = () => askConsent(false);
  // The shared action status (issue 12): busy is cleared however the request ends, and a handler
  // that failed is shown in the worker's own words.
  const { busy, message, error, run } = useAction();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);

  if (!open || !account) return null;
  const allow = async () => {
    // The hash is inside the action: if Web Crypto fails, that is an error shown, not a busy button.
    const answer = await run(
      async () =>
        ask('grantConsent', {
          account,
          version: DISCLOSURE.version,
          textHash: await disclosureHash(t('disclosureText')),
        }),
      '',
    );
    if (answer?.ok) {
      const then = afterConsent;
      consentGranted(account);
      close();
      then?.();
    }
  };
  return (
    <section
      class="consent"
      aria-labelledby="consent-title"
      data-testid="consent-prompt"
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
      }}
    >
      <h2 id="consent-title" tabIndex={-1} ref={heading}>
        {t('disclosureTitle')}
      </h2>
      <p class="disclosure" data-testid="disclosure-text">
        {t('disclosureText')}
      </p>
      {disclosureUrl && (
        <p class="small">
          {t('orgNotice')}{' '}
          <a href={disclosureUrl} target="_blank" rel="noopener noreferrer">
            {disclosureUrl}
          </a>
        </p>
      )}
      <ActionStatus message={message} error={error} />
      <div class="actions">
        <button type="button" class="primary" onClick={allow} disabled={busy} data-testid="consent-allow">
          <Icon name="shield" />
          {t('consentAllow')}
        </button>
        <button type="button" onClick={close} data-testid="consent-dismiss">
          {t('consentNotNow')}
        </button>
      </div>
    </section>
  );
}
