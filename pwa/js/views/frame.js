// What the target-recording and fidelity screens share: the sticky bar with the session
// clock, pause, undo, note and end, and the running strip (every running timer with its Stop,
// so no timer needs scrolling to); the recent-entries list; the wake lock; the ticker and
// the keyboard shortcuts.
import { describeSync } from '../sync.js';
import { formatClock } from '../timers.js';
import { lastUndoable, voidedIds } from '../tally.js';
import { fmtTime, t } from '../i18n.js';
import { confirmDialog, h, openDialog, setText, toast } from '../ui.js';
import { describeEvent } from './describe.js';

const SHOWN = 12;

const SHORTCUTS = [
  ['1 – 9', 'keys.targets'],
  ['c / i / n', 'keys.dtt'],
  ['+ / − / 0', 'keys.interval'],
  ['u / Ctrl+Z', 'keys.undo'],
  ['p', 'keys.pause'],
  ['m', 'keys.note'],
  ['?', 'keys.help'],
];

/** Keep the screen on while recording, where the browser allows it. */
function keepAwake() {
  let lock = null;
  let stopped = false;
  const acquire = async () => {
    if (stopped || document.visibilityState !== 'visible' || !navigator.wakeLock) return;
    try {
      lock = await navigator.wakeLock.request('screen');
    } catch {
      lock = null; // battery saver or no permission: the session still works
    }
  };
  const onVisible = () => acquire();
  document.addEventListener('visibilitychange', onVisible);
  acquire();
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisible);
    lock?.release().catch(() => {});
  };
}

export function showShortcuts() {
  return openDialog(t('keys.title'), (close) => [
    h('dl', { class: 'facts' }, ...SHORTCUTS.flatMap(([k, v]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t(v))])),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', onclick: () => close() }, t('common.close'))),
  ]);
}

/**
 * The running strip: one button per running timer (duration bout, latency wait, interval
 * run), each with its live reading and the action that stops it. Buttons are rebuilt only
 * when a timer starts or stops, so one is never replaced under a finger.
 */
function runningStrip() {
  const el = h('ul', { class: 'running', 'aria-label': t('running.label'), hidden: true });
  let shownKey = '';
  let buttons = [];
  return {
    el,
    /** @param {Array<{key: string, label: string, reading: string, action: string, stop: () => void}>} items */
    draw(items) {
      const key = items.map((i) => i.key).join('|');
      if (key !== shownKey) {
        shownKey = key;
        buttons = items.map((item) =>
          h('button', { type: 'button', class: 'btn run-btn', onclick: () => item.stop() },
            h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
            h('span', { class: 'run-what' }, item.label),
            h('span', { class: 'run-time' }),
            h('span', { class: 'run-action' }, item.action)),
        );
        el.replaceChildren(...buttons.map((b) => h('li', {}, b)));
        el.hidden = items.length === 0;
      }
      items.forEach((item, i) => setText(buttons[i].querySelector('.run-time'), item.reading));
    },
  };
}

/**
 * @param {object} o
 * @param {import('../recorder.js').Recorder} o.recorder
 * @param {string} o.title client name
 * @param {string} o.subtitle
 * @param {Map<string, string>} o.names target id -> name, for the entries list
 * @param {() => Promise<void>} o.onEnd
 * @param {(now: number) => void} o.onTick
 * @param {(event: object) => void} o.onEvent after each committed entry
 * @param {(e: KeyboardEvent) => boolean} o.onKey screen-specific keys; true when handled
 * @param {(now: number) => Array<object>} [o.running] the running timers, for the strip
 * @param {Array<{id: string, name: string}>} [o.noteTargets]
 */
