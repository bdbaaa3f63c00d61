import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { useStore } from 'zustand';
import type { SidebarState, SidebarStore } from './store';

export const SidebarStoreContext = createContext<SidebarStore | null>(null);

export function useSidebarStore<T>(select: (state: SidebarState) => T): T {
  const store = useContext(SidebarStoreContext);
  if (!store) throw new Error('useSidebarStore needs <SidebarStoreContext.Provider>');
  return useStore(store, select);
}
