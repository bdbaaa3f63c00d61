/**
 * The in-product disclosure shown right before the "Allow" button (Limited Use rule 7). Its version
 * and the SHA-256 of its text are stored with the consent; a new version blocks logging until the
 * user agrees again. Change the text → bump the version.
 */
export const DISCLOSURE = {
  scope: 'emailLogging',
  version: 1,
  title: 'Allow Threadline to send e-mail to your CRM?',
  text: [
    'When you link a thread or log e-mail, Threadline sends these from Gmail to your CRM, and to nowhere else:',
    '• the Gmail thread and message ids, so each message is logged once;',
    '• the participants, subject and date of each message logged;',
    '• the plain-text body, only if your settings (or your administrator) set logging to "full".',
    'It is used only to keep the CRM record of your conversations, is never used for ads or to train AI models, and is not read by people except as you choose in your CRM.',
    'You can withdraw this at any time under Settings → Privacy; logging stops at once.',
  ].join('\n'),
} as const;

export const LIMITED_USE_STATEMENTS = [
  'The use of information received from Google APIs will adhere to the Chrome Web Store User Data Policy, including the Limited Use requirements.',
  'The use of information received from Google APIs will adhere to the Google User Data Policy, including the Limited Use requirements.',
] as const;

/** Hex SHA-256 of the disclosure text (Web Crypto: available in the worker, the pages and Node). */
export async function disclosureHash(text: string = DISCLOSURE.text): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
