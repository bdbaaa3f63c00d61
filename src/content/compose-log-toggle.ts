/** The "Log to CRM" switch shown in each compose window (plain DOM: it holds no CRM data). */
export function createLogToggle(initial: boolean, onChange: (on: boolean) => void): HTMLElement {
  const label = document.createElement('label');
  label.className = 'threadline-log-toggle';
  label.style.cssText =
    'display:inline-flex;align-items:center;gap:6px;padding:4px 12px;font:13px sans-serif;';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = initial;
  box.dataset.testid = 'compose-log-toggle';
  box.addEventListener('change', () => onChange(box.checked));
  label.append(box, document.createTextNode('Log to CRM (Threadline)'));
  return label;
}

/** Unix seconds from the date Gmail shows, when it parses. */
export function parseGmailDate(text: string | null | undefined): number | null {
  if (!text) return null;
  const ms = Date.parse(text.replace(/\u202f/g, ' ').replace(/ at /, ' '));
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
