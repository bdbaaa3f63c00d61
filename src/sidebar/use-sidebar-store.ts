import { createContext } from 'preact';
import { useContext, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { SidebarState, SidebarStore } from './store';

export const SidebarStoreContext = createContext<SidebarStore | null>(null);

/**
 * A slice of the sidebar's Zustand store, re-rendering the component when that slice changes
 * (compared with `Object.is`, as Zustand's own hook does). Written on Preact's hooks rather than
 * Zustand's React binding: that binding needs `preact/compat`, whose hook on every element created
 * (renaming props the React way) cost about half a millisecond of each card's render.
 */
export function useSidebarStore<T>(select: (state: SidebarState) => T): T {
  const store = useContext(SidebarStoreContext);
  if (!store) throw new Error('useSidebarStore needs <SidebarStoreContext.Provider>');
  const value = select(store.getState());
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // Assigned field by field: no object allocated per render (about 25 hooks render per card).
  const shown = useRef<{ select: (state: SidebarState) => T; value: T } | null>(null);
  if (shown.current) {
    shown.current.select = select;
    shown.current.value = value;
  } else shown.current = { select, value };
  useLayoutEffect(() => {
    const check = () => {
      if (!shown.current) return;
      const { select: current, value: was } = shown.current;
      try {
        if (Object.is(current(store.getState()), was)) return;
      } catch {
        // A selector that throws on the new state throws again in the render, where it belongs:
        // not here, in the store's update, which would keep the change from the other listeners.
      }
      rerender(0);
    };
    // The store may have changed between this render and the subscription.
    check();
    return store.subscribe(check);
  }, [store]);
  return value;
}
