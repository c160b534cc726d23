// Duration: start/stop, several bouts at once, and a press-and-hold mode for short bouts
// (the bout lasts as long as the finger stays down).
import { t } from '../i18n.js';
import { h, setText } from '../ui.js';
import { formatClock } from '../timers.js';
import { newId } from '../ids.js';

export function durationControl(ctx) {
  let hold = false;
  let shownKey = null;
  const main = h('button', { type: 'button', class: 'btn big toggle' });
  const another = h('button', { type: 'button', class: 'btn' }, t('duration.another'));
  const holdBox = h('input', { type: 'checkbox', class: 'switch' });
  const running = h('ul', { class: 'bouts' });
  const totals = h('p', { class: 'figures' });
  const el = h(
    'div',
    { class: 'ctl-duration' },
    main,
    h('div', { class: 'row' }, h('label', { class: 'check' }, holdBox, ` ${t('duration.hold')}`), another),
    running,
    totals,
  );

  const open = () => ctx.summary().open;
  const start = () => ctx.record('duration_start', { episode: newId() });
  const stop = (episode) => ctx.record('duration_stop', { episode });
  // Taps are queued so a fast second tap acts on the state the first one left.
  const toggle = () => ctx.serial(() => (open().length ? stop(open()[0].episode) : start()));

  main.addEventListener('click', (e) => {
    if (!hold || e.detail === 0) toggle(); // detail 0: a keyboard press, which cannot hold
  });
  main.addEventListener('pointerdown', (e) => {
    if (!hold) return;
    main.setPointerCapture?.(e.pointerId);
    ctx.serial(() => (open().length ? undefined : start()));
  });
  const release = () => {
    if (hold) ctx.serial(() => Promise.all(open().map((o) => stop(o.episode))));
  };
  main.addEventListener('pointerup', release);
  main.addEventListener('pointercancel', release);
  main.addEventListener('contextmenu', (e) => {
    if (hold) e.preventDefault(); // a long press must not open the menu
  });
  holdBox.addEventListener('change', () => {
    hold = holdBox.checked;
    ctx.setLocal({ hold });
    api.refresh();
  });
  another.addEventListener('click', () => ctx.serial(start));

  const api = {
    el,
    primary: toggle,
    restore(local) {
      hold = Boolean(local?.hold);
      holdBox.checked = hold;
    },
    refresh() {
      const bouts = open();
      main.classList.toggle('on', bouts.length > 0);
      main.classList.toggle('hold', hold);
      main.setAttribute('aria-pressed', String(bouts.length > 0));
      main.textContent = hold ? t('duration.holding') : bouts.length > 1 ? t('duration.stop_bout', { n: 1 }) : bouts.length ? t('duration.stop') : t('duration.start');
      main.setAttribute('aria-label', `${main.textContent} ${ctx.target.name}`);
      another.hidden = hold || bouts.length === 0;
      api.tick(ctx.now());
    },
    tick(now) {
      const s = ctx.summary();
      const key = s.open.map((o) => o.episode).join();
      // Rebuild only when bouts start or stop, so a Stop button is never replaced under a finger.
      if (key !== shownKey) {
        shownKey = key;
        running.replaceChildren(
          ...s.open.map((o, i) =>
            h(
              'li',
              {},
              h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
              h('span', { class: 'bout-time' }),
              // One running bout is stopped by the main button; several each get a Stop.
              s.open.length > 1
                ? h('button', { type: 'button', class: 'btn small', onclick: () => ctx.serial(() => stop(o.episode)) }, t('duration.stop_bout', { n: i + 1 }))
                : '',
            ),
          ),
        );
      }
      s.open.forEach((o, i) => {
        setText(running.children[i].querySelector('.bout-time'), t('duration.running', { n: i + 1, time: formatClock(now - o.startMs) }));
      });
      setText(totals, t('duration.totals', { time: formatClock(s.totalMs), n: s.episodes }));
    },
    running(now) {
      const bouts = open();
      return bouts.map((o, i) => ({
        key: o.episode,
        reading: bouts.length > 1 ? t('duration.bout_reading', { n: i + 1, time: formatClock(now - o.startMs) }) : formatClock(now - o.startMs),
        action: t('duration.stop'),
        stop: () => ctx.serial(() => stop(o.episode)),
      }));
    },
  };
  return api;
}
