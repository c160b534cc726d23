// The first-run tour: three short screens for someone new to the app, at the top of My caseload
// (part of the page, so it never blocks a tap), skippable, and shown once per person per device.
import { t } from '../i18n.js';
import { h } from '../ui.js';

const STEPS = ['tour.start', 'tour.record', 'tour.safe'];
const doneKey = (user) => `bdc-tour-done:${user.id}`;

function seen(user) {
  try {
    return localStorage.getItem(doneKey(user)) === '1';
  } catch {
    return true; // storage blocked: better no tour than one on every visit
  }
}

/** The tour panel, or null once it has been seen or skipped. */
export function firstRunTour(app) {
  if (!app.user || seen(app.user)) return null;
  let step = 0;
  const panel = h('section', { class: 'panel tour', 'aria-labelledby': 'tour-title' });
  const finish = () => {
    try {
      localStorage.setItem(doneKey(app.user), '1');
    } catch {
      // storage blocked: the tour closes for now
    }
    panel.remove();
  };
  const draw = () => {
    const last = step === STEPS.length - 1;
    panel.replaceChildren(
      h('p', { class: 'tour-step' }, t('tour.step', { n: step + 1, total: STEPS.length })),
      h('h2', { id: 'tour-title' }, t(`${STEPS[step]}.title`)),
      h('p', {}, t(`${STEPS[step]}.text`)),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: finish }, t('tour.skip')),
        h('button', {
          type: 'button',
          class: 'btn primary',
          onclick: () => {
            if (last) return finish();
            step += 1;
            draw();
            return undefined;
          },
        }, last ? t('tour.done') : t('tour.next')),
      ),
    );
  };
  draw();
  return panel;
}
