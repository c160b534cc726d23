// Director chart audits (docs/supervision.md, "Chart audits"): draw a random sample of a
// period's sessions, review each against the checklist the server prefilled, and read the
// quality figure (also on the dashboard). Needs the server: it is desk work.
import { t } from '../i18n.js';
import { h, mount, toast } from '../ui.js';
import { addDays, connectionNotice, dataTable, describeFailure, fmtDate, fmtDateTime, fmtPct1, localDate } from './bcba-common.js';

export const CHECKS = ['note_signed_in_time', 'data_complete', 'ioa_where_due', 'fidelity_where_due'];
const ANSWERS = [['yes', true], ['no', false], ['na', null]];

/** The figures of an audit (or of the dashboard's period), in one line. */
export function figuresLine(f) {
  if (!f.reviewed) return t('audit.none_reviewed', { n: f.sessions });
  return t('audit.figures', {
    reviewed: f.reviewed,
    n: f.sessions,
    sessions: fmtPct1(f.percent_sessions_passing),
    checks: fmtPct1(f.percent_checks_passed),
  });
}

/** The dashboard's section: the quality figure of the audits ending in its period. */
export function chartAuditSection(section, app, d, query) {
  const f = d.chart_audits;
  return section(
    app, 'chart_audits', query,
    f.audits ? figuresLine(f) : t('audit.none_in_period'),
    h('a', { class: 'btn small', href: '#/chart-audits' }, t('audit.open_audits')),
  );
}

const period = (a) => `${fmtDate(a.from)} – ${fmtDate(a.to)}`;

/** #/chart-audits: the audits with their figures, and the form that draws a new sample. */
export async function renderChartAudits(app) {
  const notice = connectionNotice(t('audit.needs_connection'));
  const today = localDate();
  const monthStart = `${today.slice(0, 7)}-01`;
  const from = h('input', { id: 'audit-from', type: 'date', value: `${addDays(monthStart, -1).slice(0, 7)}-01` });
  const to = h('input', { id: 'audit-to', type: 'date', value: addDays(monthStart, -1), max: today });
  const size = h('input', { id: 'audit-size', type: 'number', min: 1, max: 500, inputmode: 'numeric' });
  const standard = h('input', { id: 'audit-ioa', type: 'number', min: 0, max: 100, value: 20, inputmode: 'decimal' });
  const problem = h('p', { class: 'error', role: 'alert' });
  const list = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    let audits;
    try {
      audits = await app.api.chartAudits();
    } catch (err) {
      list.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
      return;
    }
    list.replaceChildren(
      dataTable(
        t('audit.list'),
        [
          { label: t('audit.period'), cell: (a) => h('a', { href: `#/chart-audits/${a.id}` }, period(a)) },
          { label: t('audit.sampled'), num: true, cell: (a) => t('audit.of_population', { n: a.figures.sessions, population: a.population }) },
          { label: t('audit.result'), cell: (a) => figuresLine(a.figures) },
          { label: t('audit.drawn'), cell: (a) => fmtDateTime(a.created_at) },
        ],
        audits,
        { empty: t('audit.none') },
      ),
    );
  };
  const drawSample = async () => {
    const body = { from: from.value, to: to.value, ioa_standard: Number(standard.value) };
    if (size.value) body.sample_size = Number(size.value);
    try {
      const chart = await app.api.drawChartAudit(body);
      problem.textContent = '';
      app.go(`#/chart-audits/${chart.id}`);
    } catch (err) {
      problem.textContent = describeFailure(err);
    }
  };
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('audit.title')),
      notice.el,
      h(
        'details',
        { class: 'audit-form', open: true },
        h('summary', {}, t('audit.draw_title')),
        h('label', { for: from.id, class: 'field-label' }, t('audit.from')),
        from,
        h('label', { for: to.id, class: 'field-label' }, t('audit.to')),
        to,
        h('label', { for: size.id, class: 'field-label' }, t('audit.size'), h('span', { class: 'optional' }, ` ${t('audit.size_default')}`)),
        size,
        h('label', { for: standard.id, class: 'field-label' }, t('audit.ioa_standard')),
        standard,
        problem,
        h('button', { type: 'button', class: 'btn primary', onclick: drawSample }, t('audit.draw')),
      ),
      list,
    ),
  );
  await load();
  return notice.cleanup;
}

