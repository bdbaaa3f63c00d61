/**
 * The in-product disclosure shown right before the "Allow" button (Limited Use rule 7). Its version
 * and the SHA-256 of its text are stored with the consent; a new version blocks logging until the
 * user agrees again. Change the text → bump the version.
 */
export const DISCLOSURE = {
  scope: 'emailLogging',
  /** Its text is the `disclosureText` message of each locale: change any of them, bump this. */
  version: 1,
} as const;

/**
 * Hex SHA-256 of the disclosure text as shown (Web Crypto: available in the worker, the pages and
 * Node). The page and the worker both take the text from chrome.i18n, so they agree in any locale.
 */
export async function disclosureHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
