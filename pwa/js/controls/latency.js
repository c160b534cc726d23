// Latency: "Instruction given" starts the clock, "Response" records the seconds between.
// The instruction time is kept on the device so a reload does not lose it.
import { h, setText } from '../ui.js';
import { formatSeconds, latencySeconds } from '../timers.js';

export function latencyControl(ctx) {
  let instructionMs = null;
  const given = h('button', { type: 'button', class: 'btn big' }, 'Instruction given');
  const response = h('button', { type: 'button', class: 'btn big primary' }, 'Response');
  const cancel = h('button', { type: 'button', class: 'btn small' }, 'Cancel');
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
        ? `${s.n} recorded · last ${formatSeconds(s.lastSeconds)} · mean ${formatSeconds(s.meanSeconds)}`
        : 'None recorded yet';
      api.tick(ctx.now());
    },
    tick(now) {
      setText(clock, instructionMs === null ? '' : `Waiting ${formatSeconds((now - instructionMs) / 1000)}`);
    },
  };
  return api;
}
