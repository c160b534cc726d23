// The BCBA view of one client: each target's graph (chart type, trend, period) with its summary
// figures beside it, mastery review, phase changes (offline too, through the outbox), protocols,
// and the progress report and data downloads. Graphs and figures need the server.
import { MEASUREMENT_LABELS } from '../controls/index.js';
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

const CHARTS = [
  ['line', 'Line graph', () => true],
  ['celeration', 'Standard Celeration Chart', (m) => m === 'rate' || m === 'frequency'],
  ['cumulative', 'Cumulative record', (m) => m === 'frequency' || m === 'abc'],
];
const TRENDS = [
  ['none', 'No trend line'],
  ['split_middle', 'Split-middle'],
  ['ols', 'Least squares (OLS)'],
  ['theil_sen', 'Theil–Sen'],
];

// Chosen period and per-target chart settings, kept while the app is open.
let period = presetPeriod('12w');
const chartChoice = new Map();

// --- the list of clients ---------------------------------------------------------------------

export async function renderClients(app) {
  const note = h('p', { class: 'hint', 'aria-live': 'polite' }, 'Loading…');
  const list = h('ul', { class: 'clients client-links' });
  mount(h('section', { class: 'panel' }, h('h1', {}, 'Clients'), note, list));
  let clients;
  try {
    clients = (await app.api.clients()).filter((c) => c.active !== false);
    note.textContent = clients.length ? '' : 'No clients are on your caseload.';
  } catch (err) {
    const cached = await app.store.caseload();
    clients = cached?.clients ?? [];
    note.textContent = err.status === 0 ? 'Offline: the client list saved on this device. Graphs and reports need a connection.' : describeFailure(err);
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
          h('a', { class: 'btn small', href: `#/client/${c.id}` }, programmer ? 'Graphs and programming' : 'Graphs', h('span', { class: 'visually-hidden' }, ` of ${c.name}`)),
          h('a', { class: 'btn small', href: `#/client/${c.id}/incidents` }, 'Incident reports', h('span', { class: 'visually-hidden' }, ` of ${c.name}`)),
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

  mount(h('section', { class: 'panel' }, h('h1', {}, 'Client'), h('p', { class: 'hint', role: 'status' }, 'Loading…')));
  let loaded;
  try {
    loaded = await loadClient(app, clientId);
  } catch (err) {
    mount(h('section', { class: 'panel' }, h('h1', {}, 'Client'), h('p', { class: 'error' }, describeFailure(err)), h('a', { class: 'btn', href: '#/clients' }, 'All clients')));
    return undefined;
  }
  const { client } = loaded;
  const programmer = PROGRAMMERS.has(app.user.role);
  const notice = connectionNotice('graphs, figures and downloads need a connection. Phase changes you add are kept on this device and sent when you are back online.');
  cleanups.push(notice.cleanup);

  // Downloads: plain links (the session cookie authenticates them); built from the period.
  const pseudo = h('input', { type: 'checkbox', id: 'report-pseudo', checked: true });
  const downloads = h('div', { class: 'downloads' });
  const drawDownloads = () => {
    const range = { from: period.from, to: period.to };
    downloads.replaceChildren(
      downloadLink('Progress report (PDF)', app.api.url(`/clients/${client.id}/report.pdf`, { ...range, pseudonymous: pseudo.checked })),
      downloadLink('Sessions (CSV)', app.api.url(`/clients/${client.id}/export.csv`, { ...range, table: 'sessions' })),
      downloadLink('Events (CSV)', app.api.url(`/clients/${client.id}/export.csv`, { ...range, table: 'events' })),
      downloadLink('Workbook (XLSX)', app.api.url(`/clients/${client.id}/export.xlsx`, range)),
    );
  };
  pseudo.addEventListener('change', drawDownloads);
  downloads.addEventListener('click', (e) => {
    if (e.target.closest('a') && !navigator.onLine) {
      e.preventDefault();
      toast('Downloads need a connection.', { kind: 'error' });
    }
  });

  const panels = [];
  const periodBox = periodControl('client-period', period, (next) => {
    period = next;
    drawDownloads();
    periodText.textContent = periodLabel();
    for (const p of panels) p.refresh();
  });
  const periodLabel = () => `Showing ${fmtDate(period.from)} – ${fmtDate(period.to)}.`;
  const periodText = h('p', { class: 'hint', 'aria-live': 'polite' }, periodLabel());

  const targetsBox = h('div', { class: 'target-list' });
  const plansBox = h('div');
  const active = loaded.targets.filter((t) => t.active !== false);
  const inactive = loaded.targets.length - active.length;

  const header = h(
    'section',
    { class: 'panel client-head' },
    h(
      'div',
      { class: 'title-row' },
      h('div', {}, h('h1', {}, client.name), h('p', { class: 'client-meta' }, `${client.code} · ${active.length} active target${active.length === 1 ? '' : 's'}${inactive ? ` (${inactive} inactive not shown)` : ''}`)),
      h(
        'div',
        { class: 'card-links' },
        h('a', { class: 'btn small', href: `#/client/${client.id}/incidents` }, 'Incident reports'),
        h('a', { class: 'btn small', href: `#/incident/new/${client.id}` }, 'New incident report'),
      ),
    ),
    notice.el,
    periodBox.el,
    periodText,
    h(
      'details',
      { class: 'group' },
      h('summary', {}, 'Progress report and data exports'),
      h('label', { class: 'check' }, pseudo, 'Report shows the client code only (no name)'),
      downloads,
      h('p', { class: 'hint' }, 'For the period above. Files hold client data: keep them on approved devices.'),
    ),
    programmer
      ? h(
          'div',
          { class: 'card-links programming' },
          h('button', { type: 'button', class: 'btn small', onclick: () => addFromProtocol('measurement') }, 'Add target from protocol'),
          h('button', { type: 'button', class: 'btn small', onclick: () => addFromProtocol('plan') }, 'Add plan from protocol'),
        )
      : '',
  );

  async function addFromProtocol(kind) {
    if (!navigator.onLine) {
      toast('Adding from a protocol needs a connection.', { kind: 'error' });
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
        h('h2', {}, 'Behavior plans'),
        plans.length
          ? h('ul', { class: 'plain-list' }, ...plans.map((p) => h('li', {}, h('strong', {}, `${p.title || 'Plan'} v${p.version}`), ` · function: ${p.function} · fidelity criterion ${fmtNum(p.criterion, 0)}%`, p.protocol_id ? ` · from ${p.protocol_id} v${p.protocol_version}` : '')))
          : h('p', { class: 'hint' }, 'No behavior plan yet.'),
        h('a', { class: 'btn small', href: `#/fidelity-results?client=${client.id}` }, 'Fidelity results'),
      );
    } catch {
      plansBox.replaceChildren();
    }
  }

  for (const t of active) panels.push(targetPanel(app, client, t, programmer));
  targetsBox.append(...panels.map((p) => p.el));
  const baseline = active.length > 1 ? multipleBaseline(app, client, active) : null;
  if (baseline) panels.push(baseline);
  const caregivers = programmer ? caregiverPanel(app, client) : null;
  mount(
    header,
    active.length ? '' : h('p', { class: 'panel hint' }, 'This client has no active targets yet.'),
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

function multipleBaseline(app, client, targets) {
  const boxes = targets.map((t, i) => h('input', { type: 'checkbox', value: t.id, checked: i < PANEL_MAX }));
  const img = h('img', { class: 'graph tall', alt: '', decoding: 'async', hidden: true });
  const status = h('p', { class: 'graph-status hint', role: 'status' });
  const details = h(
    'details',
    { class: 'panel group' },
    h('summary', {}, 'Multiple-baseline graph across targets'),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', {}, `Targets, top panel first (at most ${PANEL_MAX})`),
      ...targets.map((t, i) => h('label', { class: 'check' }, boxes[i], t.name)),
    ),
    status,
    img,
  );
  const draw = () => {
    if (!details.open) return;
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!navigator.onLine) {
      img.hidden = true;
      status.textContent = 'The graph needs a connection.';
      return;
    }
    if (!chosen.length || chosen.length > PANEL_MAX) {
      img.hidden = true;
      status.textContent = `Choose 1 to ${PANEL_MAX} targets.`;
      return;
    }
    // target_id is repeated, one per panel, in the order chosen
    const src = app.api.url(`/clients/${client.id}/charts/panel.svg`, { from: period.from, to: period.to }) + chosen.map((id) => `&target_id=${encodeURIComponent(id)}`).join('');
    status.textContent = 'Loading the graph…';
    img.alt = `Multiple-baseline graph of ${chosen.length} targets, ${fmtDate(period.from)} to ${fmtDate(period.to)}.`;
    img.onload = () => {
      status.textContent = '';
      img.hidden = false;
    };
    img.onerror = () => {
      img.hidden = true;
      status.textContent = 'The graph could not be loaded.';
    };
    img.src = src;
  };
  details.addEventListener('toggle', draw);
  for (const b of boxes) b.addEventListener('change', draw);
  return { el: details, refresh: draw, syncSettled: () => {} };
}

