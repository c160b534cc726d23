// Latency: "Instruction given" starts the clock, "Response" records the seconds between.
// The instruction time is kept on the device so a reload does not lose it.
import { t } from '../i18n.js';
import { h, setText } from '../ui.js';
import { formatSeconds, latencySeconds } from '../timers.js';

export function latencyControl(ctx) {
  let instructionMs = null;
  const given = h('button', { type: 'button', class: 'btn big' }, t('latency.given'));
  const response = h('button', { type: 'button', class: 'btn big primary' }, t('latency.response'));
  const cancel = h('button', { type: 'button', class: 'btn small' }, t('common.cancel'));
  const clock = h('p', { class: 'clock-small', 'aria-live': 'off' });
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const el = h('div', { class: 'ctl-latency' }, h('div', { class: 'pair' }, given, response), h('div', { class: 'row' }, clock, cancel), figures);

  const set = (ms) => {
    instructionMs = ms;
    ctx.setLocal({ instructionMs: ms });
    api.refresh();
  };
  const onGiven = () => set(ctx.now());
  const onResponse = () =>
    ctx.serial(async () => {
      if (instructionMs === null) return;
      const seconds = latencySeconds(instructionMs, ctx.now());
      await ctx.record('latency', { seconds });
      set(null);
    });
  given.addEventListener('click', onGiven);
  response.addEventListener('click', onResponse);
  cancel.addEventListener('click', () => set(null));

  const api = {
    el,
    primary: () => (instructionMs === null ? onGiven() : onResponse()),
    restore(local) {
      instructionMs = local?.instructionMs ?? null;
    },
    refresh() {
      response.disabled = instructionMs === null;
      cancel.hidden = instructionMs === null;
      given.classList.toggle('on', instructionMs !== null);
      const s = ctx.summary();
      figures.textContent = s.n
        ? t('latency.figures', { n: s.n, last: formatSeconds(s.lastSeconds), mean: formatSeconds(s.meanSeconds) })
        : t('figures.none_yet');
      api.tick(ctx.now());
    },
    tick(now) {
      setText(clock, instructionMs === null ? '' : t('latency.waiting', { time: formatSeconds((now - instructionMs) / 1000) }));
    },
    // A latency wait is stopped by the response (or by Cancel on the card).
    running(now) {
      if (instructionMs === null) return [];
      return [{ key: String(instructionMs), reading: formatSeconds((now - instructionMs) / 1000), action: t('latency.response'), stop: onResponse }];
    },
  };
  return api;
}
