// Shared pieces of the BCBA, director and incident screens: roles, dates, number formats,
// the period control, the "needs a connection" notice, tables and links to the data.
import { currentLanguage, t } from '../i18n.js';
import { h } from '../ui.js';

/**
 * Whether the outbox may hold phase changes or incident reports the server already has (true at
 * start-up and after each new one), so the prune after a sync runs only when it can help.
 */
export const outboxItems = { mayNeedPrune: true };

export const PROGRAMMERS = new Set(['bcba', 'director', 'admin']); // change targets and phases
export const DIRECTORS = new Set(['director', 'admin']); // sign off incident reports
export const SUPERVISORS = new Set(['therapist', 'bcba', 'director', 'admin']);

/**
 * [value, label] pairs whose label is looked up in the catalogue each time it is read, so a
 * list built at start-up speaks the language chosen later.
 */
const labelled = (prefix, values) =>
  values.map((value) => Object.defineProperty([value], 1, { get: () => t(`${prefix}.${value}`), enumerable: true }));

export const INCIDENT_TYPES = labelled('incident_type', ['restraint', 'seclusion', 'injury', 'elopement', 'property_damage', 'other']);
export const incidentTypeLabel = (type) => INCIDENT_TYPES.find(([v]) => v === type)?.[1] ?? type;

export const PHASE_KINDS = labelled('phase_kind', ['baseline', 'intervention', 'maintenance', 'generalization', 'condition']);
export const phaseKindLabel = (kind) => PHASE_KINDS.find(([v]) => v === kind)?.[1] ?? kind;

// --- dates: the API's dates are UTC calendar days (YYYY-MM-DD) ---

