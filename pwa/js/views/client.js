// The BCBA view of one client: each target's graph (chart type, trend, period) with its summary
// figures beside it, mastery review, phase changes (offline too, through the outbox), protocols,
// and the progress report and data downloads. Graphs and figures need the server.
import { MEASUREMENT_LABELS } from '../controls/index.js';
import { fmtNumber, t } from '../i18n.js';
import { h, mount, openDialog, toast } from '../ui.js';
import {
  PROGRAMMERS,
  addDays,
  connectionNotice,
  describeFailure,
  downloadLink,
  fmtDate,
  fmtDateTime,
  fmtNum,
  fmtPct1,
  hashQuery,
  phaseKindLabel,
  periodControl,
  presetPeriod,
} from './bcba-common.js';
import { addPhaseChange, localPhases, phaseFields } from './phase.js';
import { applyProtocol } from './protocols.js';
import { caregiverPanel, homeRecordableToggle } from './caregiver-links.js';

// [value, which measurements it fits]; labels are client.chart.* and client.trend.*
const CHARTS = [
  ['line', () => true],
  ['celeration', (m) => m === 'rate' || m === 'frequency'],
  ['cumulative', (m) => m === 'frequency' || m === 'abc'],
];
const TRENDS = ['none', 'split_middle', 'ols', 'theil_sen'];

// Chosen period and per-target chart settings, kept while the app is open.
let period = presetPeriod('12w');
const chartChoice = new Map();

// --- the list of clients ---------------------------------------------------------------------

export async function renderClients(app) {
  const note = h('p', { class: 'hint', 'aria-live': 'polite' }, t('common.loading'));
  const list = h('ul', { class: 'clients client-links' });
  mount(h('section', { class: 'panel' }, h('h1', {}, t('nav.clients')), note, list));
  let clients;
  try {
    clients = (await app.api.clients()).filter((c) => c.active !== false);
    note.textContent = clients.length ? '' : t('client.none');
  } catch (err) {
    const cached = await app.store.caseload();
    clients = cached?.clients ?? [];
    note.textContent = err.status === 0 ? t('client.list_offline') : describeFailure(err);
  }
  const programmer = PROGRAMMERS.has(app.user.role);
  list.replaceChildren(
    ...clients.map((c) =>
      h(
        'li',
        { class: 'client-card' },
        h('span', { class: 'client-name' }, c.name),
        h('span', { class: 'client-meta' }, c.code),
        h(
          'div',
          { class: 'card-links' },
          h('a', { class: 'btn small', href: `#/client/${c.id}` }, programmer ? t('client.graphs_and_programming') : t('client.graphs'), h('span', { class: 'visually-hidden' }, ` ${t('caseload.of', { name: c.name })}`)),
          h('a', { class: 'btn small', href: `#/client/${c.id}/incidents` }, t('incident.reports'), h('span', { class: 'visually-hidden' }, ` ${t('caseload.of', { name: c.name })}`)),
        ),
      ),
    ),
  );
}

// --- one client ------------------------------------------------------------------------------

async function loadClient(app, clientId) {
  const cached = await app.store.caseload();
  const cachedClient = cached?.clients.find((c) => c.id === clientId) ?? null;
  const cachedTargets = cached?.targets[clientId] ?? null;
  try {
    const [client, targets] = await Promise.all([app.api.client(clientId), app.api.targets(clientId)]);
    return { client, targets, online: true };
  } catch (err) {
    if (err.status === 0 && cachedClient) return { client: cachedClient, targets: cachedTargets ?? [], online: false };
    throw err;
  }
}

