// The role-aware navigation under the app bar (#nav-slot in index.html): technicians see their
// caseload only (so no bar); therapists add fidelity results; BCBAs, directors and admins add
// client views and the dashboard. Hidden while a session is being recorded.
import { currentLanguage, t } from '../i18n.js';
import { h } from '../ui.js';
import { DIRECTORS, PROGRAMMERS, SUPERVISORS, outboxItems } from './bcba-common.js';

const LINKS = [
  { href: '#/', label: 'nav.caseload', show: () => true, current: (hash) => /^#?\/?$/.test(hash) || hash.startsWith('#/incident/') || hash.startsWith('#/summary/') },
  { href: '#/fidelity-results', label: 'nav.fidelity', show: (role) => SUPERVISORS.has(role), current: (hash) => hash.startsWith('#/fidelity-results') },
  { href: '#/clients', label: 'nav.clients', show: (role) => PROGRAMMERS.has(role), current: (hash) => hash.startsWith('#/client') },
  { href: '#/dashboard', label: 'nav.dashboard', show: (role) => PROGRAMMERS.has(role), current: (hash) => hash.startsWith('#/dashboard') },
  { href: '#/notes', label: 'nav.notes', show: (role) => PROGRAMMERS.has(role), current: (hash) => hash.startsWith('#/notes') },
  { href: '#/supervision', label: 'nav.supervision', show: (role) => PROGRAMMERS.has(role), current: (hash) => hash.startsWith('#/supervision') },
  { href: '#/chart-audits', label: 'nav.chart_audits', show: (role) => DIRECTORS.has(role), current: (hash) => hash.startsWith('#/chart-audits') },
  { href: '#/staff', label: 'nav.staff', show: (role) => DIRECTORS.has(role), current: (hash) => hash.startsWith('#/staff') },
  { href: '#/training', label: 'nav.training', show: (role) => PROGRAMMERS.has(role), current: (hash) => hash.startsWith('#/training') },
];

let wired = false;

/** Draw the bar for the signed-in user and the current route. Called on every route change. */
export function renderNav(app) {
  if (!wired) {
    wired = true;
    // Phase changes and incident reports the server holds are dropped from the device at once.
    // Only once everything waiting has been answered, and only when there may be some.
    document.addEventListener('bdc:sync', (e) => {
      if (e.detail?.state !== 'idle' || e.detail.pending > 0 || !outboxItems.mayNeedPrune || !app.outbox) return;
      outboxItems.mayNeedPrune = false;
      app.outbox.pruneSentItems().catch(() => {
        outboxItems.mayNeedPrune = true;
      });
    });
  }
  const nav = document.getElementById('nav-slot');
  if (!nav) return;
  const hash = location.hash || '#/';
  const links = app.user ? LINKS.filter((l) => l.show(app.user.role)) : [];
  const recording = /^#\/(session|fidelity|group)\/[\w-]+$/.test(hash);
  nav.hidden = links.length < 2 || recording;
  if (nav.hidden) return nav.replaceChildren();
  const key = `${app.user.role}|${hash}|${currentLanguage()}`;
  if (nav.dataset.key === key) return undefined;
  nav.dataset.key = key;
  nav.replaceChildren(
    h(
      'ul',
      {},
      ...links.map((l) => h('li', {}, h('a', { href: l.href, 'aria-current': l.current(hash) ? 'page' : null }, t(l.label)))),
    ),
  );
  return undefined;
}

/** Links under a client's card on My caseload: file an incident report; open the client view. */
export function clientCardLinks(app, client) {
  const who = () => h('span', { class: 'visually-hidden' }, ` ${t('caseload.for', { name: client.name })}`);
  const caregiver = app.user?.role === 'caregiver';
  return h(
    'div',
    { class: 'card-links' },
    // A caregiver records at home on the phone: no incident reports, no paper sheets.
    caregiver ? '' : h('a', { class: 'btn small', href: `#/incident/new/${client.id}` }, t('caseload.incident'), who()),
    caregiver ? '' : h('a', { class: 'btn small', href: `#/paper/${client.id}` }, t('caseload.paper'), who()),
    caregiver ? h('a', { class: 'btn small', href: `#/child/${client.id}` }, t('caseload.child_view'), who()) : '',
    caregiver ? h('a', { class: 'btn small', href: `#/shared-notes/${client.id}` }, t('snote.shared_link'), who()) : '',
    PROGRAMMERS.has(app.user?.role)
      ? h('a', { class: 'btn small', href: `#/client/${client.id}` }, t('caseload.client_view'), h('span', { class: 'visually-hidden' }, ` ${t('caseload.of', { name: client.name })}`))
      : '',
  );
}
