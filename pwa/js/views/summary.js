// The end-of-session summary: each target's figures, the session's sync state, and IOA
// once both observers' sessions have reached the server.
import { measurementLabel } from '../controls/index.js';
import { fmtNumber, fmtPct, labelOf, t } from '../i18n.js';
import { Recorder } from '../recorder.js';
import { fidelityScore, liveEvents, summarize } from '../tally.js';
import { formatClock, formatSeconds } from '../timers.js';
import { h, mount } from '../ui.js';
import { fromPaper } from './paper.js';

/** The figure a BCBA reads first for each measurement (also the session note's draft). */
export function headline(target, s) {
  switch (target.measurement) {
    case 'frequency':
    case 'rate':
      return t('summary.count', { n: s.count, rate: s.ratePerMin === null ? '–' : fmtNumber(s.ratePerMin, 2) });
    case 'duration':
      return t('summary.duration', { time: formatClock(s.totalMs), n: s.episodes, pct: fmtPct(s.percentOfSession) });
    case 'latency':
      return s.n ? t('summary.mean_over', { mean: formatSeconds(s.meanSeconds), n: s.n }) : t('summary.none');
    case 'partial_interval':
    case 'whole_interval':
    case 'momentary_time_sampling':
      return `${t('summary.intervals', { pct: fmtPct(s.percent), n: s.observed })}${s.skipped ? ` (${t('interval.n_skipped', { n: s.skipped })})` : ''}`;
    case 'abc':
      return t('summary.records', { n: s.n });
    case 'dtt':
      return `${t('dtt.trials', { n: s.trials })} · ${t('figures.correct', { pct: fmtPct(s.percentCorrect) })} · ${t('figures.independent', { pct: fmtPct(s.percentIndependent) })}`;
    case 'task_analysis':
      return `${t('summary.steps', { n: s.recorded, total: s.total })} · ${t('figures.independent', { pct: fmtPct(s.percentIndependent) })}`;
    case 'rating':
      return s.n ? t('summary.mean_over', { mean: fmtNumber(s.mean, 1), n: s.n }) : t('summary.none');
    default:
      return '';
  }
}

const fmtMeasure = (m) =>
  m.value === null ? `${m.label}: –` : m.unit === 'percent' ? `${m.label}: ${fmtNumber(m.value, 1)}%` : `${m.label}: ${fmtNumber(m.value, 2)}`;

/** GET /sessions/<id>/ioa, target by target: the headline measure, then the others. */
function ioaList(answer, names) {
  const name = (t) => names.get(t.target_id) ?? t.measurement;
  const figured = answer.targets.filter((t) => t.measures.some((m) => m.value !== null));
  const blank = answer.targets.filter((t) => !figured.includes(t));
  return [
    h(
      'ul',
      { class: 'ioa' },
      ...figured.map((t) => {
        const headline = t.measures.find((m) => m.label === t.measure) ?? t.measures[0];
        const others = t.measures.filter((m) => m !== headline);
        return h(
          'li',
          {},
          h('strong', {}, name(t)),
          ' — ',
          h('span', { class: 'ioa-value' }, fmtMeasure(headline)),
          others.length ? h('small', {}, others.map(fmtMeasure).join(' · ')) : '',
        );
      }),
    ),
    blank.length ? h('p', { class: 'hint' }, t('ioa.not_enough', { names: blank.map(name).join(', ') })) : '',
  ];
}

async function loadIoa(app, sessionId, names, slot) {
  slot.replaceChildren(h('p', { class: 'hint' }, t('ioa.checking')));
  let answer = null;
  try {
    answer = await app.api.ioa(sessionId);
  } catch {
    answer = null;
  }
  const retry = h('button', { type: 'button', class: 'btn small', onclick: () => loadIoa(app, sessionId, names, slot) }, t('ioa.check_again'));
  const paired = answer?.paired && answer.targets?.length;
  slot.replaceChildren(
    ...(paired ? ioaList(answer, names) : [h('p', { class: 'hint' }, t('ioa.waiting'))]),
    retry,
  );
}

