/**
 * The extension's own pages (settings, welcome) follow the system's dark mode: `data-theme` on
 * <html> picks the tokens' palette (tokens.css), and follows a change while the page is open.
 */
export function applySystemTheme(): void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    document.documentElement.dataset.theme = dark.matches ? 'dark' : 'light';
  };
  apply();
  dark.addEventListener('change', apply);
}
