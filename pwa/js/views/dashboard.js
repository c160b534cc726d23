// The clinical director's dashboard (GET /dashboard): IOA coverage and agreement, fidelity,
// timeliness, sessions per week, stale targets, criteria met but not reviewed, incidents.
// Each figure links to the data behind it; each table downloads as CSV. Also the fidelity
// results of one client (GET /clients/<id>/fidelity). Both need the server.
import { h, mount } from '../ui.js';
import {
  PROGRAMMERS,
  addDays,
  connectionNotice,
  dataLink,
  dataTable,
  describeFailure,
  downloadLink,
  fmtDate,
  fmtDateTime,
  fmtMinutes,
  fmtNum,
  fmtPct1,
  hashQuery,
  incidentTypeLabel,
  localDate,
  periodControl,
  presetPeriod,
  verdict,
} from './bcba-common.js';
import { chartAuditSection } from './chart-audits.js';

const SECTIONS = [
  ['ioa', 'IOA coverage and agreement'],
  ['fidelity', 'Treatment fidelity'],
  ['timeliness', 'Timeliness of data'],
  ['sessions', 'Sessions per client per week'],
  ['stale', 'Targets without recent data'],
  ['unreviewed', 'Criterion met, not reviewed'],
  ['incidents', 'Incidents'],
  ['chart_audits', 'Chart audits'],
];

let settings = null; // kept while the app is open

function numberField(id, label, value, { min, max, step = 1, suffix = '' }) {
  const input = h('input', { type: 'number', id, min, max, step, value, inputmode: 'decimal', required: true });
  return { input, el: h('div', {}, h('label', { for: id, class: 'field-label' }, label, suffix ? h('span', { class: 'optional' }, ` (${suffix})`) : ''), input) };
}

export async function renderDashboard(app) {
  const today = localDate();
  settings ??= { from: addDays(today, -27), to: today, ioa_standard: 20, agreement_standard: 80, stale_days: 7, bcba_id: '' };
  const notice = connectionNotice('the dashboard needs a connection.');
  const from = h('input', { type: 'date', id: 'dash-from', value: settings.from, max: today, required: true });
  const to = h('input', { type: 'date', id: 'dash-to', value: settings.to, max: today, required: true });
  const ioa = numberField('dash-ioa', 'IOA standard', settings.ioa_standard, { min: 0, max: 100, suffix: '% of sessions' });
  const agreement = numberField('dash-agree', 'Agreement standard', settings.agreement_standard, { min: 0, max: 100, suffix: '%' });
  const stale = numberField('dash-stale', 'Stale after', settings.stale_days, { min: 1, max: 365, suffix: 'days' });
  const bcba = h('select', { id: 'dash-bcba' }, h('option', { value: '' }, 'Every client'));
  const bcbaBox = h('div', { hidden: true }, h('label', { for: bcba.id, class: 'field-label' }, 'Caseload of'), bcba);
  const error = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'hint', role: 'status' });
  const show = h('button', { type: 'submit', class: 'btn primary' }, 'Show');
  const body = h('div', { class: 'dashboard-body' });
  const form = h(
    'form',
    { class: 'dash-controls', novalidate: true },
    h('div', {}, h('label', { for: from.id, class: 'field-label' }, 'From'), from),
    h('div', {}, h('label', { for: to.id, class: 'field-label' }, 'To'), to),
    ioa.el,
    agreement.el,
    stale.el,
    bcbaBox,
    h('div', { class: 'dash-submit' }, show),
  );
  const toc = h('nav', { class: 'toc', 'aria-label': 'Dashboard sections' }, ...SECTIONS.map(([key, label]) => h('a', { href: `#dash-${key}`, class: 'btn small', onclick: (e) => { e.preventDefault(); document.getElementById(`dash-${key}`)?.scrollIntoView({ block: 'start' }); document.getElementById(`dash-${key}`)?.focus({ preventScroll: true }); } }, label)));
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, app.user.role === 'bcba' ? 'Dashboard: my caseload' : 'Dashboard'),
      notice.el,
      h('p', { class: 'hint' }, 'Clients are shown by code. Dates are the clinic’s calendar days, both included (at most a year). Tap a figure to see the data behind it.'),
      form,
      error,
      status,
      toc,
    ),
    body,
  );

  if (app.user.role === 'admin') {
    // Only admins can list users; directors see every client.
    app.api.users().then((list) => {
      const bcbas = list.filter((u) => u.role === 'bcba' && u.active !== false);
      bcba.append(...bcbas.map((u) => h('option', { value: u.id, selected: u.id === settings.bcba_id }, u.display_name || u.username)));
      bcbaBox.hidden = bcbas.length === 0;
    }, () => {});
  }

  const params = () => {
    const p = { from: settings.from, to: settings.to, ioa_standard: settings.ioa_standard, agreement_standard: settings.agreement_standard, stale_days: settings.stale_days };
    if (settings.bcba_id) p.bcba_id = settings.bcba_id;
    return p;
  };

  const load = async () => {
    error.textContent = '';
    if (!from.value || !to.value) return void (error.textContent = 'Choose both dates.');
    if (to.value < from.value) return void (error.textContent = 'The end date is before the start date.');
    if (addDays(from.value, 366) <= to.value) return void (error.textContent = 'The dashboard covers at most a year (366 days).');
    for (const f of [ioa, agreement, stale]) {
      if (!f.input.checkValidity() || f.input.value === '') {
        error.textContent = `Check "${f.el.querySelector('label').firstChild.textContent}".`;
        f.input.focus();
        return undefined;
      }
    }
    settings = { from: from.value, to: to.value, ioa_standard: Number(ioa.input.value), agreement_standard: Number(agreement.input.value), stale_days: Number(stale.input.value), bcba_id: bcba.value };
    show.disabled = true;
    status.textContent = 'Computing the figures from the raw data…';
    body.setAttribute('aria-busy', 'true');
    try {
      const data = await app.api.dashboard(params());
      body.replaceChildren(...sections(app, data, settings, params()));
      status.textContent = `${data.scope.clients} client${data.scope.clients === 1 ? '' : 's'}, ${fmtDate(settings.from)} – ${fmtDate(settings.to)}.`;
    } catch (err) {
      status.textContent = '';
      error.textContent = describeFailure(err);
    } finally {
      show.disabled = false;
      body.setAttribute('aria-busy', 'false');
    }
    return undefined;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  const onOnline = () => load();
  window.addEventListener('online', onOnline);
  load();
  return () => {
    notice.cleanup();
    window.removeEventListener('online', onOnline);
  };
}

