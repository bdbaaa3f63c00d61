import { t } from './i18n';
import { Icon } from './icon';

// Gmail's mail UI (mail.google.com/ itself only redirects here); the signed-in default account.
export const GMAIL_HOME = 'https://mail.google.com/mail/';

/** "Open Gmail", as a button-styled link: the next step after connecting, from any of our pages. */
export function OpenGmailLink({ primary = false, newTab = false }: { primary?: boolean; newTab?: boolean }) {
  return (
    <a
      class={primary ? 'button primary' : 'button'}
      href={GMAIL_HOME}
      data-testid="open-gmail"
      {...(newTab ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
    >
      <Icon name="mail" />
      {t('setOpenGmail')}
    </a>
  );
}
