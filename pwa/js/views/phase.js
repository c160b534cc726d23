// A phase change of one target (baseline → intervention → maintenance → generalization, or a
// named condition) with its start date. It is written to the outbox first, so it works with
// no connection, and the sync engine sends it in the `phases` list of POST /sync.
import { h, openDialog, toast } from '../ui.js';
import { PHASE_KINDS, fmtDate, localDate, outboxItems, phaseKindLabel } from './bcba-common.js';

let formCount = 0;

/**
 * The fields of a phase: kind, label (filled from the kind until the user edits it) and start
 * date. `read()` answers {phase} or {error}.
 */
export function phaseFields({ kind = 'intervention', minDate = null, legend = 'New phase' } = {}) {
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
      ? 'Name the condition as it should appear on the graph, e.g. Attention, Play, Demand.'
      : 'As it should appear on the graph, e.g. "FCT + extinction".';
    label.placeholder = kindSelect.value === 'condition' ? 'e.g. Attention' : '';
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
    h('label', { for: kindSelect.id, class: 'field-label' }, 'Kind of phase'),
    kindSelect,
    h('label', { for: label.id, class: 'field-label' }, 'Label'),
    label,
    labelHint,
    h('label', { for: start.id, class: 'field-label' }, 'Starts on'),
    start,
    minDate ? h('p', { class: 'hint' }, `After the day the criterion was met: ${fmtDate(minDate)} or later.`) : '',
  );
  return {
    el,
    focus: () => kindSelect.focus(),
    read() {
      const text = label.value.trim().replace(/\s+/g, ' ');
      if (!text) return { error: 'Give the phase a label.', field: label };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(start.value)) return { error: 'Choose the day the phase starts.', field: start };
      if (minDate && start.value < minDate) return { error: `The phase must start on ${fmtDate(minDate)} or later.`, field: start };
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
  return openDialog(`Phase change: ${target.name}`, (close) => {
    const fields = phaseFields({ kind: next, legend: 'The new phase' });
    const error = h('p', { class: 'error', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'btn primary' }, 'Save phase change');
    const form = h(
      'form',
      { novalidate: true },
      h('p', { class: 'hint' }, current
        ? `Current phase: ${current.label} (${phaseKindLabel(current.kind)}) since ${fmtDate(current.start_date)}.`
        : 'This target has no phase yet.'),
      fields.el,
      h('p', { class: 'hint' }, 'Saved on this device first, so it works offline; it is sent to the server with the next sync.'),
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, 'Cancel'), save),
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
        const record = await app.outbox.addItem('phase', { id: crypto.randomUUID(), target_id: target.id, ...phase });
        outboxItems.mayNeedPrune = true;
        app.sync?.poke();
        toast(navigator.onLine ? 'Phase change saved. Sending it now.' : 'Phase change saved on this device. It is sent when you are back online.');
        close(record);
      } catch (err) {
        error.textContent = `Not saved: ${err.message}`;
        save.disabled = false;
      }
    });
    requestAnimationFrame(() => fields.focus());
    return form;
  });
}