/** One sampled session: a choice per check (prefilled), a comment, Save. */
function itemRow(app, chart, item, onSaved) {
  const current = item.answers ?? item.prefill;
  const selects = CHECKS.map((check) => {
    const select = h(
      'select',
      { id: `audit-${item.id}-${check}`, 'aria-label': `${t(`audit.check_${check}`)} · ${item.client_code} ${fmtDateTime(item.started_at)}` },
      ...ANSWERS.map(([key, value]) => h('option', { value: key, selected: current[check] === value }, t(`audit.answer_${key}`))),
    );
    return { check, select };
  });
  const comment = h('input', { type: 'text', maxlength: 2000, 'aria-label': `${t('audit.comment')} · ${item.client_code}` });
  comment.value = item.comment ?? '';
  const state = h('span', { class: item.reviewed ? 'verdict ok' : 'verdict none' }, item.reviewed ? `✓ ${t('audit.reviewed')}` : t('audit.to_review'));
  const save = async () => {
    const answers = Object.fromEntries(selects.map(({ check, select }) => [check, ANSWERS.find(([key]) => key === select.value)[1]]));
    try {
      await app.api.reviewChartItem(chart.id, item.id, { answers, comment: comment.value.trim() });
      state.className = 'verdict ok';
      state.textContent = `✓ ${t('audit.reviewed')}`;
      toast(t('audit.saved'));
      onSaved();
    } catch (err) {
      toast(describeFailure(err), { kind: 'error' });
    }
  };
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, item.client_code, h('br'), h('small', {}, fmtDateTime(item.started_at))),
    ...selects.map(({ check, select }) => {
      const computed = item.prefill[check];
      const hint = t('audit.computed', { answer: t(`audit.answer_${computed === true ? 'yes' : computed === false ? 'no' : 'na'}`) });
      return h('td', {}, select, h('small', { class: 'hint' }, hint));
    }),
    h('td', {}, comment),
    h('td', {}, state, ' ', h('button', { type: 'button', class: 'btn small', onclick: save }, t('audit.save'), h('span', { class: 'visually-hidden' }, ` ${item.client_code}`))),
  );
}

/** #/chart-audits/<id>: the sample, reviewed one session at a time. */
export async function renderChartAudit(app, id) {
  const notice = connectionNotice(t('audit.needs_connection'));
  const body = h('div', {}, h('p', { class: 'hint' }, t('common.loading')));
  mount(h('section', { class: 'panel' }, h('h1', {}, t('audit.one_title')), notice.el, body, h('a', { class: 'btn', href: '#/chart-audits' }, t('audit.back'))));
  let chart;
  try {
    chart = await app.api.chartAudit(id);
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
    return notice.cleanup;
  }
  const figure = h('p', { class: 'big-figure audit-figure', 'aria-live': 'polite' }, figuresLine(chart.figures));
  // A review updates the figure only: answers being chosen in other rows stay as they are.
  const refigure = async () => {
    try {
      figure.textContent = figuresLine((await app.api.chartAudit(id)).figures);
    } catch (err) {
      figure.textContent = describeFailure(err);
    }
  };
  body.replaceChildren(
    h('p', { class: 'lead' }, `${period(chart)} · ${t('audit.of_population', { n: chart.figures.sessions, population: chart.population })}`),
    figure,
    chart.items.length
      ? h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('audit.sample') },
          h(
            'table',
            { class: 'data audit-items' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('audit.session')), ...CHECKS.map((c) => h('th', { scope: 'col' }, t(`audit.check_${c}`))), h('th', { scope: 'col' }, t('audit.comment')), h('th', { scope: 'col' }, t('audit.state')))),
            h('tbody', {}, ...chart.items.map((item) => itemRow(app, chart, item, refigure))),
          ),
        )
      : h('p', { class: 'hint' }, t('audit.empty_sample')),
  );
  return notice.cleanup;
}