function section(app, key, title, query, intro, ...content) {
  return h(
    'section',
    { class: 'panel dash-section', id: `dash-${key}`, tabindex: '-1', 'aria-labelledby': `dash-h-${key}` },
    h(
      'div',
      { class: 'title-row' },
      h('h2', { id: `dash-h-${key}` }, title),
      downloadLink('Download CSV', app.api.url('/dashboard.csv', { ...query, table: key })),
    ),
    intro ? h('p', { class: 'lead' }, intro) : '',
    ...content,
  );
}

/** A list of links (several sessions behind one figure) in a disclosure. */
function linkList(text, paths, label, row) {
  if (!paths?.length) return text;
  if (paths.length === 1) return dataLink(text, paths[0], row, label);
  return h(
    'details',
    { class: 'links-pop' },
    h('summary', {}, text, h('span', { class: 'visually-hidden' }, ` — ${label}`)),
    h('ul', {}, ...paths.map((p, i) => h('li', {}, dataLink(`${label} ${i + 1}`, p, row)))),
  );
}

const shortDate = (iso) => new Date(`${iso}T12:00:00Z`).toLocaleDateString([], { day: 'numeric', month: 'short', timeZone: 'UTC' });
const spread = (lo, hi, n) => (!n || lo === null ? '–' : lo === hi ? fmtPct1(lo) : `${fmtNum(lo, 0)}–${fmtNum(hi, 0)}%`);

