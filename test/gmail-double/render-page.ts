import type { DoublePerson, GmailDoubleFixture } from './fixture';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const person = ({ name, address }: DoublePerson): string =>
  `<span class="double-person" data-name="${escapeHtml(name)}" data-address="${escapeHtml(address)}">${escapeHtml(
    name || address,
  )}</span>`;

/**
 * A static, Gmail-like page: an inbox list, every thread's view (hidden until its row is opened),
 * a compose button, and a right-hand column where the sidebar is mounted. All text is escaped, so
 * fixtures may carry HTML-looking strings. The double host (double-host.ts) reads this markup.
 */
export function renderGmailDouble(fixture: GmailDoubleFixture): string {
  const rows = fixture.threads
    .map((t) => {
      const contacts = [...new Map(t.messages.map((m) => [m.from.address, m.from])).values()]
        .map(person)
        .join(', ');
      return `<tr class="double-row" data-thread-id="${escapeHtml(t.threadId)}">
        <td class="double-contacts">${contacts}</td>
        <td><a class="double-open" href="#inbox/${escapeHtml(t.threadId)}">${escapeHtml(t.subject || '(no subject)')}</a></td>
      </tr>`;
    })
    .join('\n');
  const threads = fixture.threads
    .map(
      (t) => `<section class="double-thread" data-thread-id="${escapeHtml(t.threadId)}" hidden>
      <h2 class="double-subject">${escapeHtml(t.subject)}</h2>
      ${t.messages
        .map((m) => {
          // A collapsed message shows its sender only; the rest appears when it is clicked.
          const part = m.collapsed ? ' data-collapsed-part hidden' : '';
          return `<article class="double-message" data-message-id="${escapeHtml(m.messageId)}"${m.collapsed ? ' data-collapsed="true"' : ''}>
          <div class="double-from">${person(m.from)}</div>
          <div class="double-to"${part}>to ${m.to.map(person).join(', ')}</div>
          <div class="double-cc"${part}>${(m.cc ?? []).map(person).join(', ')}</div>
          <div class="double-date"${part}>${escapeHtml(m.date)}</div>
          <div class="double-body"${part}>${escapeHtml(m.body)}</div>
        </article>`;
        })
        .join('\n')}
      <p><button type="button" class="double-reply">Reply</button> <a href="#inbox" class="double-back">Back to Inbox</a></p>
    </section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inbox - ${escapeHtml(fixture.account)} - Gmail</title>
<style>
  body { margin: 0; font: 14px Arial, sans-serif; }
  .double-app { display: grid; grid-template-columns: 1fr 360px; height: 100vh; }
  .double-main { overflow: auto; padding: 8px 16px; }
  #double-sidebar { border-left: 1px solid #ddd; height: 100vh; }
  .double-row td { padding: 6px 8px; border-bottom: 1px solid #eee; }
  .double-message { border-bottom: 1px solid #eee; padding: 8px 0; }
</style></head>
<body data-gmail-double-account="${escapeHtml(fixture.account)}" data-gmail-double-panel="${fixture.sidePanel ?? 'late'}"${fixture.dark ? ' style="background:#202124;color:#e8eaed"' : ''}>
<div class="double-app">
  <div class="double-main">
    <header><strong>Gmail</strong> (double) <button type="button" id="double-compose">Compose</button></header>
    <div id="double-inbox" role="main"><table><tbody>${rows}</tbody></table></div>
    <div id="double-threads">${threads}</div>
    <div id="double-composes"></div>
  </div>
  <aside id="double-sidebar" aria-label="Side panel"></aside>
</div>
</body></html>`;
}
