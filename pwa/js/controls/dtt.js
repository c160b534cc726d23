// Discrete trials: pick the prompt level (from the target's hierarchy), then correct /
// incorrect / no response. Shows the live trial count and percentages.
import { h, fmtPct } from '../ui.js';
import { chipGroup } from './chips.js';
import { abbreviate, promptLevels } from './prompts.js';

const MARK = { correct: '+', incorrect: '−', no_response: 'NR' };

export function dttControl(ctx) {
  const levels = promptLevels(ctx.target);
  const planned = ctx.target.params?.trials_per_session;
  const prompt = chipGroup('Prompt level', levels, { initial: levels[0], onChange: (v) => ctx.setLocal({ prompt: v }) });
  const trial = (result) =>
    ctx.serial(() => ctx.record('trial', { result, prompt: prompt.value ?? levels[0] }));
  const buttons = h(
    'div',
    { class: 'trio' },
    h('button', { type: 'button', class: 'btn big yes', onclick: () => trial('correct') }, '✓ Correct'),
    h('button', { type: 'button', class: 'btn big no', onclick: () => trial('incorrect') }, '✗ Incorrect'),
    h('button', { type: 'button', class: 'btn big', onclick: () => trial('no_response') }, 'No response'),
  );
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const strip = h('ol', { class: 'trial-strip', 'aria-label': 'Last trials' });
  const el = h('div', { class: 'ctl-dtt' }, prompt.el, buttons, figures, strip);

  return {
    el,
    keys: { c: () => trial('correct'), i: () => trial('incorrect'), n: () => trial('no_response') },
    restore(local) {
      if (local?.prompt && levels.includes(local.prompt)) prompt.set(local.prompt, false);
    },
    refresh() {
      const s = ctx.summary();
      const of = planned ? ` of ${planned}` : '';
      figures.textContent = `${s.trials}${of} trials · ${fmtPct(s.percentCorrect)} correct · ${fmtPct(s.percentIndependent)} independent`;
      strip.replaceChildren(
        ...s.recent.map((t) =>
          h('li', { class: t.result }, MARK[t.result], h('small', {}, t.result === 'correct' ? abbreviate(t.prompt) : '')),
        ),
      );
    },
  };
}
