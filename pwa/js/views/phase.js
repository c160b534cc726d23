// A phase change of one target (baseline → intervention → maintenance → generalization, or a
// named condition) with its start date. It is written to the outbox first, so it works with
// no connection, and the sync engine sends it in the `phases` list of POST /sync.
import { t } from '../i18n.js';
import { h, openDialog, toast } from '../ui.js';
import { PHASE_KINDS, fmtDate, localDate, outboxItems, phaseKindLabel } from './bcba-common.js';
import { newId } from '../ids.js';

let formCount = 0;

/**
 * The fields of a phase: kind, label (filled from the kind until the user edits it) and start
 * date. `read()` answers {phase} or {error}.
 */
export function phaseFields({ kind = 'intervention', minDate = null, legend = t('phase.new') } = {}) {
  formCount += 1;
  const id = (name) => `phase-${formCount}-${name}`;
  const kindSelect = h('select', { id: id('kind') }, ...PHASE_KINDS.map(([v, l]) => h('option', { value: v, selected: v === kind }, l)));
  const defaultLabel = (k) => (k === 'condition' ? '' : phaseKindLabel(k));
  const label = h('input', { type: 'text', id: id('label'), maxlength: 120, autocomplete: 'off', value: defaultLabel(kind) });
  const labelHint = h('p', { class: 'hint', id: id('label-hint') });
  label.setAttribute('aria-describedby', labelHint.id);
  let edited = false;
  label.addEventListener('input', () => {
    edited = label.value.trim() !== '';
  });
  const showHint = () => {
    labelHint.textContent = kindSelect.value === 'condition'
      ? t('phase.condition_hint')
      : t('phase.label_hint');
    label.placeholder = kindSelect.value === 'condition' ? t('phase.condition_example') : '';
  };
  kindSelect.addEventListener('change', () => {
    if (!edited) label.value = defaultLabel(kindSelect.value);
    showHint();
  });
  showHint();
  const start = h('input', { type: 'date', id: id('start'), value: localDate(), min: minDate ?? null, required: true });
  const el = h(
    'fieldset',
    { class: 'form-group' },
    h('legend', {}, legend),
    h('label', { for: kindSelect.id, class: 'field-label' }, t('phase.kind')),
    kindSelect,
    h('label', { for: label.id, class: 'field-label' }, t('phase.label')),
    label,
    labelHint,
    h('label', { for: start.id, class: 'field-label' }, t('phase.starts_on')),
    start,
    minDate ? h('p', { class: 'hint' }, t('phase.after_criterion', { date: fmtDate(minDate) })) : '',
  );
  return {
    el,
    focus: () => kindSelect.focus(),
    read() {
      const text = label.value.trim().replace(/\s+/g, ' ');
      if (!text) return { error: t('phase.need_label'), field: label };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(start.value)) return { error: t('phase.need_start'), field: start };
      if (minDate && start.value < minDate) return { error: t('phase.start_too_early', { date: fmtDate(minDate) }), field: start };
      return { phase: { kind: kindSelect.value, label: text, start_date: start.value } };
    },
  };
}

/** Phase changes of a target still on this device (waiting to be sent, or refused). */
export async function localPhases(app, targetId) {
  const records = (await app.outbox?.items('phase')) ?? [];
  return records.filter((r) => r.body.target_id === targetId && r.state !== 'sent');
}

/** Ask for a phase change of `target` and save it to the outbox. Resolves with the record or undefined. */
export function addPhaseChange(app, target) {
  const current = [...(target.phases ?? [])].sort((a, b) => (a.start_date < b.start_date ? -1 : 1)).at(-1);
  const next = { baseline: 'intervention', intervention: 'maintenance', maintenance: 'generalization' }[current?.kind] ?? (current ? current.kind : 'baseline');
  return openDialog(t('phase.title', { name: target.name }), (close) => {
    const fields = phaseFields({ kind: next, legend: t('phase.the_new') });
    const error = h('p', { class: 'error', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'btn primary' }, t('phase.save'));
    const form = h(
      'form',
      { novalidate: true },
      h('p', { class: 'hint' }, current
        ? t('phase.current', { label: current.label, kind: phaseKindLabel(current.kind), date: fmtDate(current.start_date) })
        : t('phase.none_yet')),
      fields.el,
      h('p', { class: 'hint' }, t('phase.offline_hint')),
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, t('common.cancel')), save),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const { phase, error: problem, field } = fields.read();
      if (problem) {
        error.textContent = problem;
        field?.focus();
        return;
      }
      save.disabled = true;
      try {
        const record = await app.outbox.addItem('phase', { id: newId(), target_id: target.id, ...phase });
        outboxItems.mayNeedPrune = true;
        app.sync?.poke();
        toast(navigator.onLine ? t('phase.saved_sending') : t('phase.saved_offline'));
        close(record);
      } catch (err) {
        error.textContent = t('form.not_saved', { reason: err.message });
        save.disabled = false;
      }
    });
    requestAnimationFrame(() => fields.focus());
    return form;
  });
}
