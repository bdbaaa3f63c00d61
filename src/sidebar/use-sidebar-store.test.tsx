// @vitest-environment happy-dom
import { Component, type ComponentChildren, render } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createSidebarStore, type SidebarStore } from './store';
import { SidebarStoreContext, useSidebarStore } from './use-sidebar-store';

afterEach(() => {
  document.body.innerHTML = '';
});

function mount(store: SidebarStore, view: () => preact.JSX.Element) {
  const root = document.createElement('div');
  document.body.append(root);
  const View = view;
  act(() => {
    render(
      <SidebarStoreContext.Provider value={store}>
        <View />
      </SidebarStoreContext.Provider>,
      root,
    );
  });
  return root;
}

describe('useSidebarStore', () => {
  it('re-renders when its slice changes, and only then', () => {
    const store = createSidebarStore();
    let renders = 0;
    const root = mount(store, () => {
      renders += 1;
      const seq = useSidebarStore((s) => s.focusSearchSeq);
      return <p>{seq}</p>;
    });
    expect(root.textContent).toBe('0');
    expect(renders).toBe(1);
    act(() => store.getState().requestSearchFocus());
    expect(root.textContent).toBe('1');
    expect(renders).toBe(2);
    // Another slice: no render.
    act(() => store.getState().receivePong(7));
    expect(renders).toBe(2);
  });

  it('catches a change made between its render and its subscription', () => {
    const store = createSidebarStore();
    function Changer() {
      // Runs after the reader rendered and before its own layout effect subscribed.
      useLayoutEffect(() => store.getState().requestSearchFocus(), []);
      return null;
    }
    const root = mount(store, () => (
      <>
        <Changer />
        <Reader />
      </>
    ));
    function Reader() {
      return <p>{useSidebarStore((s) => s.focusSearchSeq)}</p>;
    }
    expect(root.textContent).toBe('1');
  });

  it('uses the newest selector, and stops listening once unmounted', () => {
    const store = createSidebarStore();
    const listening = new Set<unknown>();
    const subscribe = store.subscribe;
    store.subscribe = (listener) => {
      listening.add(listener);
      const stop = subscribe(listener);
      return () => {
        listening.delete(listener);
        stop();
      };
    };
    const root = mount(store, () => <Both />);
    expect(listening.size).toBe(2);
    function Both() {
      const pong = useSidebarStore((s) => s.pong);
      // Until a pong, a selector that ignores the store: a hook that kept it would miss the change below.
      const focus = useSidebarStore((s) => (pong === null ? 0 : s.focusSearchSeq));
      return <p>{`${pong}:${focus}`}</p>;
    }
    expect(root.textContent).toBe('null:0');
    act(() => store.getState().receivePong(3));
    expect(root.textContent).toBe('3:0');
    act(() => store.getState().requestSearchFocus());
    expect(root.textContent).toBe('3:1');
    act(() => render(null, root));
    expect(listening.size).toBe(0);
    expect(root.textContent).toBe('');
  });

  it('tells every listener of a change even when one selector throws on it (the render shows the error)', () => {
    const store = createSidebarStore();
    class Catch extends Component<{ children: ComponentChildren }, { failed: boolean }> {
      override state = { failed: false };
      override componentDidCatch() {
        this.setState({ failed: true });
      }
      render() {
        return this.state.failed ? <b>caught</b> : this.props.children;
      }
    }
    function Boom() {
      const pong = useSidebarStore((s) => {
        if (s.pong === 5) throw new Error('no such pong');
        return s.pong;
      });
      return <i>{String(pong)}</i>;
    }
    function After() {
      return <u>{useSidebarStore((s) => s.focusSearchSeq)}</u>;
    }
    const root = mount(store, () => (
      <>
        <Catch>
          <Boom />
        </Catch>
        <After />
      </>
    ));
    expect(root.textContent).toBe('null0');
    act(() => store.setState({ pong: 5, focusSearchSeq: 9 }));
    expect(root.textContent).toBe('caught9');
  });

  it('needs the store in context', () => {
    const root = document.createElement('div');
    function Lonely() {
      useSidebarStore((s) => s.pong);
      return null;
    }
    expect(() => render(<Lonely />, root)).toThrow('useSidebarStore needs');
  });
});
