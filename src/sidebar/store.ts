import { createStore } from 'zustand/vanilla';
import type { ThreadState } from '../shared/protocol';

/** `connecting`: first contact with the worker; `reconnecting`: the worker restarted; `unreachable`: gave up. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'unreachable';

export interface SidebarState {
  connection: ConnectionStatus;
  thread: ThreadState | null;
  setConnection(connection: ConnectionStatus): void;
  /** Applies a state from the worker unless a newer one (higher `seq`) is already shown. */
  receiveThreadState(state: ThreadState): void;
}

export function createSidebarStore() {
  return createStore<SidebarState>()((set) => ({
    connection: 'connecting',
    thread: null,
    setConnection: (connection) => set({ connection }),
    receiveThreadState: (state) =>
      set((current) =>
        current.thread && current.thread.seq > state.seq
          ? { connection: 'connected' }
          : { thread: state, connection: 'connected' },
      ),
  }));
}
export type SidebarStore = ReturnType<typeof createSidebarStore>;