export async function renderClient(app, clientId) {
  const query = hashQuery();
  if (query.get('from') && query.get('to')) period = { preset: 'custom', from: query.get('from'), to: query.get('to') };
  const focusTarget = query.get('target');
  const cleanups = [];
  const cleanup = () => cleanups.forEach((fn) => fn());

  mount(h('section', { class: 'panel' }, h('h1', {}, t('dash.col.client')), h('p', { class: 'hint', role: 'status' }, t('common.loading'))));
  let loaded;
  try {
    loaded = await loadClient(app, clientId);
  } catch (err) {
    mount(h('section', { class: 'panel' }, h('h1', {}, t('dash.col.client')), h('p', { class: 'error' }, describeFailure(err)), h('a', { class: 'btn', href: '#/clients' }, t('client.all'))));
    return undefined;
  }
  const { client } = loaded;
  const programmer = PROGRAMMERS.has(app.user.role);
  const notice = connectionNotice(t('client.needs_connection'));
  cleanups.push(notice.cleanup);

  // Downloads: plain links (the session cookie authenticates them); built from the period.
  const pseudo = h('input', { type: 'checkbox', id: 'report-pseudo', checked: true });
  const downloads = h('div', { class: 'downloads' });
  const drawDownloads = () => {
    const range = { from: period.from, to: period.to };
    downloads.replaceChildren(
      downloadLink(t('client.report_pdf'), app.api.url(`/clients/${client.id}/report.pdf`, { ...range, pseudonymous: pseudo.checked })),
      downloadLink(t('client.sessions_csv'), app.api.url(`/clients/${client.id}/export.csv`, { ...range, table: 'sessions' })),
      downloadLink(t('client.events_csv'), app.api.url(`/clients/${client.id}/export.csv`, { ...range, table: 'events' })),
      downloadLink(t('client.workbook'), app.api.url(`/clients/${client.id}/export.xlsx`, range)),
    );
  };
  pseudo.addEventListener('change', drawDownloads);
  downloads.addEventListener('click', (e) => {
    if (e.target.closest('a') && !navigator.onLine) {
      e.preventDefault();
      toast(t('client.downloads_offline'), { kind: 'error' });
    }
  });

  const panels = [];
  const periodBox = periodControl('client-period', period, (next) => {
    period = next;
    drawDownloads();
    periodText.textContent = periodLabel();
    for (const p of panels) p.refresh();
  });
  const periodLabel = () => t('client.showing', { from: fmtDate(period.from), to: fmtDate(period.to) });
  const periodText = h('p', { class: 'hint period-text', 'aria-live': 'polite' }, periodLabel());

  const targetsBox = h('div', { class: 'target-list' });
  const plansBox = h('div');
  const active = loaded.targets.filter((target) => target.active !== false);
  const inactive = loaded.targets.length - active.length;

  const header = h(
    'section',
    { class: 'panel client-head' },
    h(
      'div',
      { class: 'title-row' },
      h('div', {}, h('h1', {}, client.name), h('p', { class: 'client-meta' }, `${client.code} · ${t('client.active_targets', { n: active.length })}${inactive ? ` ${t('client.inactive_hidden', { n: inactive })}` : ''}`)),
      h(
        'div',
        { class: 'card-links' },
        h('a', { class: 'btn small', href: `#/client/${client.id}/incidents` }, t('incident.reports')),
        h('a', { class: 'btn small', href: `#/incident/new/${client.id}` }, t('incident.new')),
      ),
    ),
    notice.el,
    periodBox.el,
    periodText,
    h(
      'details',
      { class: 'group' },
      h('summary', {}, t('client.exports')),
      h('label', { class: 'check' }, pseudo, t('client.pseudonymous')),
      downloads,
      h('p', { class: 'hint' }, t('client.exports_hint')),
    ),
    programmer ? clientSettings(app, client, () => panels.forEach((p) => p.refresh())) : '',
    programmer
      ? h(
          'div',
          { class: 'card-links programming' },
          h('button', { type: 'button', class: 'btn small', onclick: () => addFromProtocol('measurement') }, t('client.add_target')),
          h('button', { type: 'button', class: 'btn small', onclick: () => addFromProtocol('plan') }, t('client.add_plan')),
        )
      : '',
  );

  async function addFromProtocol(kind) {
    if (!navigator.onLine) {
      toast(t('client.protocol_offline'), { kind: 'error' });
      return;
    }
    const created = await applyProtocol(app, client, kind);
    if (!created) return;
    if (kind === 'measurement') {
      const panel = targetPanel(app, client, created, programmer);
      panels.push(panel);
      targetsBox.append(panel.el);
      panel.refresh();
      panel.el.scrollIntoView({ block: 'start' });
      app.store.refreshCaseload(app.api).catch(() => {});
    } else drawPlans();
  }

  async function drawPlans() {
    try {
      const plans = (await app.api.plans(client.id)).filter((p) => p.active !== false);
      plansBox.replaceChildren(
        h('h2', {}, t('client.plans')),
        plans.length
          ? h('ul', { class: 'plain-list' }, ...plans.map((p) => h('li', {}, h('strong', {}, t('dash.plan_version', { title: p.title || t('dash.col.plan'), version: p.version })), ` · ${t('client.plan_facts', { function: p.function, criterion: fmtPct1(p.criterion) })}`, p.protocol_id ? ` · ${t('client.from_protocol', { id: p.protocol_id, version: p.protocol_version })}` : '')))
          : h('p', { class: 'hint' }, t('client.no_plan')),
        h('a', { class: 'btn small', href: `#/fidelity-results?client=${client.id}` }, t('fid.title')),
      );
    } catch {
      plansBox.replaceChildren();
    }
  }

  for (const target of active) panels.push(targetPanel(app, client, target, programmer));
  targetsBox.append(...panels.map((p) => p.el));
  const baseline = active.length > 1 ? multipleBaseline(app, client, active) : null;
  if (baseline) panels.push(baseline);
  const caregivers = programmer ? caregiverPanel(app, client) : null;
  mount(
    header,
    active.length ? '' : h('p', { class: 'panel hint' }, t('client.no_targets')),
    targetsBox,
    baseline ? baseline.el : '',
    h('section', { class: 'panel' }, plansBox),
    caregivers ? caregivers.el : '',
  );
  if (loaded.online) caregivers?.draw();
  drawDownloads();
  if (loaded.online) drawPlans();
  for (const p of panels) p.refresh();
  if (focusTarget) document.getElementById(`target-${focusTarget}`)?.scrollIntoView({ block: 'start' });

  const onOnline = () => {
    for (const p of panels) p.refresh({ reload: true });
    drawPlans();
  };
  window.addEventListener('online', onOnline);
  cleanups.push(() => window.removeEventListener('online', onOnline));
  const onSync = (e) => {
    if (e.detail?.state === 'idle') for (const p of panels) p.syncSettled();
  };
  document.addEventListener('bdc:sync', onSync);
  cleanups.push(() => document.removeEventListener('bdc:sync', onSync));
  return cleanup;
}

