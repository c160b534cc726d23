// Partial interval, whole interval and momentary time sampling: a run of fixed intervals
// timed from its start timestamp, a cue (flash, beep, vibration) at each boundary, and
// +/-/skip scoring of one interval at a time. Re-scoring voids the earlier score.
import { cue, unlockAudio } from '../cue.js';
import { fmtPct, t } from '../i18n.js';
import { h, setText } from '../ui.js';
import { formatClock, intervalCount, intervalPosition } from '../timers.js';


export function intervalControl(ctx) {
  const { target } = ctx;
  const seconds = Number(target.params?.interval_seconds ?? 10);
  const count = intervalCount(seconds, Number(target.params?.observation_minutes ?? 5));
  // Only partial-interval may be scored while the interval is still running.
  const canScoreRunning = target.measurement === 'partial_interval';
  let runStart = null;
  let selected = null;
  let lastIndex = null;

  const startBtn = h('button', { type: 'button', class: 'btn big primary' }, t('interval.start'));
  const stopBtn = h('button', { type: 'button', class: 'btn small' }, t('interval.stop'));
  const status = h('p', { class: 'interval-status', 'aria-live': 'polite' });
  const bar = h('div', { class: 'progress', 'aria-hidden': 'true' }, h('span'));
  const yes = h('button', { type: 'button', class: 'btn big yes' }, `+ ${t('interval.yes')}`);
  const no = h('button', { type: 'button', class: 'btn big no' }, `− ${t('interval.no')}`);
  const skip = h('button', { type: 'button', class: 'btn big' }, t('interval.skip'));
  const grid = h('div', { class: 'interval-grid', role: 'group', 'aria-label': t('interval.grid') });
  const figures = h('p', { class: 'figures' });
  const scoring = h('div', { class: 'trio' }, yes, no, skip);
  const el = h(
    'div',
    { class: 'ctl-interval' },
    h('p', { class: 'hint' }, `${count} × ${seconds} s. ${t(`interval.help.${target.measurement}`)}`),
    startBtn,
    h('div', { class: 'row' }, status, stopBtn),
    bar,
    scoring,
    grid,
    figures,
  );

  const scores = () => ctx.summary().scores;
  const position = (now) => intervalPosition(runStart, seconds, count, now);

  /** The interval the buttons score: the chosen one, else the oldest one awaiting a score. */
  function current(now) {
    if (runStart === null) return null;
    const pos = position(now);
    const last = canScoreRunning ? Math.min(pos.index, count - 1) : pos.index - 1;
    if (selected !== null && selected <= last) return selected;
    for (let i = 0; i <= last; i += 1) if (!scores().has(i)) return i;
    return null;
  }

  const score = (value) =>
    ctx.serial(async () => {
      const index = current(ctx.now());
      if (index === null) return;
      const previous = ctx.live().filter((e) => e.kind === 'interval' && e.data.index === index).at(-1);
      if (previous) await ctx.voidEvent(previous);
      await ctx.record('interval', { index, scored: value });
      selected = null;
      api.refresh();
    });
  yes.addEventListener('click', () => score(true));
  no.addEventListener('click', () => score(false));
  skip.addEventListener('click', () => score(null));

  const start = () => {
    unlockAudio();
    runStart = ctx.now();
    lastIndex = 0;
    selected = null;
    ctx.setLocal({ runStart });
    api.refresh();
  };
  const stopRun = () => {
    runStart = null;
    ctx.setLocal({ runStart: null });
    api.refresh();
  };
  startBtn.addEventListener('click', start);
  stopBtn.addEventListener('click', stopRun);

  // Cells are built once and updated in place, so a boundary never replaces one mid-tap.
  const cells = Array.from({ length: count }, (_, i) =>
    h('button', {
      type: 'button',
      class: 'cell',
      onclick: () => {
        selected = i;
        api.refresh();
      },
    }),
  );
  grid.append(...cells);

  function renderGrid(now) {
    const pos = runStart === null ? null : position(now);
    const active = current(now);
    const marks = scores();
    cells.forEach((cell, i) => {
      const v = marks.get(i);
      const mark = v === true ? '+' : v === false ? '−' : v === null ? t('interval.skipped') : '';
      cell.className = `cell${i === pos?.index && !pos.done ? ' now' : ''}${i === active ? ' sel' : ''}${v === undefined ? '' : ' scored'}`;
      cell.disabled = !(pos !== null && (i < pos.index || (canScoreRunning && i === pos.index)));
      cell.setAttribute('aria-label', mark ? t('interval.cell_scored', { n: i + 1, mark }) : t('interval.cell', { n: i + 1 }));
      cell.setAttribute('aria-pressed', String(i === active));
      cell.replaceChildren(h('small', {}, String(i + 1)), v === null ? '○' : mark);
    });
  }

  const api = {
    el,
    primary: () => (runStart === null ? start() : score(true)),
    keys: { '+': () => score(true), '=': () => score(true), '-': () => score(false), 0: () => score(null) },
    restore(local) {
      runStart = local?.runStart ?? null;
    },
    refresh() {
      api.tick(ctx.now(), true);
    },
    tick(now, redraw = false) {
      const running = runStart !== null;
      startBtn.hidden = running;
      stopBtn.hidden = !running;
      bar.hidden = !running;
      scoring.hidden = !running;
      grid.hidden = !running;
      let changed = redraw;
      if (running) {
        const pos = position(now);
        // Cue once per boundary crossed, however late the tick (never for a reload's catch-up).
        if (lastIndex !== null && pos.index > lastIndex) cue(ctx.card);
        if (pos.index !== lastIndex) changed = true;
        lastIndex = pos.index;
        setText(status, pos.done
          ? t('interval.complete')
          : t('interval.status', { n: pos.index + 1, count, left: formatClock(pos.msToBoundary + 999) }));
        bar.firstChild.style.width = `${pos.done ? 100 : (100 * pos.msIntoInterval) / pos.lengthMs}%`;
      } else {
        setText(status, '');
      }
      if (changed) {
        const active = current(now);
        for (const b of [yes, no, skip]) b.disabled = active === null;
        scoring.dataset.target = active === null ? '' : t('interval.cell', { n: active + 1 });
        yes.textContent = active === null ? `+ ${t('interval.yes')}` : `+ ${t('interval.yes')} (#${active + 1})`;
        renderGrid(now);
        const s = ctx.summary();
        const skipped = s.skipped ? ` · ${t('interval.n_skipped', { n: s.skipped })}` : '';
        figures.textContent = s.observed
          ? `${t('interval.figures', { n: s.occurred, observed: s.observed, pct: fmtPct(s.percent) })}${skipped}`
          : `${t('interval.none_yet')}${skipped}`;
      }
    },
    // A run still going shows in the session bar with its Stop run.
    running(now) {
      if (runStart === null || position(now).done) return [];
      const pos = position(now);
      return [{ key: String(runStart), reading: t('interval.short_status', { n: pos.index + 1, count, left: formatClock(pos.msToBoundary + 999) }), action: t('interval.stop'), stop: stopRun }];
    },
  };
  return api;
}
