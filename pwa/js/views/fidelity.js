// A fidelity check: a supervisor scores each step of a plan's checklist yes / no / not
// applicable for each opportunity. It is a session of kind 'fidelity' with events of kind
// 'fidelity' and syncs like any other session.
import { fmtPct, t } from '../i18n.js';
import { fidelityScore, liveEvents } from '../tally.js';
import { h, mount } from '../ui.js';
import { sessionFrame } from './frame.js';
import { finish, loadSession } from './session.js';

const ANSWERS = [
  { value: true, label: 'fidelity.yes', cls: 'yes', key: 'y' },
  { value: false, label: 'fidelity.no', cls: 'no', key: 'n' },
  { value: null, label: 'fidelity.na', cls: '', key: 'a' },
];

export async function renderFidelity(app, id) {
  const loaded = await loadSession(app, id);
  if (!loaded) return undefined;
  const { recorder, snapshot } = loaded;
  const { client, plan, staff } = snapshot;
  const local = (await app.store.control(id, 'fidelity')) ?? {};
  let opportunity = local.opportunity ?? 0;
  let focusStep = 0;

  const oppLabel = h('strong', { 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn' }, `‹ ${t('fidelity.previous')}`);
  const next = h('button', { type: 'button', class: 'btn primary' }, `${t('fidelity.next')} ›`);
  const score = h('p', { class: 'fid-score', 'aria-live': 'polite' });
  const live = () => liveEvents(recorder.events);
  const answerOf = (step) =>
    live().filter((e) => e.kind === 'fidelity' && e.data.step === step && e.data.opportunity === opportunity).at(-1);

  const answer = (step, value) =>
    (async () => {
      const previous = answerOf(step);
      if (previous?.data.value === value) return;
      if (previous) await recorder.record(null, 'void', { voids: previous.id });
      await recorder.record(null, 'fidelity', { step, opportunity, value });
      focusStep = Math.min(step + 1, plan.checklist.length - 1);
    })();

  const rows = plan.checklist.map((text, step) => {
    const buttons = ANSWERS.map((a) =>
      h('button', {
        type: 'button',
        class: `btn ${a.cls}`,
        'aria-pressed': 'false',
        onclick: () => answer(step, a.value),
      }, h('span', { class: 'visually-hidden' }, `${t('ta.step_n', { n: step + 1 })}: `), t(a.label)),
    );
    return { buttons, el: h('li', { class: 'fid-step' }, h('span', { class: 'step-name' }, `${step + 1}. ${text}`), h('div', { class: 'trio' }, ...buttons)) };
  });

  const draw = () => {
    oppLabel.textContent = t('fidelity.opportunity', { n: opportunity + 1 });
    prev.disabled = opportunity === 0;
    rows.forEach((row, step) => {
      const v = answerOf(step)?.data.value;
      row.buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(v !== undefined && ANSWERS[i].value === v)));
    });
    const s = fidelityScore(live());
    const met = s.percent !== null && s.percent >= (plan.criterion ?? 90);
    const verdict = s.percent === null ? '' : ` ${t(met ? 'fidelity.met' : 'fidelity.not_met')}`;
    score.textContent = `${t('fidelity.score', { pct: fmtPct(s.percent), yes: s.yes, scored: s.scored, criterion: fmtPct(plan.criterion ?? 90) })}${verdict}`;
  };
  const move = (by) => {
    opportunity = Math.max(0, opportunity + by);
    focusStep = 0;
    app.store.setControl(id, 'fidelity', { opportunity });
    draw();
  };
  prev.addEventListener('click', () => move(-1));
  next.addEventListener('click', () => move(1));

  const frame = sessionFrame(app, {
    recorder,
    title: client.name,
    subtitle: `${t('nav.fidelity')}: ${staff.display_name || staff.username} · ${plan.title || t('start.plan')} v${plan.version}`,
    names: new Map([[null, t('nav.fidelity')]]),
    onEnd: async () => {
      await app.store.setControl(id, 'fidelity', undefined);
      await finish(app, recorder);
    },
    onEvent: draw,
    onKey: (e) => {
      const a = ANSWERS.find((x) => x.key === e.key.toLowerCase());
      if (a) answer(focusStep, a.value);
      else if (e.key === 'ArrowRight') move(1);
      else if (e.key === 'ArrowLeft') move(-1);
      return Boolean(a) || e.key === 'ArrowRight' || e.key === 'ArrowLeft';
    },
  });

  mount(
    h('h1', { class: 'visually-hidden' }, t('fidelity.heading', { name: client.name })),
    frame.bar,
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'opportunity' }, prev, oppLabel, next),
      h('ol', { class: 'fid-steps' }, ...rows.map((r) => r.el)),
      score,
    ),
    frame.log,
  );
  draw();
  return frame.cleanup;
}
