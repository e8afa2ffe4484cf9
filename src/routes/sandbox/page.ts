/** The sandbox page's HTML: three plain tables; every value escaped (e-mail bodies are user text). */
import type { SandboxView } from "../../services/sandbox/read";

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

function table(headers: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderSandboxPage(view: SandboxView): string {
  const inbox = view.inbox.available
    ? table(["received", "to", "subject", "text"], view.inbox.emails.map((email) => [email.receivedAt, email.to.join(", "), email.subject, email.text]), "No e-mail yet.")
    : `<p class="empty">The SMTP stand-in is not running (real SMTP is configured, or SANDBOX_INBOX_URL is unset).</p>`;
  const google = view.google.available;
  const sheet = google
    ? table(["spreadsheet", "tab", "row"], view.google.sheetRows.map((row) => [row.spreadsheet, row.tab, row.cells.join(" | ")]), "No rows yet.")
    : `<p class="empty">The Google stand-in is not running.</p>`;
  const events = google
    ? table(["start", "end", "summary", "status", "calendar"], view.google.events.map((event) => [event.start, event.end, event.summary, event.status, event.calendar]), "No events yet.")
    : `<p class="empty">The Google stand-in is not running.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agentline sandbox</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2933; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d9e2ec; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  td { white-space: pre-wrap; max-width: 40rem; } th { background: #f0f4f8; } .empty { color: #627d98; }
  .badge { background: #fce588; border-radius: .25rem; padding: .1rem .4rem; font-size: .8rem; }
</style></head>
<body>
<h1>Agentline sandbox <span class="badge">stand-ins</span></h1>
<p>What the local stand-ins received. Reload to refresh. <code>npm run simulate:call -- --script books</code> places a call.</p>
<h2>Inbox (SMTP stand-in)</h2>${inbox}
<h2>Calendar events (Google stand-in)</h2>${events}
<h2>Sheet rows (Google stand-in)</h2>${sheet}
</body></html>`;
}