export async function renderSummary(app, id) {
  const recorder = await Recorder.load(app.outbox, id);
  if (!recorder) {
    mount(h('section', { class: 'panel' }, h('h1', {}, t('summary.title')), h('p', {}, t('summary.gone')), h('a', { class: 'btn big primary', href: '#/' }, t('summary.back'))));
    return undefined;
  }
  const caseload = await app.store.caseload();
  const client = caseload?.clients.find((c) => c.id === recorder.session.client_id);
  const targets = (caseload?.targets[recorder.session.client_id] ?? []).filter((t) => recorder.session.target_ids.includes(t.id));
  const names = new Map(targets.map((t) => [t.id, t.name]));
  const live = liveEvents(recorder.events);
  const ctx = { activeMs: recorder.activeMs(), nowMs: Date.parse(recorder.session.ended_at ?? new Date().toISOString()) };
  const syncLine = h('p', { class: 'hint', 'aria-live': 'polite' });
  const ioaSlot = h('div');

  const drawSync = async () => {
    const records = await app.outbox.sessionRecords(id);
    const waiting = records.filter((r) => r.state === 'pending').length;
    const refused = records.filter((r) => r.state === 'rejected').length;
    syncLine.textContent = refused
      ? t('summary.refused', { n: refused })
      : waiting
        ? t('summary.waiting', { n: waiting })
        : t('summary.all_sent');
    return waiting;
  };
  const onSync = () => drawSync();
  document.addEventListener('bdc:sync', onSync);

  const rows = targets.map((target) => {
    const mine = live.filter((e) => e.target_id === target.id);
    const result = mine.length ? headline(target, summarize(target, mine, ctx)) : t('summary.not_recorded');
    return h('tr', { class: mine.length ? '' : 'empty' }, h('th', { scope: 'row' }, target.name), h('td', {}, measurementLabel(target.measurement)), h('td', {}, result));
  });
  const fidelity = recorder.session.kind === 'fidelity' ? fidelityScore(live) : null;
  const notes = live.filter((e) => e.kind === 'note');

  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('summary.title')),
      h('p', { class: 'lead' }, `${client?.name ?? t('summary.client')} · ${labelOf('setting', recorder.session.setting)} · ${recorder.session.role === 'reliability' ? t('role.reliability') : t('role.primary_observer')} · ${t('summary.observed', { time: formatClock(ctx.activeMs) })}`),
      fromPaper(recorder.session) ? h('p', { class: 'tag-paper' }, t('paper.marked')) : '',
      syncLine,
      fidelity
        ? h('p', { class: 'big-figure' }, t('summary.fidelity', { pct: fmtPct(fidelity.percent) }), h('small', {}, ` ${t('summary.fidelity_steps', { n: fidelity.yes, scored: fidelity.scored })}`))
        : rows.length
          ? h('table', { class: 'summary' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('summary.target')), h('th', { scope: 'col' }, t('summary.measure')), h('th', { scope: 'col' }, t('summary.result')))), h('tbody', {}, ...rows))
          : '',
      notes.length ? h('section', {}, h('h2', {}, t('summary.notes')), h('ul', {}, ...notes.map((n) => h('li', {}, n.data.text)))) : '',
      fidelity ? '' : h('section', {}, h('h2', {}, t('ioa.title')), ioaSlot),
      app.user?.role === 'caregiver' ? '' : h('a', { class: 'btn big', href: `#/note/${id}` }, t('snote.write')),
      h('a', { class: 'btn big primary back', href: '#/' }, t('summary.back')),
    ),
  );
  await drawSync();
  if (!fidelity) loadIoa(app, id, names, ioaSlot);
  return () => document.removeEventListener('bdc:sync', onSync);
}
