// Behavioral skills training and competency (docs/supervision.md): per client, the staff on
// the caseload with their competency status per plan; a BST training record and a competency
// checklist for a staff member or a caregiver; one person's competency over time. These need
// the server (they are recorded at a desk, not during a session).
import { t } from '../i18n.js';
import { h, mount, toast } from '../ui.js';
import { connectionNotice, dataTable, describeFailure, fmtDate, fmtPct1, localDate, verdict } from './bcba-common.js';

let formCount = 0;

/** Who is trained and on what: staff member or caregiver, plan or named skill, day. */
function traineeFields(staff, plans) {
  formCount += 1;
  const id = (name) => `tr-${formCount}-${name}`;
  const kind = h('select', { id: id('kind') }, h('option', { value: 'staff' }, t('train.kind_staff')), h('option', { value: 'caregiver' }, t('train.kind_caregiver')));
  const person = h('select', { id: id('person') }, ...staff.map((s) => h('option', { value: s.user_id }, s.display_name || s.username)));
  const caregiver = h('input', { id: id('caregiver'), type: 'text', maxlength: 120, placeholder: t('train.caregiver_hint') });
  const plan = h('select', { id: id('plan') }, h('option', { value: '' }, t('train.no_plan')), ...plans.map((p) => h('option', { value: p.id }, p.title || p.id)));
  const skill = h('input', { id: id('skill'), type: 'text', maxlength: 200 });
  const day = h('input', { id: id('day'), type: 'date', value: localDate(), max: localDate() });
  const personBox = h('div', {}, h('label', { for: person.id, class: 'field-label' }, t('train.person')), person);
  const caregiverBox = h('div', { hidden: true }, h('label', { for: caregiver.id, class: 'field-label' }, t('train.caregiver')), caregiver);
  kind.addEventListener('change', () => {
    personBox.hidden = kind.value !== 'staff';
    caregiverBox.hidden = kind.value === 'staff';
  });
  return {
    plan,
    el: [
      h('label', { for: kind.id, class: 'field-label' }, t('train.kind')),
      kind,
      personBox,
      caregiverBox,
      h('label', { for: plan.id, class: 'field-label' }, t('train.plan')),
      plan,
      h('label', { for: skill.id, class: 'field-label' }, t('train.skill'), h('span', { class: 'optional' }, ` ${t('common.optional')}`)),
      skill,
      h('label', { for: day.id, class: 'field-label' }, t('train.day')),
      day,
    ],
    value: (clientId) => ({
      trainee_kind: kind.value,
      ...(kind.value === 'staff' ? { trainee_id: person.value } : { client_id: clientId, caregiver: caregiver.value.trim() }),
      ...(plan.value ? { plan_id: plan.value } : {}),
      ...(skill.value.trim() ? { skill: skill.value.trim() } : {}),
      day: day.value,
    }),
  };
}

async function submit(problem, call, done) {
  try {
    await call();
    problem.textContent = '';
    done();
  } catch (err) {
    problem.textContent = describeFailure(err);
  }
}

function trainingForm(app, clientId, staff, plans, onSaved) {
  const who = traineeFields(staff, plans);
  const minutes = h('input', { id: `tr-${formCount}-minutes`, type: 'number', min: 1, max: 600, inputmode: 'numeric' });
  const parts = ['instructions', 'modelling', 'rehearsal', 'feedback'].map((name) => {
    const input = h('input', { type: 'checkbox', id: `tr-${formCount}-${name}`, value: name });
    return { name, input, el: h('label', { class: 'check', for: input.id }, input, t(`train.${name}`)) };
  });
  const problem = h('p', { class: 'error', role: 'alert' });
  const save = () =>
    submit(problem, () => app.api.recordTraining({
      ...who.value(clientId),
      minutes: Number(minutes.value),
      ...Object.fromEntries(parts.map((p) => [p.name, p.input.checked])),
    }), () => {
      toast(t('train.saved'));
      onSaved();
    });
  return h(
    'details',
    { class: 'training-form' },
    h('summary', {}, t('train.record_title')),
    ...who.el,
    h('label', { for: minutes.id, class: 'field-label' }, t('train.minutes')),
    minutes,
    h('fieldset', { class: 'form-group' }, h('legend', {}, t('train.components')), ...parts.map((p) => p.el)),
    problem,
    h('button', { type: 'button', class: 'btn primary', onclick: save }, t('train.save_record')),
  );
}

function competencyForm(app, clientId, staff, plans, onSaved) {
  const who = traineeFields(staff, plans);
  const steps = h('div', { class: 'competency-steps' });
  const criterion = h('input', { id: `tr-${formCount}-criterion`, type: 'number', min: 0, max: 100, inputmode: 'decimal' });
  const problem = h('p', { class: 'error', role: 'alert' });
  let rows = [];
  const drawSteps = () => {
    const plan = plans.find((p) => p.id === who.plan.value);
    criterion.value = plan?.criterion ?? 90;
    rows = (plan?.checklist ?? []).map((text, i) => {
      const select = h(
        'select',
        { id: `comp-${formCount}-${i}` },
        ...['na', 'yes', 'no'].map((value) => h('option', { value }, t(`train.step_${value}`))),
      );
      return { select, el: h('div', { class: 'form-group' }, h('label', { for: select.id, class: 'field-label' }, text), select) };
    });
    steps.replaceChildren(...(rows.length ? rows.map((r) => r.el) : [h('p', { class: 'hint' }, t('train.pick_plan'))]));
  };
  who.plan.addEventListener('change', drawSteps);
  drawSteps();
  const save = () => {
    const scores = rows.map((r) => ({ yes: true, no: false, na: null })[r.select.value]);
    if (!rows.length) return (problem.textContent = t('train.pick_plan'));
    return submit(problem, () => app.api.recordCompetency({ ...who.value(clientId), scores, criterion: Number(criterion.value) }), () => {
      toast(t('train.check_saved'));
      onSaved();
    });
  };
  return h(
    'details',
    { class: 'competency-form' },
    h('summary', {}, t('train.check_title')),
    ...who.el,
    steps,
    h('label', { for: criterion.id, class: 'field-label' }, t('train.criterion')),
    criterion,
    problem,
    h('button', { type: 'button', class: 'btn primary', onclick: save }, t('train.save_check')),
  );
}

