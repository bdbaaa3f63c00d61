/**
 * Renders a Preact page into the test document (happy-dom) and takes every one down after each
 * test: the shared set-up of the page tests.
 */
import { type ComponentChild, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach } from 'vitest';

const roots: HTMLElement[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
  document.body.innerHTML = '';
});

/** Renders `page` into a new element of the document, its first effects run. */
export async function mount(page: ComponentChild): Promise<HTMLElement> {
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  await act(async () => {
    render(page, root);
  });
  return root;
}

export const byTestId = (root: HTMLElement, id: string): HTMLElement | null =>
  root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
