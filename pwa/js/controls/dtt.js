// Discrete trials: pick the prompt level (from the target's hierarchy), then correct /
// incorrect / no response. Shows the live trial count and percentages.
import { fmtPct, t } from '../i18n.js';
import { h } from '../ui.js';
import { chipGroup } from './chips.js';
import { abbreviate, promptLabel, promptLevels } from './prompts.js';

const MARK = { correct: '+', incorrect: '−', no_response: 'result_abbr.no_response' };

export function dttControl(ctx) {
  const levels = promptLevels(ctx.target);
  const planned = ctx.target.params?.trials_per_session;
  const prompt = chipGroup(t('dtt.prompt_level'), levels.map((l) => ({ value: l, label: `${promptLabel(l)} (${abbreviate(l)})` })), { initial: levels[0], onChange: (v) => ctx.setLocal({ prompt: v }) });
  const trial = (result) =>
    ctx.serial(() => ctx.record('trial', { result, prompt: prompt.value ?? levels[0] }));
  const buttons = h(
    'div',
    { class: 'trio' },
    h('button', { type: 'button', class: 'btn big yes', onclick: () => trial('correct') }, `✓ ${t('result.correct')}`),
    h('button', { type: 'button', class: 'btn big no', onclick: () => trial('incorrect') }, `✗ ${t('result.incorrect')}`),
    h('button', { type: 'button', class: 'btn big', onclick: () => trial('no_response') }, t('result.no_response')),
  );
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const strip = h('ol', { class: 'trial-strip', 'aria-label': t('dtt.last_trials') });
  const el = h('div', { class: 'ctl-dtt' }, prompt.el, buttons, figures, strip);

  return {
    el,
    keys: { c: () => trial('correct'), i: () => trial('incorrect'), n: () => trial('no_response') },
    restore(local) {
      if (local?.prompt && levels.includes(local.prompt)) prompt.set(local.prompt, false);
    },
    refresh() {
      const s = ctx.summary();
      const trials = planned ? t('dtt.trials_of', { n: s.trials, planned }) : t('dtt.trials', { n: s.trials });
      figures.textContent = `${trials} · ${t('figures.correct', { pct: fmtPct(s.percentCorrect) })} · ${t('figures.independent', { pct: fmtPct(s.percentIndependent) })}`;
      strip.replaceChildren(
        ...s.recent.map((trial) =>
          h('li', { class: trial.result }, MARK[trial.result].startsWith('result') ? t(MARK[trial.result]) : MARK[trial.result], h('small', {}, trial.result === 'correct' ? abbreviate(trial.prompt) : '')),
        ),
      );
    },
  };
}
