/** Gmail's origin: the only page Threadline's content script runs in and its sidebar is embedded in. */
export const GMAIL_ORIGIN = 'https://mail.google.com';
