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

/** Whether Gmail shows a dark theme: the luminance of the page's background. */
export function gmailIsDark(doc: Document = document): boolean {
  const colour = getComputedStyle(doc.body).backgroundColor;
  const [r = 255, g = 255, b = 255, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  if (a === 0) return false;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

/**
 * Tells the sidebar Gmail's theme through its URL's fragment (#theme=dark): a fragment change does
 * not reload the frame, and no data travels this way, only the theme. Re-checked when Gmail's
 * theme changes (its <body> style or class).
 */
export function followGmailTheme(frame: HTMLIFrameElement, base: string, doc: Document = document): void {
  let current: string | null = null;
  const apply = () => {
    const theme = gmailIsDark(doc) ? 'dark' : 'light';
    if (theme === current) return;
    current = theme;
    frame.src = `${base}#theme=${theme}`;
  };
  apply();
  new MutationObserver(apply).observe(doc.body, { attributes: true, attributeFilter: ['class', 'style'] });
  new MutationObserver(apply).observe(doc.documentElement, {
    attributes: true,
    attributeFilter: ['class', 'style'],
  });
}
