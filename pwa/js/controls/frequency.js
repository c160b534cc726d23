// Frequency and rate: one large tap area with the running count; the rate is shown against
// the session timer (observation time less pauses).
import { h, setText } from '../ui.js';

export function frequencyControl(ctx) {
  const count = h('span', { class: 'tap-count', 'aria-live': 'polite' }, '0');
  const rate = h('span', { class: 'tap-rate' });
  const button = h(
    'button',
    { type: 'button', class: 'tap-area', onclick: () => ctx.record('count') },
    h('span', { class: 'visually-hidden' }, `${ctx.target.name}: `),
    count,
    h('span', { class: 'tap-hint' }, 'tap +1'),
  );
  const el = h('div', { class: 'ctl-frequency' }, button, rate);

  return {
    el,
    primary: () => ctx.record('count'),
    refresh() {
      count.textContent = String(ctx.summary().count);
    },
    tick() {
      const { ratePerMin } = ctx.summary();
      setText(rate, ratePerMin === null ? '' : `${ratePerMin.toFixed(1)} per min`);
    },
  };
}
