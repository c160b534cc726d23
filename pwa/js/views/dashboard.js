// The clinical director's dashboard (GET /dashboard): IOA coverage and agreement, fidelity,
// timeliness, sessions per week, stale targets, criteria met but not reviewed, incidents.
// Each figure links to the data behind it; each table downloads as CSV. Also the fidelity
// results of one client (GET /clients/<id>/fidelity). Both need the server.
import { currentLanguage, t } from '../i18n.js';
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

const SECTIONS = ['ioa', 'fidelity', 'timeliness', 'sessions', 'stale', 'unreviewed', 'incidents', 'chart_audits'];
const sectionTitle = (key) => t(`dash.section.${key}`);

let settings = null; // kept while the app is open

const planName = (r) => t('dash.plan_version', { title: r.title || t('dash.col.plan'), version: r.version });

function numberField(id, label, value, { min, max, step = 1, suffix = '' }) {
  const input = h('input', { type: 'number', id, min, max, step, value, inputmode: 'decimal', required: true });
  return { input, el: h('div', {}, h('label', { for: id, class: 'field-label' }, label, suffix ? h('span', { class: 'optional' }, ` (${suffix})`) : ''), input) };
}

export async function renderDashboard(app) {
  const today = localDate();
  settings ??= { from: addDays(today, -27), to: today, ioa_standard: 20, agreement_standard: 80, stale_days: 7, bcba_id: '' };
  const notice = connectionNotice(t('dash.needs_connection'));
  const from = h('input', { type: 'date', id: 'dash-from', value: settings.from, max: today, required: true });
  const to = h('input', { type: 'date', id: 'dash-to', value: settings.to, max: today, required: true });
  const ioa = numberField('dash-ioa', t('dash.ioa_standard'), settings.ioa_standard, { min: 0, max: 100, suffix: t('dash.pct_of_sessions') });
  const agreement = numberField('dash-agree', t('dash.agreement_standard'), settings.agreement_standard, { min: 0, max: 100, suffix: '%' });
  const stale = numberField('dash-stale', t('dash.stale_after'), settings.stale_days, { min: 1, max: 365, suffix: t('dash.days') });
  const bcba = h('select', { id: 'dash-bcba' }, h('option', { value: '' }, t('dash.every_client')));
  const bcbaBox = h('div', { hidden: true }, h('label', { for: bcba.id, class: 'field-label' }, t('dash.caseload_of')), bcba);
  const error = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'hint', role: 'status' });
  const show = h('button', { type: 'submit', class: 'btn primary' }, t('dash.show'));
  const body = h('div', { class: 'dashboard-body' });
  const form = h(
    'form',
    { class: 'dash-controls', novalidate: true },
    h('div', {}, h('label', { for: from.id, class: 'field-label' }, t('period.from')), from),
    h('div', {}, h('label', { for: to.id, class: 'field-label' }, t('period.to')), to),
    ioa.el,
    agreement.el,
    stale.el,
    bcbaBox,
    h('div', { class: 'dash-submit' }, show),
  );
  const toc = h('nav', { class: 'toc', 'aria-label': t('dash.sections') }, ...SECTIONS.map((key) => h('a', { href: `#dash-${key}`, class: 'btn small', onclick: (e) => { e.preventDefault(); document.getElementById(`dash-${key}`)?.scrollIntoView({ block: 'start' }); document.getElementById(`dash-${key}`)?.focus({ preventScroll: true }); } }, sectionTitle(key))));
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, app.user.role === 'bcba' ? t('dash.title_mine') : t('dash.title')),
      notice.el,
      h('p', { class: 'hint' }, t('dash.intro')),
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
    if (!from.value || !to.value) return void (error.textContent = t('dash.need_dates'));
    if (to.value < from.value) return void (error.textContent = t('period.end_before_start'));
    if (addDays(from.value, 366) <= to.value) return void (error.textContent = t('dash.at_most_a_year'));
    for (const f of [ioa, agreement, stale]) {
      if (!f.input.checkValidity() || f.input.value === '') {
        error.textContent = t('dash.check_field', { field: f.el.querySelector('label').firstChild.textContent });
        f.input.focus();
        return undefined;
      }
    }
    settings = { from: from.value, to: to.value, ioa_standard: Number(ioa.input.value), agreement_standard: Number(agreement.input.value), stale_days: Number(stale.input.value), bcba_id: bcba.value };
    show.disabled = true;
    status.textContent = t('dash.computing');
    body.setAttribute('aria-busy', 'true');
    try {
      const data = await app.api.dashboard(params());
      body.replaceChildren(...sections(app, data, settings, params()));
      status.textContent = t('dash.scope', { n: data.scope.clients, from: fmtDate(settings.from), to: fmtDate(settings.to) });
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

function section(app, key, query, intro, ...content) {
  return h(
    'section',
    { class: 'panel dash-section', id: `dash-${key}`, tabindex: '-1', 'aria-labelledby': `dash-h-${key}` },
    h(
      'div',
      { class: 'title-row' },
      h('h2', { id: `dash-h-${key}` }, sectionTitle(key)),
      downloadLink(t('dash.download_csv'), app.api.url('/dashboard.csv', { ...query, table: key })),
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
    h('ul', {}, ...paths.map((p, i) => h('li', {}, dataLink(t('dash.numbered', { what: label, n: i + 1 }), p, row)))),
  );
}

const shortDate = (iso) => new Date(`${iso}T12:00:00Z`).toLocaleDateString(currentLanguage(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
const spread = (lo, hi, n) => (!n || lo === null ? '–' : lo === hi ? fmtPct1(lo) : t('dash.pct_range', { lo: fmtNum(lo, 0), hi: fmtPct1(hi) }));

function sections(app, d, s, query) {
  // A client code never breaks at its hyphen ("DEMO-" / "01").
  const code = (r) => (r.client_id ? h('a', { href: `#/client/${r.client_id}`, class: 'figure-link client-code' }, r.client_code || '–', h('span', { class: 'visually-hidden' }, ` — ${t('caseload.client_view')}`)) : h('span', { class: 'client-code' }, r.client_code || '–'));
  const L = (key) => t(`dash.col.${key}`);
  const ioaSum = d.ioa.summary;
  const fid = d.fidelity;
  const tl = d.timeliness;
  const weeks = [...new Set(d.sessions.flatMap((r) => r.weeks.map((w) => w.week_start)))].sort();
  const incidentsTotal = d.incidents.by_type.reduce((n, r) => n + r.total, 0);
  return [
    section(
      app, 'ioa', query,
      ioaSum.sessions
        ? t('dash.ioa_summary', {
            pct: fmtPct1(ioaSum.percent_with_ioa), sessions: ioaSum.sessions, standard: fmtPct1(s.ioa_standard),
            meeting: ioaSum.target_phases_meeting_ioa_standard, phases: ioaSum.target_phases,
            mean: fmtPct1(ioaSum.mean_agreement), pairs: ioaSum.pairs, below: ioaSum.pairs_below_agreement_standard, agreement: fmtPct1(s.agreement_standard),
          })
        : t('dash.ioa_none'),
      dataTable(t('dash.table.ioa'), [
        { label: L('client'), cell: code },
        { label: L('target'), cell: (r) => dataLink(r.target, r.links.data, r, t('dash.link.graph')) },
        { label: L('phase'), cell: (r) => r.phase ?? t('dash.no_phase') },
        { label: L('sessions'), num: true, cell: (r) => dataLink(String(r.sessions), r.links.data, r, t('dash.link.data')) },
        { label: L('with_ioa'), num: true, cell: (r) => linkList(String(r.sessions_with_ioa), r.links.ioa, t('dash.link.ioa_pair'), r) },
        { label: L('coverage'), num: true, cell: (r) => h('span', { class: 'nowrap' }, fmtPct1(r.percent_with_ioa), ' ', verdict(r.meets_ioa_standard)) },
        { label: L('mean_agreement'), num: true, cell: (r) => h('span', { class: 'nowrap' }, fmtPct1(r.mean_agreement), ' ', verdict(r.meets_agreement_standard)) },
        { label: L('range'), num: true, cell: (r) => h('span', { class: 'nowrap' }, spread(r.min_agreement, r.max_agreement, r.pairs)) },
      ], d.ioa.rows, { empty: t('dash.ioa_empty') }),
    ),
    section(
      app, 'fidelity', query,
      fid.summary.sessions
        ? t('dash.fidelity_summary', {
            n: fid.summary.sessions, mean: fmtPct1(fid.summary.mean_percent), min: fmtPct1(fid.summary.min_percent),
            max: fmtPct1(fid.summary.max_percent), meeting: fmtPct1(fid.summary.percent_sessions_meeting_criterion),
          })
        : t('dash.fidelity_none'),
      h('h3', {}, t('dash.by_plan')),
      dataTable(t('dash.table.fidelity_plan'), [
        { label: L('client'), cell: code },
        { label: L('plan'), cell: (r) => dataLink(planName(r), r.links.fidelity, r, t('dash.link.fidelity')) },
        { label: L('checks'), num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, t('dash.link.check'), r) },
        { label: L('mean'), num: true, cell: (r) => dataLink(fmtPct1(r.mean_percent), r.links.fidelity, r, t('dash.link.fidelity')) },
        { label: L('criterion'), num: true, cell: (r) => h('span', { class: 'nowrap' }, `${fmtPct1(r.criterion)} `, verdict(r.meets_criterion)) },
        { label: L('checks_meeting'), num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
      ], fid.by_plan, { empty: t('dash.fidelity_empty') }),
      h('h3', {}, t('dash.by_staff')),
      dataTable(t('dash.table.fidelity_staff'), [
        { label: L('staff'), cell: (r) => r.display_name || r.username || '–' },
        { label: L('plans'), num: true, cell: (r) => String(r.plans) },
        { label: L('checks'), num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, t('dash.link.check'), r) },
        { label: L('mean'), num: true, cell: (r) => fmtPct1(r.mean_percent) },
        { label: L('checks_meeting'), num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
      ], fid.by_staff, { empty: t('dash.fidelity_empty') }),
    ),
    section(
      app, 'timeliness', query,
      tl.summary.events
        ? t('dash.timeliness_summary', {
            events: fmtNum(tl.summary.events, 0), median: fmtMinutes(tl.summary.median_minutes), p90: fmtMinutes(tl.summary.p90_minutes),
            within: fmtPct1(tl.summary.percent_within_24h), ahead: tl.summary.clock_ahead_events,
          })
        : t('dash.timeliness_none'),
      dataTable(t('dash.table.timeliness'), [
        { label: L('recorded_by'), cell: (r) => r.display_name || r.username || '–' },
        { label: L('events'), num: true, cell: (r) => fmtNum(r.events, 0) },
        { label: L('median_delay'), num: true, cell: (r) => fmtMinutes(r.median_minutes) },
        { label: L('p90'), num: true, cell: (r) => fmtMinutes(r.p90_minutes) },
        { label: L('within_24h'), num: true, cell: (r) => fmtPct1(r.percent_within_24h) },
        { label: L('clock_ahead'), num: true, cell: (r) => String(r.clock_ahead_events) },
      ], tl.by_staff, { empty: t('dash.events_empty') }),
      tl.late_sessions.length ? h('h3', {}, t('dash.late_sessions')) : '',
      tl.late_sessions.length
        ? dataTable(t('dash.table.late'), [
            { label: L('client'), cell: code },
            { label: L('worst_delay'), num: true, cell: (r) => dataLink(fmtMinutes(r.max_delay_minutes), r.link, r, t('dash.link.events')) },
          ], tl.late_sessions)
        : '',
    ),
    section(
      app, 'sessions', query,
      t('dash.sessions_intro'),
      dataTable(sectionTitle('sessions'), [
        { label: L('client'), cell: code },
        ...weeks.map((w) => ({ label: t('dash.week_of', { date: shortDate(w) }), num: true, cell: (r) => String(r.weeks.find((x) => x.week_start === w)?.sessions ?? 0) })),
        { label: L('total'), num: true, cell: (r) => dataLink(String(r.sessions), r.links.sessions, r, t('dash.link.sessions')) },
        { label: L('per_week'), num: true, cell: (r) => fmtNum(r.sessions_per_week, 1) },
      ], d.sessions, { empty: t('dash.sessions_empty') }),
    ),
    section(
      app, 'stale', query,
      d.stale.length ? t('dash.stale_some', { n: d.stale.length, days: s.stale_days, to: fmtDate(s.to) }) : t('dash.stale_none', { days: s.stale_days, to: fmtDate(s.to) }),
      d.stale.length
        ? dataTable(t('dash.table.stale'), [
            { label: L('client'), cell: code },
            { label: L('target'), cell: (r) => dataLink(r.target, r.links.data, r, t('dash.link.graph')) },
            { label: L('last_data'), cell: (r) => (r.last_data_date ? fmtDate(r.last_data_date) : t('dash.never')) },
            { label: L('days_without'), num: true, cell: (r) => String(r.days_without_data) },
          ], d.stale)
        : '',
    ),
    section(
      app, 'unreviewed', query,
      d.unreviewed.length ? t('dash.unreviewed_some', { n: d.unreviewed.length }) : t('dash.unreviewed_none'),
      d.unreviewed.length
        ? dataTable(t('dash.table.unreviewed'), [
            { label: L('client'), cell: code },
            { label: L('target'), cell: (r) => dataLink(r.target, r.links.data, r, t('dash.link.graph')) },
            { label: L('met_on'), cell: (r) => dataLink(fmtDate(r.criterion_met_at), r.links.session, r, t('dash.link.met')) },
            { label: L('waiting'), num: true, cell: (r) => t('units.days', { n: r.days_waiting, x: fmtNum(r.days_waiting, 0) }) },
            { label: L('action'), cell: (r) => (PROGRAMMERS.has(app.user.role) ? h('a', { class: 'btn small', href: `#/client/${r.client_id}?target=${r.target_id}` }, t('dash.review'), h('span', { class: 'visually-hidden' }, ` ${r.target} (${r.client_code})`)) : '–') },
          ], d.unreviewed)
        : '',
    ),
    section(
      app, 'incidents', query,
      incidentsTotal ? t('dash.incidents_some', { n: incidentsTotal }) : t('dash.incidents_none'),
      dataTable(t('dash.table.incident_types'), [
        { label: L('type'), cell: (r) => incidentTypeLabel(r.type) },
        { label: L('awaiting'), num: true, cell: (r) => String(r.open) },
        { label: L('signed_off'), num: true, cell: (r) => String(r.signed_off) },
        { label: L('total'), num: true, cell: (r) => String(r.total) },
      ], d.incidents.by_type.filter((r) => r.total > 0), { empty: '' }),
      d.incidents.rows.length
        ? dataTable(t('incident.reports'), [
            { label: L('client'), cell: code },
            { label: L('type'), cell: (r) => dataLink(incidentTypeLabel(r.type), r.link, r, t('dash.link.report')) },
            { label: L('occurred'), cell: (r) => fmtDateTime(r.occurred_at) },
            { label: L('status'), cell: (r) => (r.status === 'signed_off' ? t('dash.signed_off_on', { date: fmtDate(r.signed_off_at) }) : t('incident.filter_open')) },
            { label: L('revision'), num: true, cell: (r) => String(r.revision) },
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
  const notice = connectionNotice(t('fid.needs_connection'));
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
      h('h1', {}, t('fid.title')),
      notice.el,
      h('p', { class: 'hint' }, t('fid.intro')),
      h('label', { for: picker.id, class: 'field-label' }, t('dash.col.client')),
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
      status.textContent = t('fid.no_client');
      return;
    }
    if (!navigator.onLine) {
      status.textContent = t('online.offline_notice', { what: t('fid.needs_connection') });
      return;
    }
    status.textContent = t('common.loading');
    const range = { from: fidelityPeriod.from, to: fidelityPeriod.to };
    try {
      const f = await app.api.clientFidelity(clientId, range);
      const name = picker.selectedOptions[0]?.textContent ?? '';
      status.textContent = t('fid.scope', { n: f.sessions.length, name, from: fmtDate(range.from), to: fmtDate(range.to) });
      const chart = h('img', { class: 'graph', alt: t('fid.chart_alt', { name }), src: app.api.url(`/clients/${clientId}/charts/fidelity.svg`, range) });
      body.replaceChildren(
        h(
          'section',
          { class: 'panel' },
          h('h2', {}, t('fid.by_version')),
          dataTable(t('fid.by_version'), [
            { label: t('dash.col.plan'), cell: planName },
            { label: t('dash.col.checks'), num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, t('dash.link.check'), r) },
            { label: t('dash.col.mean'), num: true, cell: (r) => fmtPct1(r.mean_percent) },
            { label: t('dash.col.range'), num: true, cell: (r) => h('span', { class: 'nowrap' }, spread(r.min_percent, r.max_percent, r.scored_sessions)) },
            { label: t('dash.col.criterion'), num: true, cell: (r) => h('span', { class: 'nowrap' }, `${fmtPct1(r.criterion)} `, verdict(r.meets_criterion)) },
          ], f.by_plan, { empty: t('fid.empty') }),
          h('h2', {}, t('dash.by_staff')),
          dataTable(t('dash.table.fidelity_staff'), [
            { label: t('dash.col.staff'), cell: (r) => r.display_name || r.username || '–' },
            { label: t('dash.col.checks'), num: true, cell: (r) => linkList(String(r.sessions), r.links.sessions, t('dash.link.check'), r) },
            { label: t('dash.col.mean'), num: true, cell: (r) => fmtPct1(r.mean_percent) },
            { label: t('dash.col.checks_meeting'), num: true, cell: (r) => `${r.sessions_meeting_criterion} (${fmtPct1(r.percent_sessions_meeting_criterion)})` },
          ], f.by_staff, { empty: t('fid.empty') }),
        ),
        f.sessions.length ? h('section', { class: 'panel' }, h('h2', {}, t('fid.over_time')), h('figure', { class: 'graph-box' }, chart)) : '',
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
