/** The keys of public/_locales/en/messages.json (the reference locale): t() takes only these. */
import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;
