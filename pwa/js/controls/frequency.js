// Frequency and rate: one large tap area with the running count. The rate per minute of
// observation time (less pauses) joins it once enough of the session has passed to mean
// something (RATE_SHOWN_AFTER_MS in timers.js).
import { fmtNumber, t } from '../i18n.js';
import { liveRate } from '../timers.js';
import { h, setText } from '../ui.js';

export function frequencyControl(ctx) {
  const count = h('span', { class: 'tap-count', 'aria-live': 'polite' }, '0');
  const rate = h('span', { class: 'tap-rate' });
  const button = h(
    'button',
    { type: 'button', class: 'tap-area', onclick: () => ctx.record('count') },
    h('span', { class: 'visually-hidden' }, `${ctx.target.name}: `),
    count,
    h('span', { class: 'tap-hint' }, t('frequency.tap')),
  );
  const el = h('div', { class: 'ctl-frequency' }, button, rate);

  return {
    el,
    primary: () => ctx.record('count'),
    refresh() {
      count.textContent = String(ctx.summary().count);
    },
    tick() {
      const { count: n } = ctx.summary();
      const perMin = liveRate(n, ctx.observedMs());
      setText(rate, perMin === null ? '' : t('frequency.rate', { rate: fmtNumber(perMin, 1) }));
    },
  };
}
