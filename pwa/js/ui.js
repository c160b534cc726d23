// Small DOM helpers shared by the screens: element building, announcements, dialogs.
import { fmtTime, t } from './i18n.js';

export { fmtPct } from './i18n.js';

/**
 * h('button', {class: 'big', onclick: fn, 'aria-label': 'Add'}, 'text', child)
 * Attributes starting with "on" become listeners; false/null attributes are left out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Set an element's text only when it changes: the 4-per-second ticker then causes a
 * rendering frame only when something visible moved. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Replace the main view's content and move focus to its heading, for screen readers. */
export function mount(...children) {
  const main = document.getElementById('view');
  main.replaceChildren(...children);
  const heading = main.querySelector('h1') ?? main.querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** Say something to screen-reader users without moving focus. */
export function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node makes the same message announced twice in a row.
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}

let toastTimer = null;
/** A short visible message at the bottom of the screen (also announced). */
export function toast(text, { kind = 'info', ms = 3500 } = {}) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, ms);
  announce(text);
}

/**
 * A modal dialog built from content; resolves with the value passed to close(), or
 * undefined when dismissed with Escape or the backdrop.
 */
export function openDialog(title, build, { className = '' } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: `sheet ${className}`, 'aria-labelledby': 'dialog-title' });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(h('h2', { id: 'dialog-title' }, title), ...[build(close)].flat());
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(undefined);
    });
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog) close(undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Ask yes/no. */
export function confirmDialog(title, message, { ok = t('common.ok'), cancel = t('common.cancel'), danger = false } = {}) {
  return openDialog(title, (close) => [
    h('p', {}, message),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, cancel),
      h('button', { type: 'button', class: `btn ${danger ? 'danger' : 'primary'}`, onclick: () => close(true) }, ok),
    ),
  ]).then(Boolean);
}

/** "3 min ago", "just now": for the last successful sync. */
export function ago(ms, now = Date.now()) {
  const s = Math.round((now - ms) / 1000);
  if (s < 10) return t('ago.now');
  if (s < 60) return t('ago.seconds', { n: s });
  if (s < 3600) return t('ago.minutes', { n: Math.floor(s / 60) });
  return fmtTime(ms);
}