// --- the multiple-baseline graph across targets ---------------------------------------------

const PANEL_MAX = 6;

/** Every IANA zone the browser knows (Intl.supportedValuesOf), else the ones at hand. */
function timeZones(current) {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [Intl.DateTimeFormat().resolvedOptions().timeZone];
  return [...new Set([...known, 'UTC', ...(current ? [current] : [])])].sort();
}

// The client's own time zone (PATCH /clients/<id>): for a caseload spanning zones. Empty is
// the clinic's zone; every day and hour shown for the client follows it, so the graphs are
// drawn again (onSaved).
function clientSettings(app, client, onSaved) {
  const zone = h(
    'select',
    { id: 'client-time-zone', 'aria-describedby': 'client-time-zone-hint' },
    h('option', { value: '' }, t('client.time_zone_default')),
    ...timeZones(client.time_zone).map((name) => h('option', { value: name, selected: name === client.time_zone }, name.replaceAll('_', ' '))),
  );
  const save = h('button', { type: 'submit', class: 'btn small' }, t('client.settings_save'));
  const form = h(
    'form',
    { class: 'client-settings' },
    h('label', { for: 'client-time-zone', class: 'field-label' }, t('client.time_zone')),
    zone,
    h('p', { class: 'hint', id: 'client-time-zone-hint' }, t('client.time_zone_hint')),
    save,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const saved = await app.api.updateClient(client.id, { time_zone: zone.value || null });
      client.time_zone = saved.time_zone;
      toast(t('client.settings_saved'));
      onSaved();
    } catch (err) {
      toast(describeFailure(err), { kind: 'error' });
    } finally {
      save.disabled = false;
    }
  });
  return h('details', { class: 'group' }, h('summary', {}, t('client.settings')), form);
}

