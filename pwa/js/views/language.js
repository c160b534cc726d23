// The language picker (sign-in screen and My caseload). The choice is kept on the device and,
// once signed in, on the user (PUT /me/language), so it follows the person to another tablet.
import { currentLanguage, languages, loadLanguage, t } from '../i18n.js';
import { h } from '../ui.js';

export function languagePicker(app) {
  const select = h(
    'select',
    { id: 'language', class: 'language-select' },
    ...Object.entries(languages()).map(([code, name]) => h('option', { value: code, selected: code === currentLanguage() }, name)),
  );
  select.addEventListener('change', async () => {
    await loadLanguage(select.value);
    if (app.user) await app.keepLanguage(select.value);
    else app.pickedLanguage = select.value; // chosen on the sign-in screen: kept at sign-in
    app.languageChanged();
  });
  return h('div', { class: 'language' }, h('label', { for: 'language', class: 'field-label' }, t('language.label')), select);
}
