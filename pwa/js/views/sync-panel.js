// The sync badge in the header (pending count, last successful sync) and the panel it
// opens: sync now, sign in again, and the entries the server refused.
import { describeSync } from '../sync.js';
import { h, openDialog } from '../ui.js';
import { describeRecord } from './describe.js';
import { renderSignInStrip } from './signin.js';

export function renderBadge(app) {
  const badge = document.getElementById('sync-badge');
  const s = app.syncStatus;
  if (!app.user || !s) {
    badge.hidden = true;
    return;
  }
  badge.hidden = false;
  const { text, detail, tone } = describeSync(s, { online: navigator.onLine });
  // Called on every tap: touch the DOM only when the words change.
  if (badge.dataset.text === `${tone}|${text}|${detail}`) return;
  badge.dataset.text = `${tone}|${text}|${detail}`;
  badge.dataset.state = tone;
  badge.replaceChildren(
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, 'Sync: '),
    h('span', { class: 'badge-main' }, text),
    h('span', { class: 'badge-sub' }, detail),
  );
}

/** Words a technician can act on for each kind of refusal (the server's reason follows). */
const REFUSAL = {
  conflict: 'Conflict: the server holds different data under this id',
  session_refused: 'Waits for its session',
  forbidden: 'Not allowed',
  not_found: 'Not found on the server',
  outside_session: 'Outside the session’s time',
  invalid: 'Refused',
};

export async function openSyncPanel(app) {
  if (!app.sync) return;
  const rejected = await app.outbox.rejectedRecords();
  await openDialog('Sync', (close) => {
    const s = app.sync.status();
    const again = async (ids, li) => {
      await app.outbox.retry(ids);
      li.remove();
      app.sync.syncNow();
    };
    const list = rejected.map((r) => {
      const li = h(
        'li',
        { class: r.code === 'conflict' ? 'conflict' : '' },
        h('strong', {}, describeRecord(r)),
        h('span', { class: 'reason' }, `${REFUSAL[r.code] ?? REFUSAL.invalid}: ${r.reason}`),
        h('button', { type: 'button', class: 'btn small', onclick: () => again([r.id], li) }, 'Send again'),
      );
      return li;
    });
    const all = h('button', {
      type: 'button',
      class: 'btn primary',
      onclick: async () => {
        await app.outbox.retry();
        close();
        app.sync.syncNow();
      },
    }, `Send all ${rejected.length} again`);
    return [
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', {}, describeSync(s, { online: navigator.onLine }).text),
        h('dt', {}, 'Waiting to send'), h('dd', {}, String(s.pending)),
        h('dt', {}, 'Last successful sync'), h('dd', {}, s.lastSuccessAt ? new Date(s.lastSuccessAt).toLocaleTimeString() : 'not yet'),
        h('dt', {}, 'Connection'), h('dd', {}, navigator.onLine ? 'online' : 'offline'),
        ...(s.lastError ? [h('dt', {}, 'Last problem'), h('dd', {}, s.lastError)] : []),
      ),
      rejected.length
        ? h('section', {}, h('h3', {}, 'Needs attention'), h('p', { class: 'hint' }, 'The server refused these entries. They are kept on this device; ask your supervisor, then send them again.'), h('ul', { class: 'rejected' }, ...list), rejected.length > 1 ? h('div', { class: 'actions' }, all) : '')
        : '',
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Close'),
        s.state === 'auth'
          ? h('button', { type: 'button', class: 'btn primary', onclick: () => { close(); renderSignInStrip(app, { form: true }); } }, 'Sign in again')
          : h('button', { type: 'button', class: 'btn primary', onclick: () => { app.sync.syncNow(); close(); } }, 'Sync now'),
      ),
    ];
  });
}