function multipleBaseline(app, client, targets) {
  const boxes = targets.map((target, i) => h('input', { type: 'checkbox', value: target.id, checked: i < PANEL_MAX }));
  const img = h('img', { class: 'graph tall', alt: '', decoding: 'async', hidden: true });
  const status = h('p', { class: 'graph-status hint', role: 'status' });
  const details = h(
    'details',
    { class: 'panel group' },
    h('summary', {}, t('client.multiple_baseline')),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', {}, t('client.mb_targets', { n: PANEL_MAX })),
      ...targets.map((target, i) => h('label', { class: 'check' }, boxes[i], target.name)),
    ),
    status,
    img,
  );
  const draw = () => {
    if (!details.open) return;
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!navigator.onLine) {
      img.hidden = true;
      status.textContent = t('client.graph_offline');
      return;
    }
    if (!chosen.length || chosen.length > PANEL_MAX) {
      img.hidden = true;
      status.textContent = t('client.mb_choose', { n: PANEL_MAX });
      return;
    }
    // target_id is repeated, one per panel, in the order chosen
    const src = app.api.url(`/clients/${client.id}/charts/panel.svg`, { from: period.from, to: period.to }) + chosen.map((id) => `&target_id=${encodeURIComponent(id)}`).join('');
    status.textContent = t('client.graph_loading');
    img.alt = t('client.mb_alt', { n: chosen.length, from: fmtDate(period.from), to: fmtDate(period.to) });
    img.onload = () => {
      status.textContent = '';
      img.hidden = false;
    };
    img.onerror = () => {
      img.hidden = true;
      status.textContent = t('client.graph_failed');
    };
    img.src = src;
  };
  details.addEventListener('toggle', draw);
  for (const b of boxes) b.addEventListener('change', draw);
  return { el: details, refresh: draw, syncSettled: () => {} };
}

// --- one target ------------------------------------------------------------------------------

function criterionText(mastery) {
  if (!mastery) return t('client.no_criterion');
  const parts = [t('client.criterion_pct', { pct: fmtPct1(mastery.percent), n: mastery.consecutive })];
  if (mastery.min_trials) parts.push(t('client.criterion_trials', { n: mastery.min_trials }));
  if (mastery.min_observers > 1) parts.push(t('client.criterion_observers', { n: mastery.min_observers }));
  return t('client.criterion', { parts: parts.join(', ') });
}

