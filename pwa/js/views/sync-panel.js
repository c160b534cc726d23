// The sync badge in the header (pending count, last successful sync) and the panel it
// opens: sync now, sign in again, and the entries the server refused.
import { ago, h, openDialog } from '../ui.js';
import { describeRecord } from './describe.js';

export function renderBadge(app) {
  const badge = document.getElementById('sync-badge');
  const s = app.syncStatus;
  if (!app.user || !s) {
    badge.hidden = true;
    return;
  }
  badge.hidden = false;
  const online = navigator.onLine;
  let text;
  let state;
  if (s.state === 'auth') [text, state] = [`Sign in to send ${s.pending}`, 'warn'];
  else if (s.pending > 0 && (!online || s.state === 'offline')) [text, state] = [`Offline · ${s.pending} waiting`, 'pending'];
  else if (s.pending > 0) [text, state] = [`${s.state === 'syncing' ? 'Sending' : 'Waiting'} · ${s.pending}`, 'pending'];
  else if (!online) [text, state] = ['Offline · all sent', 'ok'];
  else [text, state] = ['All sent', 'ok'];
  if (s.rejected > 0) state = 'warn';
  const last = s.lastSuccessAt ? `synced ${ago(s.lastSuccessAt)}` : 'not synced yet';
  const sub = s.rejected > 0 ? `${s.rejected} need attention` : last;
  // Called on every tap: touch the DOM only when the words change.
  if (badge.dataset.text === `${state}|${text}|${sub}`) return;
  badge.dataset.text = `${state}|${text}|${sub}`;
  badge.dataset.state = state;
  badge.replaceChildren(
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, 'Sync: '),
    h('span', { class: 'badge-main' }, text),
    h('span', { class: 'badge-sub' }, sub),
  );
}

export async function openSyncPanel(app) {
  if (!app.sync) return;
  const rejected = await app.outbox.rejectedRecords();
  await openDialog('Sync', (close) => {
    const s = app.sync.status();
    const list = rejected.map((r) =>
      h(
        'li',
        {},
        h('strong', {}, describeRecord(r)),
        h('span', { class: 'reason' }, r.reason),
        h('button', {
          type: 'button',
          class: 'btn small',
          onclick: async (e) => {
            await app.outbox.retry(r.id);
            e.target.closest('li').remove();
            app.sync.syncNow();
          },
        }, 'Send again'),
      ),
    );
    return [
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Waiting to send'), h('dd', {}, String(s.pending)),
        h('dt', {}, 'Last successful sync'), h('dd', {}, s.lastSuccessAt ? new Date(s.lastSuccessAt).toLocaleTimeString() : 'not yet'),
        h('dt', {}, 'Connection'), h('dd', {}, navigator.onLine ? 'online' : 'offline'),
        ...(s.lastError ? [h('dt', {}, 'Last problem'), h('dd', {}, s.lastError)] : []),
      ),
      rejected.length
        ? h('section', {}, h('h3', {}, 'Needs attention'), h('p', { class: 'hint' }, 'The server refused these entries. They are kept on this device; ask your supervisor, then send them again.'), h('ul', { class: 'rejected' }, ...list))
        : '',
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Close'),
        s.state === 'auth'
          ? h('button', { type: 'button', class: 'btn primary', onclick: () => { close(); app.loginExpired(); } }, 'Sign in again')
          : h('button', { type: 'button', class: 'btn primary', onclick: () => { app.sync.syncNow(); close(); } }, 'Sync now'),
      ),
    ];
  });
}
