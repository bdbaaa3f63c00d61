import type { FunctionComponent } from 'preact';
import { ConnectionStatus } from './connection-status/connection-status';
import { ConsentPrompt } from './consent-prompt/consent-prompt';
import { ContactCards } from './contact-cards/contact-cards';
import { CrmSearch } from './crm-search/crm-search';
import { DealActions } from './deal-actions/deal-actions';
import { NotesTasks } from './notes-tasks/notes-tasks';
import { SyncFooter } from './sync-footer/sync-footer';
import { ThreadLinks } from './thread-links/thread-links';
import { ThreadParticipants } from './thread-participants/thread-participants';

export interface SidebarFeature {
  /** Folder name under src/sidebar/features/, and the name in the README's feature list. */
  id: string;
  Component: FunctionComponent;
}

/** Every sidebar feature, in display order. A structure test keeps this, the folders and the README in sync. */
export const sidebarFeatures: readonly SidebarFeature[] = [
  { id: 'crm-search', Component: CrmSearch },
  { id: 'connection-status', Component: ConnectionStatus },
  { id: 'thread-participants', Component: ThreadParticipants },
  { id: 'contact-cards', Component: ContactCards },
  { id: 'consent-prompt', Component: ConsentPrompt },
  { id: 'thread-links', Component: ThreadLinks },
  { id: 'deal-actions', Component: DealActions },
  { id: 'notes-tasks', Component: NotesTasks },
  { id: 'sync-footer', Component: SyncFooter },
];
