// Rating scale: one button per point of the target's scale, with its label when given.
import { fmtNumber, t } from '../i18n.js';
import { h } from '../ui.js';

export function ratingControl(ctx) {
  const p = ctx.target.params ?? {};
  const min = Number(p.scale_min ?? 1);
  const max = Number(p.scale_max ?? 5);
  const values = [];
  for (let v = min; v <= max; v += 1) values.push(v);
  const buttons = values.map((value, i) =>
    h('button', {
      type: 'button',
      class: 'btn rating-btn',
      'aria-pressed': 'false',
      onclick: () => ctx.serial(() => ctx.record('rating', { value })),
    }, h('strong', {}, String(value)), p.labels?.[i] ? h('small', {}, p.labels[i]) : ''),
  );
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const el = h('div', { class: 'ctl-rating' }, h('div', { class: 'rating-row', role: 'group', 'aria-label': t('measurement.rating') }, ...buttons), figures);

  return {
    el,
    refresh() {
      const s = ctx.summary();
      buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(values[i] === s.last)));
      figures.textContent = s.n ? t('rating.figures', { n: s.n, last: s.last, mean: fmtNumber(s.mean, 1) }) : t('figures.none_yet');
    },
  };
}
