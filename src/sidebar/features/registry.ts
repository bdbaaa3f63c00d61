import type { FunctionComponent } from 'preact';
import { ThreadParticipants } from './thread-participants/thread-participants';

export interface SidebarFeature {
  /** Folder name under src/sidebar/features/, and the name in the README's feature list. */
  id: string;
  Component: FunctionComponent;
}

/** Every sidebar feature, in display order. A structure test keeps this, the folders and the README in sync. */
export const sidebarFeatures: readonly SidebarFeature[] = [
  { id: 'thread-participants', Component: ThreadParticipants },
];