function sections(app, d, s, query) {
  const code = (r) => (r.client_id ? h('a', { href: `#/client/${r.client_id}`, class: 'figure-link' }, r.client_code || '–', h('span', { class: 'visually-hidden' }, ' — client view')) : r.client_code || '–');
  const ioaSum = d.ioa.summary;
  const fid = d.fidelity;
  const tl = d.timeliness;
  const weeks = [...new Set(d.sessions.flatMap((r) => r.weeks.map((w) => w.week_start)))].sort();
  const incidentsTotal = d.incidents.by_type.reduce((n, r) => n + r.total, 0);
  return [
    section(
      app, 'ioa', 'IOA coverage and agreement', query,
      ioaSum.sessions
        ? `${fmtPct1(ioaSum.percent_with_ioa)} of ${ioaSum.sessions} target-sessions had IOA (standard ${fmtNum(s.ioa_standard, 0)}%); ${ioaSum.target_phases_meeting_ioa_standard} of ${ioaSum.target_phases} target-phases meet it. Mean agreement ${fmtPct1(ioaSum.mean_agreement)} over ${ioaSum.pairs} pairs; ${ioaSum.pairs_below_agreement_standard} below ${fmtNum(s.agreement_standard, 0)}%.`
        : 'No primary sessions with data in this period.',
      dataTable('IOA per target and phase', [
        { label: 'Client', cell: code },
        { label: 'Target', cell: (r) => dataLink(r.target, r.links.data, r, 'graph and figures') },
        { label: 'Phase', cell: (r) => r.phase ?? 'no phase' },
        { label: 'Sessions', num: true, cell: (r) => dataLink(String(r.sessions), r.links.data, r, 'data') },
        { label: 'With IOA', num: true, cell: (r) => linkList(String(r.sessions_with_ioa), r.links.ioa, 'IOA pair', r) },
        { label: 'Coverage', num: true, cell: (r) => h('span', { class: 'nowrap' }, fmtPct1(r.percent_with_ioa), ' ', verdict(r.meets_ioa_standard)) },
        { label: 'Mean agreement', num: true, cell: (r) => h('span', { class: 'nowrap' }, fmtPct1(r.mean_agreement), ' ', verdict(r.meets_agreement_standard)) },
        { label: 'Range', num: true, cell: (r) => h('span', { class: 'nowrap' }, spread(r.min_agreement, r.max_agreement, r.pairs)) },
      ], d.ioa.rows, { empty: 'No target had data in this period.' }),
    ),
    section(
      app, 'fidelity', 'Treatment fidelity', query,
      fid.summary.sessions
        ? `${fid.summary.sessions} fidelity check${fid.summary.sessions === 1 ? '' : 's'}; mean ${fmtPct1(fid.summary.mean_percent)} of steps implemented as written (range ${fmtPct1(fid.summary.min_percent)}–${fmtPct1(fid.summary.max_percent)}); ${fmtPct1(fid.summary.percent_sessions_meeting_criterion)} of checks met their plan's criterion.`
        : 'No fidelity checks in this period.',
      h('h3', {}, 'By plan'),
      dataTable('Fidelity by plan', [
        { label: 'Client', cell: code },
        { label: 'Plan', cell: (r) => dataLink(`${r.title || 'Plan'} v${r.version}`, r.links.fidelity, r, 'fidelity results') },
        { label: 'Checks', num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, 'Check', r) },
        { label: 'Mean', num: true, cell: (r) => dataLink(fmtPct1(r.mean_percent), r.links.fidelity, r, 'fidelity results') },
        { label: 'Criterion', num: true, cell: (r) => h('span', { class: 'nowrap' }, `${fmtNum(r.criterion, 0)}% `, verdict(r.meets_criterion)) },
        { label: 'Checks meeting it', num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
      ], fid.by_plan, { empty: 'No fidelity checks.' }),
      h('h3', {}, 'By staff member'),
      dataTable('Fidelity by staff member', [
        { label: 'Staff', cell: (r) => r.display_name || r.username || '–' },
        { label: 'Plans', num: true, cell: (r) => String(r.plans) },
        { label: 'Checks', num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, 'Check', r) },
        { label: 'Mean', num: true, cell: (r) => fmtPct1(r.mean_percent) },
        { label: 'Checks meeting criterion', num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
      ], fid.by_staff, { empty: 'No fidelity checks.' }),
    ),
    section(
      app, 'timeliness', 'Timeliness of data', query,
      tl.summary.events
        ? `${tl.summary.events.toLocaleString()} events; median delay from recording to server ${fmtMinutes(tl.summary.median_minutes)}, 90th percentile ${fmtMinutes(tl.summary.p90_minutes)}; ${fmtPct1(tl.summary.percent_within_24h)} synced within 24 h; ${tl.summary.clock_ahead_events} with the device clock ahead.`
        : 'No events recorded in this period.',
      dataTable('Timeliness by person', [
        { label: 'Recorded by', cell: (r) => r.display_name || r.username || '–' },
        { label: 'Events', num: true, cell: (r) => r.events.toLocaleString() },
        { label: 'Median delay', num: true, cell: (r) => fmtMinutes(r.median_minutes) },
        { label: '90th percentile', num: true, cell: (r) => fmtMinutes(r.p90_minutes) },
        { label: 'Within 24 h', num: true, cell: (r) => fmtPct1(r.percent_within_24h) },
        { label: 'Clock ahead', num: true, cell: (r) => String(r.clock_ahead_events) },
      ], tl.by_staff, { empty: 'No events.' }),
      tl.late_sessions.length ? h('h3', {}, 'Sessions with data over 24 h late') : '',
      tl.late_sessions.length
        ? dataTable('Late sessions', [
            { label: 'Client', cell: code },
            { label: 'Worst delay', num: true, cell: (r) => dataLink(fmtMinutes(r.max_delay_minutes), r.link, r, 'events of the session') },
          ], tl.late_sessions)
        : '',
    ),
    section(
      app, 'sessions', 'Sessions per client per week', query,
      'Primary observation sessions, Monday to Sunday weeks.',
      dataTable('Sessions per client per week', [
        { label: 'Client', cell: code },
        ...weeks.map((w) => ({ label: `Week of ${shortDate(w)}`, num: true, cell: (r) => String(r.weeks.find((x) => x.week_start === w)?.sessions ?? 0) })),
        { label: 'Total', num: true, cell: (r) => dataLink(String(r.sessions), r.links.sessions, r, 'sessions') },
        { label: 'Per week', num: true, cell: (r) => fmtNum(r.sessions_per_week, 1) },
      ], d.sessions, { empty: 'No sessions.' }),
    ),
    section(
      app, 'stale', 'Targets without recent data', query,
      d.stale.length ? `${d.stale.length} active target${d.stale.length === 1 ? '' : 's'} with no data in the ${s.stale_days} days up to ${fmtDate(s.to)}.` : `Every active target has data in the ${s.stale_days} days up to ${fmtDate(s.to)}.`,
      d.stale.length
        ? dataTable('Stale targets', [
            { label: 'Client', cell: code },
            { label: 'Target', cell: (r) => dataLink(r.target, r.links.data, r, 'graph and figures') },
            { label: 'Last data', cell: (r) => (r.last_data_date ? fmtDate(r.last_data_date) : 'never') },
            { label: 'Days without data', num: true, cell: (r) => String(r.days_without_data) },
          ], d.stale)
        : '',
    ),
    section(
      app, 'unreviewed', 'Criterion met, not reviewed', query,
      d.unreviewed.length ? `${d.unreviewed.length} target${d.unreviewed.length === 1 ? '' : 's'} met the mastery criterion and wait for a BCBA's review.` : 'No criterion is waiting for review.',
      d.unreviewed.length
        ? dataTable('Criteria met, not reviewed', [
            { label: 'Client', cell: code },
            { label: 'Target', cell: (r) => dataLink(r.target, r.links.data, r, 'graph and figures') },
            { label: 'Met on', cell: (r) => dataLink(fmtDate(r.criterion_met_at), r.links.session, r, 'the session that met it') },
            { label: 'Waiting', num: true, cell: (r) => `${r.days_waiting} day${r.days_waiting === 1 ? '' : 's'}` },
            { label: 'Action', cell: (r) => (PROGRAMMERS.has(app.user.role) ? h('a', { class: 'btn small', href: `#/client/${r.client_id}?target=${r.target_id}` }, 'Review', h('span', { class: 'visually-hidden' }, ` ${r.target} (${r.client_code})`)) : '–') },
          ], d.unreviewed)
        : '',
    ),
    section(
      app, 'incidents', 'Incidents', query,
      incidentsTotal ? `${incidentsTotal} report${incidentsTotal === 1 ? '' : 's'} of incidents in this period.` : 'No incident in this period.',
      dataTable('Incidents by type', [
        { label: 'Type', cell: (r) => incidentTypeLabel(r.type) },
        { label: 'Awaiting sign-off', num: true, cell: (r) => String(r.open) },
        { label: 'Signed off', num: true, cell: (r) => String(r.signed_off) },
        { label: 'Total', num: true, cell: (r) => String(r.total) },
      ], d.incidents.by_type.filter((r) => r.total > 0), { empty: '' }),
      d.incidents.rows.length
        ? dataTable('Incident reports', [
            { label: 'Client', cell: code },
            { label: 'Type', cell: (r) => dataLink(incidentTypeLabel(r.type), r.link, r, 'the report') },
            { label: 'Occurred', cell: (r) => fmtDateTime(r.occurred_at) },
            { label: 'Status', cell: (r) => (r.status === 'signed_off' ? `Signed off ${fmtDate(r.signed_off_at)}` : 'Awaiting sign-off') },
            { label: 'Revision', num: true, cell: (r) => String(r.revision) },
          ], d.incidents.rows)
        : '',
    ),
    chartAuditSection(section, app, d, query),
  ];
}