// --- one target ------------------------------------------------------------------------------

function criterionText(mastery) {
  if (!mastery) return 'No mastery criterion.';
  const parts = [`${mastery.percent}% or more on ${mastery.consecutive} consecutive sessions`];
  if (mastery.min_trials) parts.push(`at least ${mastery.min_trials} trials each`);
  if (mastery.min_observers > 1) parts.push(`${mastery.min_observers} different observers`);
  return `Criterion: ${parts.join(', ')}.`;
}

function targetPanel(app, client, initialTarget, programmer) {
  let target = initialTarget;
  const id = target.id;
  const measurement = target.measurement;
  const choice = chartChoice.get(id) ?? { chart: 'line', trend: 'none' };
  chartChoice.set(id, choice);

  const chartSelect = h('select', { id: `chart-${id}` }, ...CHARTS.filter(([, , ok]) => ok(measurement)).map(([v, l]) => h('option', { value: v, selected: v === choice.chart }, l)));
  const trendSelect = h('select', { id: `trend-${id}` }, ...TRENDS.map(([v, l]) => h('option', { value: v, selected: v === choice.trend }, l)));
  const img = h('img', { class: 'graph', alt: '', decoding: 'async' });
  const graphStatus = h('p', { class: 'graph-status hint', role: 'status' });
  const figures = h('div', { class: 'figures-box', 'aria-live': 'polite', 'aria-busy': 'false' });
  const review = h('div', { class: 'review-slot' });
  const phasesBox = h('div', { class: 'phases-box' });
  // Phase changes drawn as local that the target, as last loaded, does not hold yet. A reload
  // may race the sync (it can answer before the server stores them), so an id stays here until
  // a loaded target holds it, not just until the outbox lets it go.
  const awaiting = new Set();

  const chartLabel = () => CHARTS.find(([v]) => v === choice.chart)?.[1] ?? choice.chart;
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
      graphStatus.textContent = 'The graph needs a connection.';
      return;
    }
    const src = graphUrl();
    img.hidden = false;
    img.alt = `${chartLabel()} of ${target.name}, ${fmtDate(period.from)} to ${fmtDate(period.to)}${choice.chart === 'line' && choice.trend !== 'none' ? `, ${TRENDS.find(([v]) => v === choice.trend)[1]} trend lines` : ''}.`;
    graphStatus.textContent = 'Loading the graph…';
    img.onload = () => {
      graphStatus.textContent = '';
    };
    img.onerror = async () => {
      img.hidden = true;
      if (!navigator.onLine) {
        graphStatus.textContent = 'The graph needs a connection.';
        return;
      }
      // An <img> does not say why; ask again for the reason (422 for a chart that does not fit).
      try {
        const answer = await fetch(src, { credentials: 'same-origin', cache: 'no-store' });
        const body = await answer.json().catch(() => null);
        graphStatus.textContent = `The graph could not be drawn: ${body?.error?.message ?? `HTTP ${answer.status}`}`;
      } catch {
        graphStatus.textContent = 'The graph could not be loaded.';
      }
    };
    img.src = src;
  };

  const drawFigures = async () => {
    if (!navigator.onLine) {
      figures.replaceChildren(h('p', { class: 'hint' }, 'Summary figures need a connection.'));
      return;
    }
    figures.setAttribute('aria-busy', 'true');
    try {
      const s = await app.api.targetSummary(id, { from: period.from, to: period.to });
      figures.replaceChildren(...summaryFigures(target, s));
    } catch (err) {
      figures.replaceChildren(h('p', { class: 'error' }, `Figures: ${describeFailure(err)}`));
    } finally {
      figures.setAttribute('aria-busy', 'false');
    }
  };

  const drawReview = () => {
    review.replaceChildren();
    if (!target.criterion_met_at) return;
    if (target.criterion_reviewed_at) {
      review.append(h('p', { class: 'mastery-line done' }, `✓ Criterion met on ${fmtDate(target.criterion_met_at)}; reviewed ${fmtDateTime(target.criterion_reviewed_at)}.`));
      return;
    }
    review.append(
      h(
        'div',
        { class: 'mastery-alert', role: 'note' },
        h('p', {}, h('strong', {}, `Criterion met on ${fmtDate(target.criterion_met_at)} — review`)),
        programmer
          ? h('button', { type: 'button', class: 'btn small primary', onclick: openReview }, 'Review criterion…')
          : h('p', { class: 'hint' }, 'A BCBA reviews it and decides the next phase.'),
      ),
    );
  };

  const drawPhases = async () => {
    const local = await localPhases(app, id);
    for (const r of local) awaiting.add(r.id);
    for (const p of target.phases ?? []) awaiting.delete(p.id);
    const phases = [...(target.phases ?? [])].sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : 0));
    const items = [
      ...phases.map((p) => h('li', {}, h('strong', {}, p.label), `${phaseKindLabel(p.kind) === p.label ? '' : ` · ${phaseKindLabel(p.kind)}`} · from ${fmtDate(p.start_date)}`)),
      ...local.map((r) =>
        h(
          'li',
          { class: r.state === 'rejected' ? 'local rejected' : 'local' },
          h('strong', {}, r.body.label),
          ` · ${phaseKindLabel(r.body.kind)} · from ${fmtDate(r.body.start_date)} `,
          r.state === 'rejected'
            ? h('span', { class: 'tag bad' }, `refused: ${r.reason}`)
            : h('span', { class: 'tag' }, 'waiting to sync'),
        ),
      ),
    ];
    phasesBox.replaceChildren(
      h('h3', {}, 'Phases'),
      items.length ? h('ol', { class: 'phase-list' }, ...items) : h('p', { class: 'hint' }, 'No phases yet: every session so far is unphased.'),
      programmer
        ? h('button', {
            type: 'button',
            class: 'btn small',
            onclick: async () => {
              const rec = await addPhaseChange(app, target);
              if (rec) drawPhases();
            },
          }, 'Add phase change', h('span', { class: 'visually-hidden' }, ` for ${target.name}`))
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
      toast('Reviewing a criterion needs a connection.', { kind: 'error' });
      return;
    }
    const done = await openDialog(`Review: ${target.name}`, (close) => {
      const nextDay = addDays(target.criterion_met_at, 1);
      const current = [...(target.phases ?? [])].sort((a, b) => (a.start_date < b.start_date ? -1 : 1)).at(-1);
      const nextKind = { baseline: 'intervention', intervention: 'maintenance', maintenance: 'generalization' }[current?.kind] ?? 'maintenance';
      const fields = phaseFields({ kind: nextKind, minDate: nextDay, legend: 'The next phase' });
      const withPhase = h('input', { type: 'checkbox', id: `review-phase-${id}`, checked: true });
      withPhase.addEventListener('change', () => {
        fields.el.hidden = !withPhase.checked;
      });
      const error = h('p', { class: 'error', role: 'alert' });
      const ok = h('button', { type: 'submit', class: 'btn primary' }, 'Confirm review');
      const form = h(
        'form',
        { novalidate: true },
        h('p', {}, `${criterionText(target.mastery)} It was met on ${fmtDate(target.criterion_met_at)}. Confirm you have looked at the data; the next phase may start with this review.`),
        h('label', { class: 'check', for: withPhase.id }, withPhase, 'Start the next phase'),
        fields.el,
        error,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, 'Cancel'), ok),
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
          toast(body.phase ? `Reviewed; ${body.phase.label} starts ${fmtDate(body.phase.start_date)}.` : 'Criterion reviewed.');
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

  const meta = [MEASUREMENT_LABELS[measurement] ?? measurement, target.direction === 'decrease' ? 'goal: decrease' : 'goal: increase'];
  if (target.protocol_id) meta.push(`protocol ${target.protocol_id} v${target.protocol_version}`);
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
          h('div', {}, h('label', { for: chartSelect.id, class: 'field-label' }, 'Chart'), chartSelect),
          h('div', {}, h('label', { for: trendSelect.id, class: 'field-label' }, 'Trend'), trendSelect),
        ),
        h('div', { class: 'graph-scroll', tabindex: '0', role: 'region', 'aria-label': `Graph of ${target.name} (scrolls sideways on a small screen)` }, img),
        h('p', { class: 'graph-hint hint small', 'aria-hidden': 'true' }, 'Swipe the graph sideways to see all of it.'),
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
  const text = Math.abs(x) < 0.1 ? x.toFixed(3) : x.toFixed(2);
  return x > 0 ? `+${text}` : text;
}

