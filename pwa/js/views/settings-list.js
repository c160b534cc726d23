// The clinic's list of session settings, kept by a director or admin (PUT /session-settings):
// one name per line, in the order the start sheet offers them. Sessions keep the setting they
// were recorded with when a name leaves the list (docs/caregivers.md, "Session settings").
import { t } from '../i18n.js';
import { h, toast } from '../ui.js';

export const KEEPS_SETTINGS = new Set(['director', 'admin']);

export function settingsListPanel(app) {
  const id = 'settings-list';
  const text = h('textarea', { id, rows: 6, maxlength: 4000, 'aria-describedby': `${id}-hint`, disabled: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'btn primary', disabled: true }, t('settings_list.save'));
  const names = () => text.value.split('\n').map((n) => n.trim()).filter(Boolean);
  app.api.sessionSettings().then(({ settings }) => {
    text.value = settings.join('\n');
    text.disabled = false;
    save.disabled = false;
  }, () => {
    error.textContent = t('settings_list.offline');
  });
  const form = h('form', { class: 'panel settings-list', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, t('settings_list.title')),
    h('label', { for: id, class: 'field-label' }, t('settings_list.label')),
    h('p', { class: 'hint', id: `${id}-hint` }, t('settings_list.hint')),
    text,
    error,
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    save.disabled = true;
    try {
      const { settings } = await app.api.api('/session-settings', { method: 'PUT', body: { settings: names() } });
      text.value = settings.join('\n');
      toast(t('settings_list.saved', { n: settings.length }));
    } catch (err) {
      const fields = err?.body?.error?.fields?.settings;
      error.textContent = err?.status === 0 ? t('settings_list.offline') : (Array.isArray(fields) ? fields.join(' ') : '') || err.message;
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