// --- fidelity results of one client ----------------------------------------------------------

let fidelityPeriod = presetPeriod('12w');

export async function renderFidelityResults(app) {
  const query = hashQuery();
  if (query.get('from') && query.get('to')) fidelityPeriod = { preset: 'custom', from: query.get('from'), to: query.get('to') };
  const notice = connectionNotice('fidelity results need a connection.');
  const picker = h('select', { id: 'fid-client', class: 'field-narrow' });
  const status = h('p', { class: 'hint', role: 'status' });
  const body = h('div');
  const period = periodControl('fid-period', fidelityPeriod, (next) => {
    fidelityPeriod = next;
    load();
  });
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, 'Fidelity results'),
      notice.el,
      h('p', { class: 'hint' }, 'How each behavior plan was carried out, by plan version and by staff member. To run a fidelity check, tap the client on My caseload and choose Fidelity check.'),
      h('label', { for: picker.id, class: 'field-label' }, 'Client'),
      picker,
      period.el,
      status,
    ),
    body,
  );
  let clients = [];
  try {
    clients = (await app.api.clients()).filter((c) => c.active !== false);
  } catch (err) {
    clients = (await app.store.caseload())?.clients ?? [];
    if (err.status !== 0) status.textContent = describeFailure(err);
  }
  const wanted = query.get('client') ?? clients[0]?.id;
  picker.replaceChildren(...clients.map((c) => h('option', { value: c.id, selected: c.id === wanted }, `${c.name} (${c.code})`)));
  picker.addEventListener('change', () => load());

  async function load() {
    const clientId = picker.value;
    if (!clientId) {
      status.textContent = 'No client on your caseload.';
      return;
    }
    if (!navigator.onLine) {
      status.textContent = 'Offline: fidelity results need a connection.';
      return;
    }
    status.textContent = 'Loading…';
    const range = { from: fidelityPeriod.from, to: fidelityPeriod.to };
    try {
      const f = await app.api.clientFidelity(clientId, range);
      const name = picker.selectedOptions[0]?.textContent ?? '';
      status.textContent = `${f.sessions.length} fidelity check${f.sessions.length === 1 ? '' : 's'} of ${name}, ${fmtDate(range.from)} – ${fmtDate(range.to)}.`;
      const chart = h('img', { class: 'graph', alt: `Fidelity per check of ${name}, by staff member, against the plan criterion`, src: app.api.url(`/clients/${clientId}/charts/fidelity.svg`, range) });
      body.replaceChildren(
        h(
          'section',
          { class: 'panel' },
          h('h2', {}, 'By plan version'),
          dataTable('Fidelity by plan version', [
            { label: 'Plan', cell: (r) => `${r.title || 'Plan'} v${r.version}` },
            { label: 'Checks', num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, 'Check', r) },
            { label: 'Mean', num: true, cell: (r) => fmtPct1(r.mean_percent) },
            { label: 'Range', num: true, cell: (r) => h('span', { class: 'nowrap' }, spread(r.min_percent, r.max_percent, r.scored_sessions)) },
            { label: 'Criterion', num: true, cell: (r) => h('span', { class: 'nowrap' }, `${fmtNum(r.criterion, 0)}% `, verdict(r.meets_criterion)) },
          ], f.by_plan, { empty: 'No fidelity check in this period.' }),
          h('h2', {}, 'By staff member'),
          dataTable('Fidelity by staff member', [
            { label: 'Staff', cell: (r) => r.display_name || r.username || '–' },
            { label: 'Checks', num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, 'Check', r) },
            { label: 'Mean', num: true, cell: (r) => fmtPct1(r.mean_percent) },
            { label: 'Meeting criterion', num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
          ], f.by_staff, { empty: 'No fidelity check in this period.' }),
        ),
        f.sessions.length ? h('section', { class: 'panel' }, h('h2', {}, 'Over time'), h('figure', { class: 'graph-box' }, chart)) : '',
      );
    } catch (err) {
      status.textContent = describeFailure(err);
      body.replaceChildren();
    }
  }
  const onOnline = () => load();
  window.addEventListener('online', onOnline);
  load();
  return () => {
    notice.cleanup();
    window.removeEventListener('online', onOnline);
  };
}