function summaryFigures(target, s) {
  const unit = s.unit ?? '';
  const out = [];
  out.push(
    h(
      'p',
      { class: 'figure-line' },
      h('strong', {}, `${s.sessions} session${s.sessions === 1 ? '' : 's'}`),
      s.sessions ? ` · ${s.sessions_with_ioa} with IOA (${fmtPct1(s.percent_with_ioa)})` : ' in this period',
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
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `Phases of ${target.name}` },
        h(
          'table',
          { class: 'data compact' },
          h('caption', {}, `Per phase (${unit})`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col', class: 'num' }, 'n'), h('th', { scope: 'col', class: 'num' }, 'Level (mean)'), h('th', { scope: 'col', class: 'num' }, 'Trend / session'), h('th', { scope: 'col', class: 'num' }, 'SD (range)'))),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  }
  const es = s.effect_sizes;
  if (es?.comparisons?.length) {
    const baseline = s.phases.find((p) => p.index === es.baseline_index);
    out.push(
      h('h3', {}, 'Effect size vs baseline (NAP)'),
      h(
        'ul',
        { class: 'plain-list' },
        ...es.comparisons.map((c) =>
          h(
            'li',
            {},
            h('strong', {}, c.nap === null ? '–' : c.nap.toFixed(2)),
            ` ${c.phase_label} vs ${baseline?.label ?? 'baseline'} (${c.phase_n} vs ${c.baseline_n} sessions)`,
            c.notes?.comparison ? h('small', { class: 'hint' }, ` — ${c.notes.comparison}`) : '',
          ),
        ),
      ),
      h('p', { class: 'hint small' }, 'NAP: 0.5 = no change, 1 = no overlap in the goal’s direction.'),
    );
  } else if (es?.note) out.push(h('p', { class: 'hint' }, `Effect size: ${es.note}.`));
  const m = s.mastery;
  out.push(h('h3', {}, 'Mastery'), h('p', {}, criterionText(target.mastery)));
  if (m) {
    out.push(
      h(
        'p',
        { class: `mastery-line ${m.met ? 'done' : ''}` },
        m.met
          ? `✓ Met in ${m.phase_label} on ${fmtDate(m.date_met)}.`
          : `Not yet met in ${m.phase_label}${m.reason ? `: ${m.reason}` : ''} (${m.sessions} session${m.sessions === 1 ? '' : 's'}).`,
      ),
    );
  }
  if (s.aim) {
    const a = s.aim;
    const words = { on_track: 'on track', behind: 'behind the aim line', no_data: 'no data yet' }[a.status] ?? a.status;
    out.push(h('p', {}, h('strong', {}, 'Aim: '), `${words} (expected ${fmtNum(a.expected, 1)}, current ${fmtNum(a.current_level, 1)} on ${fmtDate(a.as_of)}).`));
  }
  return out;
}
