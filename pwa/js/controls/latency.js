// Latency: "Instruction given" starts the clock, "Response" records the seconds between.
// "No response" ends a trial the learner did not answer: it records the target's maximum wait
// (max_wait_seconds; without one, the time waited) with no_response: true, and the server
// enters it in the mean at that wait and counts it (docs/analysis.md).
// The instruction time is kept on the device so a reload does not lose it.
import { t } from '../i18n.js';
import { h, setText } from '../ui.js';
import { formatSeconds, latencySeconds } from '../timers.js';

export function latencyControl(ctx) {
  let instructionMs = null;
  const maxWait = ctx.target.params?.max_wait_seconds ?? null;
  const given = h('button', { type: 'button', class: 'btn big' }, t('latency.given'));
  const response = h('button', { type: 'button', class: 'btn big primary' }, t('latency.response'));
  const noResponse = h('button', { type: 'button', class: 'btn big' }, t('result.no_response'));
  const cancel = h('button', { type: 'button', class: 'btn small' }, t('common.cancel'));
  const clock = h('p', { class: 'clock-small', 'aria-live': 'off' });
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const el = h('div', { class: 'ctl-latency' }, h('div', { class: 'trio' }, given, response, noResponse), h('div', { class: 'row' }, clock, cancel), figures);

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
  const onNoResponse = () =>
    ctx.serial(async () => {
      if (instructionMs === null) return;
      // the wait is above 0 (the server refuses a no-response trial of 0 s)
      const seconds = maxWait ?? Math.max(0.001, latencySeconds(instructionMs, ctx.now()));
      await ctx.record('latency', { seconds, no_response: true });
      set(null);
    });
  given.addEventListener('click', onGiven);
  response.addEventListener('click', onResponse);
  noResponse.addEventListener('click', onNoResponse);
  cancel.addEventListener('click', () => set(null));

  const api = {
    el,
    primary: () => (instructionMs === null ? onGiven() : onResponse()),
    restore(local) {
      instructionMs = local?.instructionMs ?? null;
    },
    refresh() {
      response.disabled = instructionMs === null;
      noResponse.disabled = instructionMs === null;
      cancel.hidden = instructionMs === null;
      given.classList.toggle('on', instructionMs !== null);
      const s = ctx.summary();
      const line = s.n
        ? t('latency.figures', { n: s.n, last: formatSeconds(s.lastSeconds), mean: formatSeconds(s.meanSeconds) })
        : t('figures.none_yet');
      figures.textContent = s.noResponse ? `${line} · ${t('latency.no_response_count', { n: s.noResponse })}` : line;
      api.tick(ctx.now());
    },
    tick(now) {
      if (instructionMs === null) return setText(clock, '');
      const waited = (now - instructionMs) / 1000;
      // past the maximum wait the trial is over: say so, the observer taps "No response"
      const key = maxWait !== null && waited >= maxWait ? 'latency.wait_over' : 'latency.waiting';
      setText(clock, t(key, { time: formatSeconds(waited) }));
    },
    // A latency wait is stopped by the response (or by Cancel on the card).
    running(now) {
      if (instructionMs === null) return [];
      return [{ key: String(instructionMs), reading: formatSeconds((now - instructionMs) / 1000), action: t('latency.response'), stop: onResponse }];
    },
  };
  return api;
}
