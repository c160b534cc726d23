// Apply a protocol of the library to a client: a measurement protocol becomes a target, a plan
// template a behavior plan. The new target or plan keeps the protocol's id and version. Only
// what does not change the procedure can be individualised here (docs/quality.md).
import { h, openDialog, toast } from '../ui.js';
import { describeFailure } from './bcba-common.js';

const KINDS = {
  measurement: { title: 'Add a target from a protocol', noun: 'target', apply: 'targetFromProtocol' },
  plan: { title: 'Add a behavior plan from a protocol', noun: 'plan', apply: 'planFromProtocol' },
};

function details(kind, body) {
  if (kind === 'measurement') {
    const t = body.target ?? {};
    const mastery = t.mastery
      ? `${t.mastery.percent}% over ${t.mastery.consecutive} consecutive sessions${t.mastery.min_trials ? `, at least ${t.mastery.min_trials} trials each` : ''}`
      : 'none';
    return h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Measurement'), h('dd', {}, t.measurement ?? '–'),
      h('dt', {}, 'Goal'), h('dd', {}, t.direction === 'decrease' ? 'decrease' : 'increase'),
      h('dt', {}, 'Mastery'), h('dd', {}, mastery),
      h('dt', {}, 'Definition'), h('dd', {}, t.definition ?? '–'),
    );
  }
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Function'), h('dd', {}, body.function ?? '–'),
    h('dt', {}, 'Checklist'), h('dd', {}, `${body.checklist?.length ?? 0} steps`),
    h('dt', {}, 'Fidelity criterion'), h('dd', {}, `${body.criterion ?? 90}%`),
  );
}

/** Resolves with the created target or plan, or undefined when cancelled. */
export async function applyProtocol(app, client, kind) {
  const spec = KINDS[kind];
  return openDialog(spec.title, (close) => {
    const status = h('p', { class: 'hint', role: 'status' }, 'Loading the protocol library…');
    const error = h('p', { class: 'error', role: 'alert' });
    const picker = h('select', { id: 'protocol-pick', disabled: true }, h('option', { value: '' }, 'Loading…'));
    const detail = h('div', { class: 'protocol-detail', 'aria-live': 'polite' });
    const name = h('input', { type: 'text', id: 'protocol-name', maxlength: 200, autocomplete: 'off' });
    const number = h('input', { type: 'number', id: 'protocol-number', min: 1, max: 100, step: 1, inputmode: 'numeric' });
    const overrides = h(
      'fieldset',
      { class: 'form-group', hidden: true },
      h('legend', {}, `Individualise the ${spec.noun}`),
      h('label', { for: name.id, class: 'field-label' }, kind === 'measurement' ? 'Target name' : 'Plan title'),
      name,
      h('label', { for: number.id, class: 'field-label' }, kind === 'measurement' ? 'Mastery percentage' : 'Fidelity criterion (%)'),
      number,
      h('p', { class: 'hint' }, 'The measurement, definition and checklist stay as published; changing them needs a new protocol version.'),
    );
    const apply = h('button', { type: 'submit', class: 'btn primary', disabled: true }, `Add ${spec.noun}`);
    let chosen = null;

    const choose = async (id) => {
      chosen = null;
      overrides.hidden = true;
      apply.disabled = true;
      detail.replaceChildren();
      if (!id) return;
      detail.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
      try {
        const protocol = await app.api.protocol(id);
        chosen = protocol;
        const body = protocol.body ?? {};
        name.value = kind === 'measurement' ? body.target?.name ?? '' : body.title ?? protocol.title;
        number.value = kind === 'measurement' ? body.target?.mastery?.percent ?? '' : body.criterion ?? 90;
        number.disabled = kind === 'measurement' && !body.target?.mastery;
        detail.replaceChildren(h('p', { class: 'protocol-id' }, `${protocol.id} · version ${protocol.version}`), details(kind, body));
        overrides.hidden = false;
        apply.disabled = false;
      } catch (err) {
        detail.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
      }
    };
    picker.addEventListener('change', () => choose(picker.value));

    app.api.protocols(kind).then(
      (list) => {
        const published = list.filter((p) => p.status === 'published');
        picker.replaceChildren(h('option', { value: '' }, 'Choose a protocol…'), ...published.map((p) => h('option', { value: p.id }, p.title)));
        picker.disabled = false;
        status.textContent = `${published.length} published protocol${published.length === 1 ? '' : 's'}.`;
        picker.focus();
      },
      (err) => {
        status.textContent = '';
        error.textContent = describeFailure(err);
      },
    );

    const form = h(
      'form',
      { novalidate: true },
      status,
      h('label', { for: picker.id, class: 'field-label' }, 'Protocol'),
      picker,
      detail,
      overrides,
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, 'Cancel'), apply),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!chosen) return;
      error.textContent = '';
      const body = chosen.body ?? {};
      const changes = {};
      const text = name.value.trim();
      const n = number.value === '' ? null : Number(number.value);
      if (kind === 'measurement') {
        if (!text) {
          error.textContent = 'Give the target a name.';
          name.focus();
          return;
        }
        if (text !== body.target?.name) changes.name = text;
        if (body.target?.mastery && n !== null && n !== body.target.mastery.percent) {
          if (!(n > 0 && n <= 100)) {
            error.textContent = 'The mastery percentage is between 1 and 100.';
            number.focus();
            return;
          }
          changes.mastery = { percent: n };
        }
      } else {
        if (text && text !== body.title) changes.title = text;
        if (n !== null && n !== body.criterion) {
          if (!(n > 0 && n <= 100)) {
            error.textContent = 'The fidelity criterion is between 1 and 100.';
            number.focus();
            return;
          }
          changes.criterion = n;
        }
      }
      apply.disabled = true;
      try {
        const payload = { protocol_id: chosen.id, version: chosen.version };
        if (Object.keys(changes).length) payload.overrides = changes;
        const created = await app.api[spec.apply](client.id, payload);
        toast(`${kind === 'measurement' ? 'Target' : 'Plan'} added from ${chosen.id} v${chosen.version}.`);
        close(created);
      } catch (err) {
        error.textContent = describeFailure(err);
        apply.disabled = false;
      }
    });
    return form;
  });
}
