// What a BCBA (or director) manages about caregivers on the client view (docs/caregivers.md):
// which targets a caregiver may record at home, and which caregiver accounts are linked to the
// client. Both need a connection; the server checks the role again (403 for anyone else).
import { t } from '../i18n.js';
import { h, toast } from '../ui.js';

const failure = (err) => (err?.status === 0 ? t('links.offline') : err?.message || t('links.failed'));

/** The "Recordable at home" checkbox of one target: a PATCH of `home_recordable`. */
export function homeRecordableToggle(app, target) {
  const box = h('input', { type: 'checkbox', id: `home-${target.id}`, checked: Boolean(target.home_recordable) });
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    box.disabled = true;
    try {
      await app.api.api(`/targets/${target.id}`, { method: 'PATCH', body: { home_recordable: wanted } });
      target.home_recordable = wanted;
      toast(wanted ? t('links.home_on', { name: target.name }) : t('links.home_off', { name: target.name }));
      app.store.refreshCaseload(app.api).catch(() => {});
    } catch (err) {
      box.checked = !wanted;
      toast(failure(err), { kind: 'error' });
    } finally {
      box.disabled = false;
    }
  });
  return h('label', { class: 'check home-recordable', for: box.id }, box, t('links.home_recordable'));
}

/** The caregivers linked to the client: the list, unlink per row, link by username. */
export function caregiverPanel(app, client) {
  const list = h('ul', { class: 'plain-list caregivers' });
  const status = h('p', { class: 'hint', role: 'status' });
  const username = h('input', { type: 'text', id: `cg-user-${client.id}`, autocomplete: 'off', maxlength: 80 });
  const error = h('p', { class: 'error', role: 'alert' });
  const base = `/clients/${client.id}/caregivers`;

  const draw = async () => {
    try {
      const linked = await app.api.api(base);
      status.textContent = linked.length ? '' : t('links.none');
      list.replaceChildren(
        ...linked.map((c) => {
          const who = c.display_name || c.username;
          return h('li', {},
            h('span', {}, `${who} (${c.username})`), ' ',
            h('button', {
              type: 'button',
              class: 'btn small',
              'aria-label': t('links.unlink_who', { name: who }),
              onclick: async () => {
                try {
                  await app.api.api(`${base}/${c.user_id}`, { method: 'DELETE' });
                  toast(t('links.unlinked', { name: who }));
                  draw();
                } catch (err) {
                  toast(failure(err), { kind: 'error' });
                }
              },
            }, t('links.unlink')));
        }),
      );
    } catch (err) {
      status.textContent = failure(err);
    }
  };

  const form = h('form', { class: 'inline-form', novalidate: true },
    h('label', { for: username.id, class: 'field-label' }, t('links.username')),
    username,
    h('button', { type: 'submit', class: 'btn small primary' }, t('links.link')),
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const name = username.value.trim();
    if (!name) return username.focus();
    try {
      await app.api.api(base, { method: 'POST', body: { username: name } });
      username.value = '';
      toast(t('links.linked', { name }));
      draw();
    } catch (err) {
      error.textContent = err?.body?.error?.fields?.username?.[0] ?? failure(err);
    }
  });

  const el = h('section', { class: 'panel caregiver-links', 'aria-labelledby': `cg-h-${client.id}` },
    h('h2', { id: `cg-h-${client.id}` }, t('links.title')),
    h('p', { class: 'hint' }, t('links.intro')),
    status,
    list,
    form);
  return { el, draw };
}
