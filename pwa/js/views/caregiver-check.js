// A caregiver's implementation fidelity, scored during a home session (docs/supervision.md):
// a therapist, BCBA or director recording at home with a client who has a linked caregiver
// scores the caregiver on a plan's competency checklist (the form of training.js). The check
// waits in the outbox and reaches POST /training/competency like notes and contacts
// (documents.js), so it works offline; it then shows in the caregiver's competency over time.
import { t } from '../i18n.js';
import { h, openDialog, toast } from '../ui.js';
import { localDate, outboxItems } from './bcba-common.js';
import { competencyChecklist } from './training.js';
import { newId } from '../ids.js';

// Who records training and competency (bdc/services/training.py TRAINERS).
const TRAINERS = new Set(['therapist', 'bcba', 'director']);

const atHome = (session) => String(session.setting ?? '').toLowerCase() === 'home';

function scoreDialog(app, session, client, plans) {
  return openDialog(t('cgcheck.title', { name: client.name }), (close) => {
    const caregiver = h('input', { id: 'cgcheck-caregiver', type: 'text', maxlength: 120, placeholder: t('train.caregiver_hint') });
    app.store.local(`caregiver-role:${client.id}`).then((role) => {
      if (role && !caregiver.value) caregiver.value = role;
    });
    const plan = h('select', { id: 'cgcheck-plan' }, ...plans.map((p) => h('option', { value: p.id }, p.title || p.function)));
    const checklist = competencyChecklist(plan, plans);
    const problem = h('p', { class: 'error', role: 'alert' });
    const save = async () => {
      const role = caregiver.value.trim();
      const scored = checklist.value();
      if (!role) {
        caregiver.focus();
        problem.textContent = t('cgcheck.need_caregiver');
        return;
      }
      if (!scored) {
        problem.textContent = t('train.pick_plan');
        return;
      }
      // The day of the session it was scored in, as a person there would say it.
      const body = { id: newId(), trainee_kind: 'caregiver', client_id: client.id, caregiver: role, plan_id: plan.value, day: localDate(new Date(session.started_at)), ...scored };
      await app.outbox.saveItem('competency', body);
      await app.store.setLocal(`caregiver-role:${client.id}`, role);
      outboxItems.mayNeedPrune = true;
      app.sync?.poke();
      toast(navigator.onLine ? t('cgcheck.saved') : t('cgcheck.saved_offline'));
      close(body);
    };
    return [
      h('p', { class: 'hint' }, t('cgcheck.hint')),
      h('label', { for: caregiver.id, class: 'field-label' }, t('train.caregiver')),
      caregiver,
      h('label', { for: plan.id, class: 'field-label' }, t('train.plan')),
      plan,
      ...checklist.el,
      problem,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, t('common.cancel')),
        h('button', { type: 'button', class: 'btn primary', onclick: save }, t('train.save_check')),
      ),
    ];
  });
}

/**
 * Under the session's target cards: "Score the caregiver's implementation", shown only to a
 * trainer in a home session whose client has a linked caregiver and a plan with a checklist
 * (known from the server, or from the last time it answered).
 */
export function caregiverCheckSlot(app, session, client) {
  const slot = h('div', { class: 'caregiver-check' });
  if (!TRAINERS.has(app.user?.role) || !atHome(session)) return slot;
  app.store
    .caregiverCheckSetup(app.api, client.id)
    .then(({ plans, caregivers }) => {
      const scorable = plans.filter((p) => p.checklist?.length);
      if (!caregivers || !scorable.length) return;
      slot.replaceChildren(
        h('button', { type: 'button', class: 'btn', onclick: () => scoreDialog(app, session, client, scorable) }, t('cgcheck.open')),
      );
    })
    .catch(() => {}); // never known on this device: nothing to offer
  return slot;
}
