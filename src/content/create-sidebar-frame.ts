export const SIDEBAR_PAGE = 'src/sidebar/index.html';

/**
 * The sidebar lives in an extension-origin iframe: Gmail's scripts and other extensions cannot
 * read what it shows, and Gmail's CSS cannot touch it (ARCHITECTURE.md). One per tab, never reloaded.
 */
export function createSidebarFrame(src: string, doc: Document = document): HTMLIFrameElement {
  const frame = doc.createElement('iframe');
  frame.src = src;
  frame.title = 'Threadline';
  frame.dataset.threadline = 'sidebar';
  frame.setAttribute(
    'style',
    'border:0;width:100%;height:100%;min-height:480px;display:block;color-scheme:normal',
  );
  return frame;
}
