// A single-choice group of large toggle chips (aria-pressed), with a free-text fallback
// when the target defines no choices. An option is a value, or {value, label} when what the
// chip says differs from what is recorded (a prompt level, a setting).
import { t } from '../i18n.js';
import { h } from '../ui.js';

export function chipGroup(label, choices, { onChange = () => {}, initial = null, optional = false } = {}) {
  let value = initial;
  const options = choices.map((c) => (typeof c === 'object' ? c.value : c));
  const labels = choices.map((c) => (typeof c === 'object' ? c.label : c));
  const legend = h('legend', {}, label, optional ? h('span', { class: 'optional' }, ` ${t('common.optional')}`) : '');
  const fieldset = h('fieldset', { class: 'chips' }, legend);
  let input = null;
  const buttons = options.map((option, i) =>
    h('button', {
      type: 'button',
      class: 'chip',
      'aria-pressed': String(option === value),
      onclick: () => set(value === option && optional ? null : option),
    }, labels[i]),
  );
  if (options.length) fieldset.append(...buttons);
  else {
    input = h('input', { type: 'text', 'aria-label': label, autocomplete: 'off', oninput: () => set(input.value.trim() || null, false) });
    fieldset.append(input);
  }

  function set(next, notify = true) {
    value = next;
    buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(options[i] === value)));
    if (input && notify) input.value = value ?? '';
    onChange(value);
  }

  return {
    el: fieldset,
    get value() {
      return value;
    },
    set,
  };
}