function targetPanel(app, client, initialTarget, programmer) {
  let target = initialTarget;
  const id = target.id;
  const measurement = target.measurement;
  const choice = chartChoice.get(id) ?? { chart: 'line', trend: 'none' };
  chartChoice.set(id, choice);

  const chartSelect = h('select', { id: `chart-${id}` }, ...CHARTS.filter(([, ok]) => ok(measurement)).map(([v]) => h('option', { value: v, selected: v === choice.chart }, t(`client.chart.${v}`))));
  const trendSelect = h('select', { id: `trend-${id}` }, ...TRENDS.map((v) => h('option', { value: v, selected: v === choice.trend }, t(`client.trend.${v}`))));
  const img = h('img', { class: 'graph', alt: '', decoding: 'async' });
  const graphStatus = h('p', { class: 'graph-status hint', role: 'status' });
  const figures = h('div', { class: 'figures-box', 'aria-live': 'polite', 'aria-busy': 'false' });
  const review = h('div', { class: 'review-slot' });
  const phasesBox = h('div', { class: 'phases-box' });
  // Phase changes drawn as local that the target, as last loaded, does not hold yet. A reload
  // may race the sync (it can answer before the server stores them), so an id stays here until
  // a loaded target holds it, not just until the outbox lets it go.
  const awaiting = new Set();

  const chartLabel = () => t(`client.chart.${choice.chart}`);
  const graphUrl = () =>
    app.api.url(`/targets/${id}/graph.svg`, {
      chart: choice.chart,
      from: period.from,
      to: period.to,
      trend: choice.chart === 'line' && choice.trend !== 'none' ? choice.trend : undefined,
    });

  const drawGraph = () => {
    trendSelect.disabled = choice.chart !== 'line';
    if (!navigator.onLine) {
      img.hidden = true;
      img.removeAttribute('src');
      graphStatus.textContent = t('client.graph_offline');
      return;
    }
    const src = graphUrl();
    img.hidden = false;
    const withTrend = choice.chart === 'line' && choice.trend !== 'none';
    img.alt = t(withTrend ? 'client.graph_alt_trend' : 'client.graph_alt', { chart: chartLabel(), name: target.name, from: fmtDate(period.from), to: fmtDate(period.to), trend: t(`client.trend.${choice.trend}`) });
    graphStatus.textContent = t('client.graph_loading');
    img.onload = () => {
      graphStatus.textContent = '';
    };
    img.onerror = async () => {
      img.hidden = true;
      if (!navigator.onLine) {
        graphStatus.textContent = t('client.graph_offline');
        return;
      }
      // An <img> does not say why; ask again for the reason (422 for a chart that does not fit).
      try {
        const answer = await fetch(src, { credentials: 'same-origin', cache: 'no-store' });
        const body = await answer.json().catch(() => null);
        graphStatus.textContent = t('client.graph_not_drawn', { reason: body?.error?.message ?? `HTTP ${answer.status}` });
      } catch {
        graphStatus.textContent = t('client.graph_failed');
      }
    };
    img.src = src;
  };

  const drawFigures = async () => {
    if (!navigator.onLine) {
      figures.replaceChildren(h('p', { class: 'hint' }, t('client.figures_offline')));
      return;
    }
    figures.setAttribute('aria-busy', 'true');
    try {
      const s = await app.api.targetSummary(id, { from: period.from, to: period.to });
      figures.replaceChildren(...summaryFigures(target, s));
    } catch (err) {
      figures.replaceChildren(h('p', { class: 'error' }, t('client.figures_failed', { reason: describeFailure(err) })));
    } finally {
      figures.setAttribute('aria-busy', 'false');
    }
  };

  const drawReview = () => {
    review.replaceChildren();
    if (!target.criterion_met_at) return;
    if (target.criterion_reviewed_at) {
      review.append(h('p', { class: 'mastery-line done' }, t('client.reviewed', { met: fmtDate(target.criterion_met_at), reviewed: fmtDateTime(target.criterion_reviewed_at) })));
      return;
    }
    review.append(
      h(
        'div',
        { class: 'mastery-alert', role: 'note' },
        h('p', {}, h('strong', {}, t('client.met_review', { date: fmtDate(target.criterion_met_at) }))),
        programmer
          ? h('button', { type: 'button', class: 'btn small primary', onclick: openReview }, t('client.review_button'))
          : h('p', { class: 'hint' }, t('client.review_by_bcba')),
      ),
    );
  };

  const drawPhases = async () => {
    const local = await localPhases(app, id);
    for (const r of local) awaiting.add(r.id);
    for (const p of target.phases ?? []) awaiting.delete(p.id);
    const phases = [...(target.phases ?? [])].sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : 0));
    const items = [
      ...phases.map((p) => h('li', {}, h('strong', {}, p.label), `${phaseKindLabel(p.kind) === p.label ? '' : ` · ${phaseKindLabel(p.kind)}`} · ${t('client.phase_from', { date: fmtDate(p.start_date) })}`)),
      ...local.map((r) =>
        h(
          'li',
          { class: r.state === 'rejected' ? 'local rejected' : 'local' },
          h('strong', {}, r.body.label),
          ` · ${phaseKindLabel(r.body.kind)} · ${t('client.phase_from', { date: fmtDate(r.body.start_date) })} `,
          r.state === 'rejected'
            ? h('span', { class: 'tag bad' }, t('client.phase_refused', { reason: r.reason }))
            : h('span', { class: 'tag' }, t('client.phase_waiting')),
        ),
      ),
    ];
    phasesBox.replaceChildren(
      h('h3', {}, t('client.phases')),
      items.length ? h('ol', { class: 'phase-list' }, ...items) : h('p', { class: 'hint' }, t('client.no_phases')),
      programmer
        ? h('button', {
            type: 'button',
            class: 'btn small',
            onclick: async () => {
              const rec = await addPhaseChange(app, target);
              if (rec) drawPhases();
            },
          }, t('client.add_phase'), h('span', { class: 'visually-hidden' }, ` ${t('caseload.for', { name: target.name })}`))
        : '',
    );
  };

  async function reloadTarget() {
    try {
      target = await app.api.api(`/targets/${id}`);
    } catch {
      // keep what we have
    }
  }

  async function openReview() {
    if (!navigator.onLine) {
      toast(t('client.review_offline'), { kind: 'error' });
      return;
    }
    const done = await openDialog(t('client.review_title', { name: target.name }), (close) => {
      const nextDay = addDays(target.criterion_met_at, 1);
      const current = [...(target.phases ?? [])].sort((a, b) => (a.start_date < b.start_date ? -1 : 1)).at(-1);
      const nextKind = { baseline: 'intervention', intervention: 'maintenance', maintenance: 'generalization' }[current?.kind] ?? 'maintenance';
      const fields = phaseFields({ kind: nextKind, minDate: nextDay, legend: t('client.next_phase') });
      const withPhase = h('input', { type: 'checkbox', id: `review-phase-${id}`, checked: true });
      withPhase.addEventListener('change', () => {
        fields.el.hidden = !withPhase.checked;
      });
      const error = h('p', { class: 'error', role: 'alert' });
      const ok = h('button', { type: 'submit', class: 'btn primary' }, t('client.confirm_review'));
      const form = h(
        'form',
        { novalidate: true },
        h('p', {}, `${criterionText(target.mastery)} ${t('client.review_text', { date: fmtDate(target.criterion_met_at) })}`),
        h('label', { class: 'check', for: withPhase.id }, withPhase, t('client.start_next_phase')),
        fields.el,
        error,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, t('common.cancel')), ok),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        let body = {};
        if (withPhase.checked) {
          const read = fields.read();
          if (read.error) {
            error.textContent = read.error;
            read.field?.focus();
            return;
          }
          body = { phase: read.phase };
        }
        ok.disabled = true;
        try {
          target = await app.api.criterionReview(id, body);
          toast(body.phase ? t('client.reviewed_with_phase', { label: body.phase.label, date: fmtDate(body.phase.start_date) }) : t('client.reviewed_toast'));
          close(true);
        } catch (err) {
          error.textContent = describeFailure(err);
          ok.disabled = false;
        }
      });
      return form;
    });
    if (done) {
      drawReview();
      drawPhases();
      drawGraph();
      drawFigures();
    }
  }

  chartSelect.addEventListener('change', () => {
    choice.chart = chartSelect.value;
    drawGraph();
  });
  trendSelect.addEventListener('change', () => {
    choice.trend = trendSelect.value;
    drawGraph();
  });

  const meta = [MEASUREMENT_LABELS[measurement] ?? measurement, target.direction === 'decrease' ? t('client.goal_decrease') : t('client.goal_increase')];
  if (target.protocol_id) meta.push(t('client.protocol', { id: target.protocol_id, version: target.protocol_version }));
  const el = h(
    'section',
    { class: 'panel target-panel', id: `target-${id}`, 'aria-labelledby': `target-h-${id}`, tabindex: '-1' },
    h('h2', { id: `target-h-${id}` }, target.name),
    h('p', { class: 'client-meta' }, meta.join(' · ')),
    programmer ? homeRecordableToggle(app, target) : '',
    review,
    h(
      'div',
      { class: 'graph-and-figures' },
      h(
        'figure',
        { class: 'graph-box' },
        h(
          'div',
          { class: 'graph-controls' },
          h('div', {}, h('label', { for: chartSelect.id, class: 'field-label' }, t('client.chart')), chartSelect),
          h('div', {}, h('label', { for: trendSelect.id, class: 'field-label' }, t('client.trend')), trendSelect),
        ),
        h('div', { class: 'graph-scroll', tabindex: '0', role: 'region', 'aria-label': t('client.graph_region', { name: target.name }) }, img),
        h('p', { class: 'graph-hint hint small', 'aria-hidden': 'true' }, t('client.swipe')),
        graphStatus,
      ),
      h('div', { class: 'figures-col' }, figures, phasesBox),
    ),
  );

  return {
    el,
    async refresh({ reload = false } = {}) {
      if (reload) await reloadTarget();
      drawReview();
      drawGraph();
      drawFigures();
      drawPhases();
    },
    /** After a sync: a phase change of ours that reached the server shows as a real phase. */
    async syncSettled() {
      const now = new Set((await localPhases(app, id)).map((r) => r.id));
      const arrived = [...awaiting].some((rid) => !now.has(rid));
      if (arrived && navigator.onLine) await this.refresh({ reload: true });
      else if ([...now].some((rid) => !awaiting.has(rid)) || arrived) drawPhases();
    },
  };
}