/** Competency over time for one person and plan: the graph and the checks behind it.
 * Returns the section and its redraw (after a new check). */
function historySection(app, staff, plans) {
  const person = h('select', { id: 'hist-person' }, ...staff.map((s) => h('option', { value: s.user_id }, s.display_name || s.username)));
  const plan = h('select', { id: 'hist-plan' }, ...plans.map((p) => h('option', { value: p.id }, p.title || p.id)));
  const slot = h('div', { 'aria-live': 'polite' });
  const draw = async () => {
    if (!staff.length || !plans.length) return;
    const params = { trainee_id: person.value, plan_id: plan.value };
    let checks;
    try {
      checks = await app.api.competencyChecks(params);
    } catch (err) {
      slot.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
      return;
    }
    const name = person.selectedOptions[0]?.textContent ?? '';
    const src = app.api.url('/training/competency.png', params); // no-store: redrawn each time
    slot.replaceChildren(
      checks.length ? h('img', { class: 'graph', src, alt: t('train.graph_alt', { name, n: checks.length }) }) : '',
      dataTable(
        t('train.history'),
        [
          { label: t('train.day'), cell: (c) => fmtDate(c.day) },
          { label: t('train.percent'), num: true, cell: (c) => fmtPct1(c.percent) },
          { label: t('train.meets'), cell: (c) => verdict(c.meets, t('train.meets_yes'), t('train.meets_no')) },
        ],
        checks,
        { empty: t('train.no_checks') },
      ),
    );
  };
  person.addEventListener('change', draw);
  plan.addEventListener('change', draw);
  const el = h(
    'section',
    {},
    h('h2', {}, t('train.over_time')),
    h('label', { for: person.id, class: 'field-label' }, t('train.person')),
    person,
    h('label', { for: plan.id, class: 'field-label' }, t('train.plan')),
    plan,
    slot,
  );
  return { el, draw };
}

function statusTable(competency) {
  return dataTable(
    t('train.staff_status'),
    [
      { label: t('train.person'), cell: (r) => r.name },
      { label: t('train.role'), cell: (r) => r.role },
      { label: t('train.plan'), cell: (r) => r.plan_title },
      { label: t('train.last_checked'), cell: (r) => fmtDate(r.last_checked) },
      { label: t('train.percent'), num: true, cell: (r) => fmtPct1(r.percent) },
      { label: t('train.meets'), cell: (r) => (r.checks ? verdict(r.meets, t('train.meets_yes'), t('train.meets_no')) : t('train.not_checked')) },
    ],
    competency,
    { empty: t('train.no_staff') },
  );
}

/** #/training[/<clientId>]: staff competency per plan for a client, and the BST forms. */
export async function renderTraining(app, clientId) {
  const notice = connectionNotice(t('train.needs_connection'));
  const caseload = await app.store.caseload();
  const clients = caseload?.clients ?? [];
  const chosen = clientId ?? clients[0]?.id;
  const pick = h('select', { id: 'train-client' }, ...clients.map((c) => h('option', { value: c.id, selected: c.id === chosen }, c.name)));
  pick.addEventListener('change', () => app.go(`#/training/${pick.value}`));
  const body = h('div', {}, h('p', { class: 'hint' }, t('common.loading')));
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('train.title')),
      notice.el,
      h('label', { for: pick.id, class: 'field-label' }, t('train.client')),
      pick,
      body,
    ),
  );
  if (!chosen) {
    body.replaceChildren(h('p', { class: 'hint' }, t('train.no_clients')));
    return notice.cleanup;
  }
  let staff;
  let plans;
  let competency;
  try {
    [staff, plans, competency] = await Promise.all([app.api.assignments(chosen), app.api.plans(chosen), app.api.clientCompetency(chosen)]);
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
    return notice.cleanup;
  }
  // Saving a record or a check redraws the figures, never the forms being filled in.
  const status = h('div', { 'aria-live': 'polite' }, statusTable(competency));
  const history = historySection(app, staff, plans);
  const saved = async () => {
    try {
      status.replaceChildren(statusTable(await app.api.clientCompetency(chosen)));
    } catch (err) {
      status.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
    }
    await history.draw();
  };
  body.replaceChildren(
    h('h2', {}, t('train.staff_status')),
    status,
    trainingForm(app, chosen, staff, plans, saved),
    competencyForm(app, chosen, staff, plans, saved),
    history.el,
  );
  await history.draw();
  return notice.cleanup;
}
