// Apply a protocol of the library to a client: a measurement protocol becomes a target, a plan
// template a behavior plan. The new target or plan keeps the protocol's id and version. Only
// what does not change the procedure can be individualised here (docs/quality.md).
// Words: protocol.<kind>.* in the catalogue.
import { t } from '../i18n.js';
import { h, openDialog, toast } from '../ui.js';
import { measurementLabel } from '../controls/index.js';
import { describeFailure, fmtPct1 } from './bcba-common.js';

const KINDS = {
  measurement: { apply: 'targetFromProtocol' },
  plan: { apply: 'planFromProtocol' },
};

function details(kind, body) {
  if (kind === 'measurement') {
    const target = body.target ?? {};
    const m = target.mastery;
    const mastery = m
      ? [t('client.criterion_pct', { pct: fmtPct1(m.percent), n: m.consecutive }), ...(m.min_trials ? [t('client.criterion_trials', { n: m.min_trials })] : [])].join(', ')
      : t('protocol.none');
    return h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('protocol.measurement')), h('dd', {}, target.measurement ? measurementLabel(target.measurement) : '–'),
      h('dt', {}, t('protocol.goal')), h('dd', {}, target.direction === 'decrease' ? t('protocol.decrease') : t('protocol.increase')),
      h('dt', {}, t('client.mastery')), h('dd', {}, mastery),
      h('dt', {}, t('protocol.definition')), h('dd', {}, target.definition ?? '–'),
    );
  }
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('protocol.function')), h('dd', {}, body.function ?? '–'),
    h('dt', {}, t('protocol.checklist')), h('dd', {}, t('protocol.steps', { n: body.checklist?.length ?? 0 })),
    h('dt', {}, t('protocol.fidelity_criterion')), h('dd', {}, fmtPct1(body.criterion ?? 90)),
  );
}

/** Resolves with the created target or plan, or undefined when cancelled. */
export async function applyProtocol(app, client, kind) {
  const spec = KINDS[kind];
  return openDialog(t(`protocol.${kind}.title`), (close) => {
    const status = h('p', { class: 'hint', role: 'status' }, t('protocol.loading_library'));
    const error = h('p', { class: 'error', role: 'alert' });
    const picker = h('select', { id: 'protocol-pick', disabled: true }, h('option', { value: '' }, t('common.loading')));
    const detail = h('div', { class: 'protocol-detail', 'aria-live': 'polite' });
    const name = h('input', { type: 'text', id: 'protocol-name', maxlength: 200, autocomplete: 'off' });
    const number = h('input', { type: 'number', id: 'protocol-number', min: 1, max: 100, step: 1, inputmode: 'numeric' });
    const overrides = h(
      'fieldset',
      { class: 'form-group', hidden: true },
      h('legend', {}, t(`protocol.${kind}.individualise`)),
      h('label', { for: name.id, class: 'field-label' }, t(`protocol.${kind}.name`)),
      name,
      h('label', { for: number.id, class: 'field-label' }, t(`protocol.${kind}.number`)),
      number,
      h('p', { class: 'hint' }, t('protocol.as_published')),
    );
    const apply = h('button', { type: 'submit', class: 'btn primary', disabled: true }, t(`protocol.${kind}.add`));
    let chosen = null;

    const choose = async (id) => {
      chosen = null;
      overrides.hidden = true;
      apply.disabled = true;
      detail.replaceChildren();
      if (!id) return;
      detail.replaceChildren(h('p', { class: 'hint' }, t('common.loading')));
      try {
        const protocol = await app.api.protocol(id);
        chosen = protocol;
        const body = protocol.body ?? {};
        name.value = kind === 'measurement' ? body.target?.name ?? '' : body.title ?? protocol.title;
        number.value = kind === 'measurement' ? body.target?.mastery?.percent ?? '' : body.criterion ?? 90;
        number.disabled = kind === 'measurement' && !body.target?.mastery;
        detail.replaceChildren(h('p', { class: 'protocol-id' }, t('protocol.id_version', { id: protocol.id, version: protocol.version })), details(kind, body));
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
        picker.replaceChildren(h('option', { value: '' }, t('protocol.choose')), ...published.map((p) => h('option', { value: p.id }, p.title)));
        picker.disabled = false;
        status.textContent = t('protocol.published', { n: published.length });
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
      h('label', { for: picker.id, class: 'field-label' }, t('protocol.protocol')),
      picker,
      detail,
      overrides,
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, t('common.cancel')), apply),
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
          error.textContent = t('protocol.need_name');
          name.focus();
          return;
        }
        if (text !== body.target?.name) changes.name = text;
        if (body.target?.mastery && n !== null && n !== body.target.mastery.percent) {
          if (!(n > 0 && n <= 100)) {
            error.textContent = t('protocol.bad_mastery');
            number.focus();
            return;
          }
          changes.mastery = { percent: n };
        }
      } else {
        if (text && text !== body.title) changes.title = text;
        if (n !== null && n !== body.criterion) {
          if (!(n > 0 && n <= 100)) {
            error.textContent = t('protocol.bad_criterion');
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
        toast(t(`protocol.${kind}.added`, { id: chosen.id, version: chosen.version }));
        close(created);
      } catch (err) {
        error.textContent = describeFailure(err);
        apply.disabled = false;
      }
    });
    return form;
  });
}