/** YYYY-MM-DD of a Date in the device's time zone (what a person means by "today"). */
export function localDate(d = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "3 Nov 2026" for a YYYY-MM-DD date (no time zone shift). */
export function fmtDate(iso) {
  if (!iso) return '–';
  const d = new Date(`${String(iso).slice(0, 10)}T12:00:00Z`);
  return d.toLocaleDateString(currentLanguage(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** "3 Nov 2026, 14:05" for a timestamp, in the device's time zone. */
export function fmtDateTime(iso) {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(currentLanguage(), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A number for reading: figures come unrounded from the API. */
export function fmtNum(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const rounded = Number(x.toFixed(digits));
  return rounded.toLocaleString(currentLanguage(), { maximumFractionDigits: digits });
}

/** "45.5%" ("45,5 %" in Spanish), one decimal at most. */
export const fmtPct1 = (x) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : (x / 100).toLocaleString(currentLanguage(), { style: 'percent', maximumFractionDigits: 1 });

export function fmtMinutes(m) {
  if (m === null || m === undefined) return '–';
  if (Math.abs(m) < 90) return t('units.minutes', { x: fmtNum(m, 0) });
  if (Math.abs(m) < 48 * 60) return t('units.hours', { x: fmtNum(m / 60, 1) });
  return t('units.days', { n: Math.round(m / 144) / 10, x: fmtNum(m / 1440, 1) });
}

/** ✓ / ✗ with words (never colour alone). */
export function verdict(ok, yes = t('verdict.meets'), no = t('verdict.below')) {
  if (ok === null || ok === undefined) return h('span', { class: 'verdict none' }, '–');
  return h('span', { class: `verdict ${ok ? 'ok' : 'bad'}` }, ok ? `✓ ${yes}` : `✗ ${no}`);
}

// --- the period control: 4 weeks, 12 weeks or custom dates ---

export const PRESETS = [
  ['4w', 'period.4w', 28],
  ['12w', 'period.12w', 84],
  ['custom', 'period.custom', null],
];

/** {preset, from, to} of a preset ending today. */
export function presetPeriod(preset, today = localDate()) {
  const days = PRESETS.find(([p]) => p === preset)?.[2] ?? 84;
  return { preset, from: addDays(today, -(days - 1)), to: today };
}

/**
 * Chips for the presets and two date fields for a custom period; onChange({preset, from, to})
 * fires when a preset is chosen or both dates are valid and in order.
 */
export function periodControl(idPrefix, initial, onChange) {
  let period = { ...initial };
  const from = h('input', { type: 'date', id: `${idPrefix}-from`, value: period.from, max: localDate() });
  const to = h('input', { type: 'date', id: `${idPrefix}-to`, value: period.to, max: localDate() });
  const error = h('p', { class: 'error', role: 'alert' });
  const custom = h(
    'div',
    { class: 'date-pair', hidden: period.preset !== 'custom' },
    h('div', {}, h('label', { for: from.id, class: 'field-label' }, t('period.from')), from),
    h('div', {}, h('label', { for: to.id, class: 'field-label' }, t('period.to')), to),
  );
  const chips = PRESETS.map(([value, label]) =>
    h('button', {
      type: 'button',
      class: 'chip',
      'aria-pressed': String(period.preset === value),
      onclick: () => choose(value),
    }, t(label)),
  );
  function choose(preset) {
    chips.forEach((c, i) => c.setAttribute('aria-pressed', String(PRESETS[i][0] === preset)));
    custom.hidden = preset !== 'custom';
    if (preset === 'custom') {
      period = { ...period, preset };
      from.value = period.from;
      to.value = period.to;
      from.focus();
      return;
    }
    period = presetPeriod(preset);
    error.textContent = '';
    onChange(period);
  }
  const changed = () => {
    if (!from.value || !to.value) return;
    if (to.value < from.value) {
      error.textContent = t('period.end_before_start');
      return;
    }
    error.textContent = '';
    period = { preset: 'custom', from: from.value, to: to.value };
    onChange(period);
  };
  from.addEventListener('change', changed);
  to.addEventListener('change', changed);
  const el = h(
    'div',
    { class: 'period' },
    h('fieldset', { class: 'chips' }, h('legend', {}, t('period.legend')), ...chips),
    custom,
    error,
  );
  return { el, get value() { return period; } };
}

// --- online-only screens ---

/** A notice that stays in sync with the connection; `what` says what needs the server. */
export function connectionNotice(what) {
  const el = h('p', { class: 'offline-note', role: 'status', hidden: navigator.onLine });
  el.textContent = t('online.offline_notice', { what });
  const update = () => {
    el.hidden = navigator.onLine;
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  return { el, cleanup: () => { window.removeEventListener('online', update); window.removeEventListener('offline', update); } };
}

/** Why a request failed, in words a clinician can act on. */
export function describeFailure(err) {
  if (!err) return t('failure.unknown');
  if (err.status === 0) return t('failure.offline');
  if (err.status === 401) return t('failure.signed_out');
  if (err.status === 403) return t('failure.forbidden');
  if (err.status === 404) return t('failure.not_found');
  const fields = err.body?.error?.fields;
  const detail = fields && Object.keys(fields).length
    ? ` (${Object.entries(fields).map(([k, v]) => `${k}: ${[].concat(v).flat().join(' ')}`).join('; ')})`
    : '';
  return `${err.message}${detail}`;
}

// --- tables ---

/**
 * A table in a keyboard-scrollable region (never the page scrolling sideways). Below laptop
 * width each row reflows into a card of labelled figures (bcba.css), so no column is cut at
 * the right edge of a tablet; every cell carries its column's label for that, and the explicit
 * roles keep the table a table for screen readers when CSS changes its display.
 * columns: [{label, cell: (row) => node|string, num?: bool}]
 */
export function dataTable(caption, columns, rows, { empty = t('table.empty') } = {}) {
  if (!rows.length) return h('p', { class: 'hint' }, empty);
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'data reflow', role: 'table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...columns.map((c) => h('th', { scope: 'col', role: 'columnheader', class: c.num ? 'num' : '' }, c.label)))),
      h(
        'tbody',
        { role: 'rowgroup' },
        ...rows.map((row) =>
          h('tr', { role: 'row' }, ...columns.map((c, i) => {
            const value = c.cell(row);
            const attrs = { class: c.num ? 'num' : '', dataset: { label: c.label } };
            return i === 0 ? h('th', { scope: 'row', role: 'rowheader', ...attrs }, value ?? '–') : h('td', { role: 'cell', ...attrs }, value ?? '–');
          })),
        ),
      ),
    ),
  );
}

/**
 * Where a `links` path of the API leads: the in-app screen that shows the same data when
 * there is one, else the API's own answer (JSON) in a new tab.
 */
export function linkTarget(path, row = {}) {
  if (!path) return null;
  const [pathname, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  const range = (extra = {}) => {
    const p = new URLSearchParams(extra);
    if (params.get('from')) p.set('from', params.get('from'));
    if (params.get('to')) p.set('to', params.get('to'));
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  let m = pathname.match(/^\/api\/v1\/targets\/([\w-]+)\/(data|criterion-review)$|^\/api\/v1\/targets\/([\w-]+)$/);
  if (m && row.client_id) {
    return { href: `#/client/${row.client_id}${range({ target: m[1] ?? m[3] })}`, inApp: true };
  }
  m = pathname.match(/^\/api\/v1\/incidents\/([\w-]+)$/);
  if (m && row.client_id) return { href: `#/client/${row.client_id}/incidents?focus=${m[1]}`, inApp: true };
  m = pathname.match(/^\/api\/v1\/clients\/([\w-]+)\/fidelity$/);
  if (m) return { href: `#/fidelity-results${range({ client: m[1] })}`, inApp: true };
  return { href: path, inApp: false };
}

/** A link to the data behind a figure (see linkTarget); `text` is the figure itself. */
export function dataLink(text, path, row, label) {
  const target = linkTarget(path, row);
  if (!target) return text;
  return h(
    'a',
    {
      href: target.href,
      class: 'figure-link',
      target: target.inApp ? null : '_blank',
      rel: target.inApp ? null : 'noopener',
      title: label,
    },
    text,
    label ? h('span', { class: 'visually-hidden' }, ` — ${label}`) : '',
  );
}

/** Parse "#/route?x=1&y=2" into URLSearchParams of its query. */
export function hashQuery() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : '');
}

/** A download link styled as a button (the browser saves the file; the cookie authenticates). */
export function downloadLink(label, href) {
  return h('a', { class: 'btn small download', href, download: '' }, label);
}