export function sessionFrame(app, o) {
  const rec = o.recorder;
  const clock = h('span', { class: 'clock', role: 'timer', 'aria-label': t('bar.clock') }, '0:00');
  const pauseBtn = h('button', { type: 'button', class: 'btn bar-btn' });
  const undoBtn = h('button', { type: 'button', class: 'btn bar-btn', 'aria-keyshortcuts': 'u' }, h('span', { class: 'ico', 'aria-hidden': 'true' }, '↶'), t('bar.undo'));
  const noteBtn = h('button', { type: 'button', class: 'btn bar-btn', 'aria-keyshortcuts': 'm' }, t('bar.note'));
  const endBtn = h('button', { type: 'button', class: 'btn bar-btn danger', 'aria-label': t('bar.end_session') }, t('bar.end'));
  const helpBtn = h('button', { type: 'button', class: 'btn bar-btn help', 'aria-keyshortcuts': '?' }, '?', h('span', { class: 'visually-hidden' }, ` ${t('keys.title')}`));
  const running = runningStrip();
  const entries = h('ol', { class: 'entries' });
  // The header's sync badge scrolls away during a session; this line keeps the count in view.
  const syncLine = h('span', { class: 'sync-mini' });
  const drawSync = () => {
    const s = app.sync?.status();
    if (!s) return;
    const { text, detail, tone } = describeSync(s, { online: navigator.onLine });
    syncLine.dataset.state = tone;
    setText(syncLine, tone === 'warn' && detail.endsWith('need attention') ? `${text} · ${detail}` : text);
  };
  const bar = h(
    'div',
    { class: 'session-bar' },
    h('div', { class: 'who' }, h('strong', {}, o.title), h('span', {}, o.subtitle), syncLine),
    clock,
    h('div', { class: 'bar-actions' }, pauseBtn, undoBtn, noteBtn, endBtn, helpBtn),
    running.el,
  );
  const log = h('section', { class: 'panel entries-panel', 'aria-label': t('entries.title') }, h('h2', {}, t('entries.title')), entries);

  const drawPause = () => {
    pauseBtn.replaceChildren(h('span', { class: 'ico', 'aria-hidden': 'true' }, rec.paused ? '▶' : '❚❚'), rec.paused ? t('bar.resume') : t('bar.pause'));
    pauseBtn.classList.toggle('on', rec.paused);
    bar.classList.toggle('paused', rec.paused);
  };
  // The list changes by one line per entry (a tap must stay cheap); an undo marks its line.
  const entryLine = (e, voided) =>
    h(
      'li',
      { class: voided ? 'voided' : '', dataset: { id: e.id } },
      h('time', {}, fmtTime(e.ms, { seconds: true })),
      h('span', {}, `${o.names.get(e.target_id) ?? t('entries.session')}: ${describeEvent(e)}`),
      voided ? h('span', { class: 'tag' }, t('entries.undone')) : '',
    );
  const drawUndo = () => {
    undoBtn.disabled = !lastUndoable(rec.events);
  };
  const drawEntries = () => {
    const voided = voidedIds(rec.events);
    const shown = rec.events.filter((e) => e.kind !== 'void').slice(-SHOWN).reverse();
    entries.replaceChildren(...shown.map((e) => entryLine(e, voided.has(e.id))));
    drawUndo();
  };
  const addEntry = (e) => {
    if (e.kind === 'void') {
      const line = entries.querySelector(`li[data-id="${e.data.voids}"]`);
      if (line) line.replaceWith(entryLine(rec.events.find((x) => x.id === e.data.voids), true));
    } else {
      entries.prepend(entryLine(e, false));
      while (entries.children.length > SHOWN) entries.lastChild.remove();
    }
    drawUndo();
  };

  const undo = async () => {
    const undone = await rec.undo();
    toast(undone ? t('entries.undone_toast', { what: `${o.names.get(undone.target_id) ?? t('entries.session')} ${describeEvent(undone)}` }) : t('entries.nothing_to_undo'));
  };
  const togglePause = async () => {
    await (rec.paused ? rec.resume() : rec.pause());
    drawPause();
  };
  const addNote = () =>
    openDialog(t('note.title'), (close) => {
      const text = h('textarea', { id: 'note-text', rows: 4, maxlength: 4000, required: true });
      const about = h('select', { id: 'note-about' }, h('option', { value: '' }, t('note.whole_session')), ...(o.noteTargets ?? []).map((x) => h('option', { value: x.id }, x.name)));
      requestAnimationFrame(() => text.focus());
      return [
        h('label', { for: 'note-text', class: 'field-label' }, t('note.what')),
        text,
        o.noteTargets?.length ? [h('label', { for: 'note-about', class: 'field-label' }, t('note.about')), about] : '',
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel')),
          h('button', {
            type: 'button',
            class: 'btn primary',
            onclick: async () => {
              if (!text.value.trim()) return text.focus();
              await rec.record(about.value || null, 'note', { text: text.value.trim() });
              close();
            },
          }, t('note.save'))),
      ];
    });
  const end = async () => {
    const ok = await confirmDialog(t('end.title'), t('end.message'), { ok: t('end.ok'), cancel: t('common.cancel') });
    if (ok) await o.onEnd();
  };
  pauseBtn.addEventListener('click', togglePause);
  undoBtn.addEventListener('click', undo);
  noteBtn.addEventListener('click', addNote);
  endBtn.addEventListener('click', end);
  helpBtn.addEventListener('click', showShortcuts);

  document.addEventListener('bdc:sync', drawSync);
  const unsubscribe = rec.subscribe((event) => {
    addEntry(event);
    o.onEvent?.(event);
    if (o.running) running.draw(o.running(rec.now()));
    app.sync?.poke();
  });
  // Ended in another tab (or found ended when this tab tried to write): show the summary.
  const unEnded = rec.onEndedElsewhere(() => {
    toast(t('end.elsewhere'));
    app.go(`#/summary/${rec.id}`);
  });
  // The session clock's latest reading is kept, so after a reload with the wall clock stepped
  // back the clock carries on from here (see clock.js).
  const keepClock = () => (rec.ended ? null : app.store.setControl(rec.id, 'clock', rec.now()).catch(() => {}));
  // A tab in the background may have missed messages: catch up from the outbox on return.
  const onVisibility = () => {
    if (document.visibilityState === 'visible') rec.catchUp();
    else keepClock();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', keepClock);

  const onKey = (e) => {
    if (e.target.closest?.('input, textarea, select, dialog') || e.altKey || e.metaKey) return;
    const key = e.key;
    let handled = true;
    if ((key === 'z' && e.ctrlKey) || (key === 'u' && !e.ctrlKey)) undo();
    else if (e.ctrlKey) handled = false;
    else if (key === 'p') togglePause();
    else if (key === 'm') addNote();
    else if (key === '?') showShortcuts();
    else handled = o.onKey?.(e) ?? false;
    if (handled) e.preventDefault();
  };
  document.addEventListener('keydown', onKey);

  let clockKeptAt = 0;
  const tick = () => {
    const now = rec.now();
    if (now - clockKeptAt > 60000) {
      clockKeptAt = now;
      keepClock();
    }
    setText(clock, formatClock(rec.activeMs(now)));
    o.onTick?.(now);
    if (o.running) running.draw(o.running(now));
  };
  // Readings come from timestamps, so the tick rate only sets how fresh the display is.
  const ticker = setInterval(tick, 250);
  const release = keepAwake();
  // The sticky bar's height (it grows with the running strip) is the page's scroll padding:
  // a control reached by Tab or scrolled to is never left under the bar.
  const root = document.documentElement;
  const barSize = new ResizeObserver(() => root.style.setProperty('--bar-h', `${bar.offsetHeight}px`));
  barSize.observe(bar);
  drawPause();
  drawEntries();
  drawSync();
  tick();

  return {
    bar,
    log,
    cleanup() {
      clearInterval(ticker);
      barSize.disconnect();
      root.style.removeProperty('--bar-h');
      release();
      unsubscribe();
      unEnded();
      keepClock();
      rec.close();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', keepClock);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('bdc:sync', drawSync);
    },
  };
}
