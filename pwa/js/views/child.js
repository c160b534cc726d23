// A caregiver's view of their own child (docs/caregivers.md): each target's graph, with home
// data marked apart from clinic data, the progress report, and the session notes shared with
// the family (views/shared-notes.js). Reads only the routes a
// caregiver may call (bdc.auth.CAREGIVER_ROUTES); the staff client view is never reached from
// here (app.js sends a caregiver on any staff screen back to My caseload).
import { t } from '../i18n.js';
import { h, mount } from '../ui.js';

export async function renderChild(app, clientId) {
  const caseload = await app.store.caseload();
  const child = caseload?.clients.find((c) => c.id === clientId);
  if (!child) {
    app.go('#/');
    return undefined;
  }
  const targets = caseload.targets[clientId] ?? [];
  const offline = h('p', { class: 'offline-note', role: 'status', hidden: navigator.onLine }, t('child.offline'));
  const onLine = () => {
    offline.hidden = navigator.onLine;
  };
  window.addEventListener('online', onLine);
  window.addEventListener('offline', onLine);

  const graph = (target) => {
    const img = h('img', {
      class: 'graph',
      alt: t('child.graph_of', { name: target.name }),
      decoding: 'async',
      loading: 'lazy',
      src: app.api.url(`/targets/${target.id}/graph.svg`),
    });
    const status = h('p', { class: 'hint', role: 'status' });
    img.addEventListener('error', () => {
      img.hidden = true;
      status.textContent = t('child.graph_failed');
    });
    return h('section', { class: 'panel child-target', 'aria-labelledby': `ct-${target.id}` },
      h('h2', { id: `ct-${target.id}` }, target.name),
      target.definition ? h('p', { class: 'definition' }, target.definition) : '',
      img,
      status);
  };

  mount(
    h('section', { class: 'panel' },
      h('h1', {}, t('child.title', { name: child.name })),
      h('p', { class: 'hint' }, t('child.intro')),
      offline,
      h('div', { class: 'actions' },
        h('a', { class: 'btn primary', href: app.api.url(`/clients/${clientId}/report.pdf`), download: '' }, t('child.report')),
        h('a', { class: 'btn', href: `#/shared-notes/${clientId}` }, t('snote.shared_link')),
        h('a', { class: 'btn', href: '#/' }, t('nav.caseload')))),
    ...targets.map(graph),
  );
  return () => {
    window.removeEventListener('online', onLine);
    window.removeEventListener('offline', onLine);
  };
}