/** A slope per session: signed, with enough digits to tell a small trend from none. */
function fmtSlope(x) {
  if (x === null || x === undefined) return '–';
  const text = fmtNumber(x, Math.abs(x) < 0.1 ? 3 : 2);
  return x > 0 ? `+${text}` : text;
}

function summaryFigures(target, s) {
  const unit = s.unit ?? '';
  const out = [];
  out.push(
    h(
      'p',
      { class: 'figure-line' },
      h('strong', {}, t('client.sessions', { n: s.sessions })),
      ` ${s.sessions ? `· ${t('client.with_ioa', { n: s.sessions_with_ioa, pct: fmtPct1(s.percent_with_ioa) })}` : t('client.in_period')}`,
    ),
  );
  if (s.phases?.length) {
    const rows = s.phases.map((p) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, p.label, p.kind && phaseKindLabel(p.kind) !== p.label ? h('small', {}, ` ${phaseKindLabel(p.kind)}`) : ''),
        h('td', { class: 'num' }, String(p.n)),
        // display strings come from the server's one formatting (bdc.reports.format), so a
        // level reads as in the PDF; the numbers are the fallback of an older server
        h('td', { class: 'num' }, p.display?.mean ?? fmtNum(p.mean, 1)),
        h('td', { class: 'num' }, fmtSlope(p.trend?.ols_per_session)),
        h('td', { class: 'num' }, p.display?.sd ?? (p.sd === null ? '–' : fmtNum(p.sd, 1)), h('small', {}, ` ${p.display?.range ?? `${fmtNum(p.min, 0)}–${fmtNum(p.max, 0)}`}`)),
      ),
    );
    out.push(
      h(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('client.phases_of', { name: target.name }) },
        h(
          'table',
          { class: 'data compact' },
          h('caption', {}, t('client.per_phase', { unit })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dash.col.phase')), h('th', { scope: 'col', class: 'num' }, 'n'), h('th', { scope: 'col', class: 'num' }, t('client.level')), h('th', { scope: 'col', class: 'num' }, t('client.trend_per_session')), h('th', { scope: 'col', class: 'num' }, t('client.sd_range')))),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  }
  const es = s.effect_sizes;
  if (es?.comparisons?.length) {
    const baseline = s.phases.find((p) => p.index === es.baseline_index);
    out.push(
      h('h3', {}, t('client.effect_size')),
      h(
        'ul',
        { class: 'plain-list' },
        ...es.comparisons.map((c) =>
          h(
            'li',
            {},
            h('strong', {}, c.nap?.display ?? '–'),
            ` ${t('client.nap_line', { phase: c.phase_label, baseline: baseline?.label ?? t('phase_kind.baseline'), n: c.phase_n, m: c.baseline_n })}`,
            c.notes?.comparison ? h('small', { class: 'hint' }, ` — ${c.notes.comparison}`) : '',
          ),
        ),
      ),
      h('p', { class: 'hint small' }, t('client.nap_hint')),
    );
  } else if (es?.note) out.push(h('p', { class: 'hint' }, t('client.effect_note', { note: es.note })));
  const m = s.mastery;
  out.push(h('h3', {}, t('client.mastery')), h('p', {}, criterionText(target.mastery)));
  if (m) {
    out.push(
      h(
        'p',
        { class: `mastery-line ${m.met ? 'done' : ''}` },
        m.met
          ? t('client.met_in', { phase: m.phase_label, date: fmtDate(m.date_met) })
          : t(m.reason ? 'client.not_met_because' : 'client.not_met', { phase: m.phase_label, reason: m.reason, n: m.sessions }),
      ),
    );
  }
  if (s.aim) {
    const a = s.aim;
    const words = ['on_track', 'behind', 'no_data'].includes(a.status) ? t(`client.aim.${a.status}`) : a.status;
    out.push(h('p', {}, h('strong', {}, `${t('client.aim')} `), t('client.aim_line', { words, expected: fmtNum(a.expected, 1), current: fmtNum(a.current_level, 1), date: fmtDate(a.as_of) })));
  }
  return out;
}
