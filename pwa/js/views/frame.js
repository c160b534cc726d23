// What the target-recording and fidelity screens share: the sticky bar with the session
// clock, pause, undo, note and end; the recent-entries list; the wake lock; the ticker
// and the keyboard shortcuts.
import { describeSync } from '../sync.js';
import { formatClock } from '../timers.js';
import { lastUndoable, voidedIds } from '../tally.js';
import { confirmDialog, h, openDialog, setText, toast } from '../ui.js';
import { describeEvent } from './describe.js';

const SHOWN = 12;
const TIME = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

const SHORTCUTS = [
  ['1 – 9', 'main button of target 1 – 9 (count, start/stop, next step)'],
  ['c / i / n', 'DTT card in focus: correct / incorrect / no response'],
  ['+ / − / 0', 'interval card in focus: yes / no / skip'],
  ['u or Ctrl+Z', 'undo the last entry'],
  ['p', 'pause or resume'],
  ['m', 'add a note'],
  ['?', 'this list'],
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

function showShortcuts() {
  return openDialog('Keyboard shortcuts', (close) => [
    h('dl', { class: 'facts' }, ...SHORTCUTS.flatMap(([k, v]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, v)])),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', onclick: () => close() }, 'Close')),
  ]);
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
 * @param {Array<{id: string, name: string}>} [o.noteTargets]
 */
export function sessionFrame(app, o) {
  const rec = o.recorder;
  const clock = h('span', { class: 'clock', role: 'timer', 'aria-label': 'Session time' }, '0:00');
  const pauseBtn = h('button', { type: 'button', class: 'btn bar-btn' });
  const undoBtn = h('button', { type: 'button', class: 'btn bar-btn', 'aria-keyshortcuts': 'u' }, h('span', { class: 'ico', 'aria-hidden': 'true' }, '↶'), 'Undo');
  const noteBtn = h('button', { type: 'button', class: 'btn bar-btn', 'aria-keyshortcuts': 'm' }, 'Note');
  const endBtn = h('button', { type: 'button', class: 'btn bar-btn danger', 'aria-label': 'End session' }, 'End');
  const helpBtn = h('button', { type: 'button', class: 'btn bar-btn help', 'aria-keyshortcuts': '?' }, '?', h('span', { class: 'visually-hidden' }, ' Keyboard shortcuts'));
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
  );
  const log = h('section', { class: 'panel entries-panel', 'aria-label': 'Recent entries' }, h('h2', {}, 'Recent entries'), entries);

  const drawPause = () => {
    pauseBtn.replaceChildren(h('span', { class: 'ico', 'aria-hidden': 'true' }, rec.paused ? '▶' : '❚❚'), rec.paused ? 'Resume' : 'Pause');
    pauseBtn.classList.toggle('on', rec.paused);
    bar.classList.toggle('paused', rec.paused);
  };
  // The list changes by one line per entry (a tap must stay cheap); an undo marks its line.
  const entryLine = (e, voided) =>
    h(
      'li',
      { class: voided ? 'voided' : '', dataset: { id: e.id } },
      h('time', {}, TIME.format(e.ms)),
      h('span', {}, `${o.names.get(e.target_id) ?? 'Session'}: ${describeEvent(e)}`),
      voided ? h('span', { class: 'tag' }, 'undone') : '',
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
    toast(undone ? `Undone: ${o.names.get(undone.target_id) ?? 'Session'} ${describeEvent(undone)}` : 'Nothing to undo');
  };
  const togglePause = async () => {
    await (rec.paused ? rec.resume() : rec.pause());
    drawPause();
  };
  const addNote = () =>
    openDialog('Note', (close) => {
      const text = h('textarea', { id: 'note-text', rows: 4, maxlength: 4000, required: true });
      const about = h('select', { id: 'note-about' }, h('option', { value: '' }, 'The whole session'), ...(o.noteTargets ?? []).map((t) => h('option', { value: t.id }, t.name)));
      requestAnimationFrame(() => text.focus());
      return [
        h('label', { for: 'note-text', class: 'field-label' }, 'What happened'),
        text,
        o.noteTargets?.length ? [h('label', { for: 'note-about', class: 'field-label' }, 'About'), about] : '',
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel'),
          h('button', {
            type: 'button',
            class: 'btn primary',
            onclick: async () => {
              if (!text.value.trim()) return text.focus();
              await rec.record(about.value || null, 'note', { text: text.value.trim() });
              close();
            },
          }, 'Save note')),
      ];
    });
  const end = async () => {
    const ok = await confirmDialog('End session?', 'The session clock stops and the summary is shown. Running bouts are stopped.', { ok: 'Yes, end it' });
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
    app.sync?.poke();
  });
  // Ended in another tab (or found ended when this tab tried to write): show the summary.
  const unEnded = rec.onEndedElsewhere(() => {
    toast('This session was ended in another tab.');
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
  };
  // Readings come from timestamps, so the tick rate only sets how fresh the display is.
  const ticker = setInterval(tick, 250);
  const release = keepAwake();
  drawPause();
  drawEntries();
  drawSync();
  tick();

  return {
    bar,
    log,
    cleanup() {
      clearInterval(ticker);
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
