// The sync badge in the header (pending count, last successful sync) and the panel it
// opens: sync now, sign in again, and the entries the server refused.
import { fmtNumber, fmtTime, t } from '../i18n.js';
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
    h('span', { class: 'visually-hidden' }, t('sync.badge_label')),
    h('span', { class: 'badge-main' }, text),
    h('span', { class: 'badge-sub' }, detail),
  );
}

/** Words a technician can act on for each kind of refusal (the server's reason follows). */
const REFUSAL = new Set(['conflict', 'session_refused', 'forbidden', 'not_found', 'outside_session', 'invalid']);
const refusal = (code) => t(`refusal.${REFUSAL.has(code) ? code : 'invalid'}`);

export async function openSyncPanel(app) {
  if (!app.sync) return;
  const rejected = await app.outbox.rejectedRecords();
  await openDialog(t('sync.title'), (close) => {
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
        h('span', { class: 'reason' }, t('sync.refused_because', { refusal: refusal(r.code), reason: r.reason })),
        h('button', { type: 'button', class: 'btn small', onclick: () => again([r.id], li) }, t('sync.send_again')),
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
    }, t('sync.send_all_again', { n: rejected.length }));
    return [
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('sync.status')), h('dd', {}, describeSync(s, { online: navigator.onLine }).text),
        h('dt', {}, t('sync.waiting_to_send')), h('dd', {}, fmtNumber(s.pending, 0)),
        h('dt', {}, t('sync.last_success')), h('dd', {}, s.lastSuccessAt ? fmtTime(s.lastSuccessAt, { seconds: true }) : t('sync.not_yet')),
        h('dt', {}, t('sync.connection')), h('dd', {}, navigator.onLine ? t('sync.online') : t('sync.is_offline')),
        ...(s.lastError ? [h('dt', {}, t('sync.last_problem')), h('dd', {}, s.lastError)] : []),
      ),
      rejected.length
        ? h('section', {}, h('h3', {}, t('sync.needs_attention')), h('p', { class: 'hint' }, t('sync.refused_hint')), h('ul', { class: 'rejected' }, ...list), rejected.length > 1 ? h('div', { class: 'actions' }, all) : '')
        : '',
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.close')),
        s.state === 'auth'
          ? h('button', { type: 'button', class: 'btn primary', onclick: () => { close(); renderSignInStrip(app, { form: true }); } }, t('shell.signin_again'))
          : h('button', { type: 'button', class: 'btn primary', onclick: () => { app.sync.syncNow(); close(); } }, t('sync.now')),
      ),
    ];
  });
}
