// Task analysis: each step scored with the prompt level it needed (a tap on the level), or
// as incorrect / no response. Scoring a step again voids the earlier score.
import { fmtPct, t } from '../i18n.js';
import { h } from '../ui.js';
import { abbreviate, promptLabel, promptLevels } from './prompts.js';

export function taskAnalysisControl(ctx) {
  const levels = promptLevels(ctx.target);
  const steps = ctx.target.params?.steps ?? [];
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const rows = steps.map((name, step) => {
    const choices = [
      ...levels.map((level) => ({ label: abbreviate(level), title: promptLabel(level), data: { result: 'correct', prompt: level } })),
      { label: '✗', title: t('result.incorrect'), data: { result: 'incorrect', prompt: levels[0] } },
      { label: t('result_abbr.no_response'), title: t('result.no_response'), data: { result: 'no_response', prompt: levels[0] } },
    ];
    const buttons = choices.map((c) =>
      h('button', {
        type: 'button',
        class: 'btn step-btn',
        title: c.title,
        'aria-pressed': 'false',
        onclick: () => score(step, c.data),
      }, c.label, h('span', { class: 'visually-hidden' }, ` ${t('ta.step_n', { n: step + 1 })} ${name}: ${c.title}`)),
    );
    return { buttons, choices, el: h('li', { class: 'ta-step' }, h('span', { class: 'step-name' }, `${step + 1}. ${name}`), h('div', { class: 'step-buttons' }, ...buttons)) };
  });
  const legend = h('p', { class: 'hint' }, [
    ...levels.map((l) => `${abbreviate(l)} = ${promptLabel(l)}`),
    `✗ = ${t('result.incorrect')}`,
    `${t('result_abbr.no_response')} = ${t('result.no_response')}`,
  ].join(' · '));
  const el = h('div', { class: 'ctl-ta' }, legend, h('ol', { class: 'ta-steps' }, ...rows.map((r) => r.el)), figures);

  const score = (step, data) =>
    ctx.serial(async () => {
      const previous = ctx.live().filter((e) => e.kind === 'step' && e.data.step === step).at(-1);
      if (previous) await ctx.voidEvent(previous);
      await ctx.record('step', { step, ...data });
    });

  return {
    el,
    refresh() {
      const s = ctx.summary();
      rows.forEach((row, step) => {
        const d = s.steps.get(step);
        row.buttons.forEach((b, i) => {
          const c = row.choices[i].data;
          b.setAttribute('aria-pressed', String(Boolean(d && d.result === c.result && (c.result !== 'correct' || d.prompt === c.prompt))));
        });
      });
      figures.textContent = `${t('ta.scored', { n: s.recorded, total: s.total })} · ${t('figures.independent', { pct: fmtPct(s.percentIndependent) })}`;
    },
  };
}
