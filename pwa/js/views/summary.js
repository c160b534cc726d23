// The end-of-session summary: each target's figures, the session's sync state, and IOA
// once both observers' sessions have reached the server.
import { MEASUREMENT_LABELS } from '../controls/index.js';
import { Recorder } from '../recorder.js';
import { fidelityScore, liveEvents, summarize } from '../tally.js';
import { formatClock, formatSeconds } from '../timers.js';
import { fmtPct, h, mount } from '../ui.js';

/** The figure a BCBA reads first for each measurement. */
function headline(target, s) {
  switch (target.measurement) {
    case 'frequency':
    case 'rate':
      return `${s.count} · ${s.ratePerMin === null ? '–' : s.ratePerMin.toFixed(2)} per min`;
    case 'duration':
      return `${formatClock(s.totalMs)} in ${s.episodes} bout${s.episodes === 1 ? '' : 's'} · ${fmtPct(s.percentOfSession)} of session`;
    case 'latency':
      return s.n ? `mean ${formatSeconds(s.meanSeconds)} over ${s.n}` : 'none recorded';
    case 'partial_interval':
    case 'whole_interval':
    case 'momentary_time_sampling':
      return `${fmtPct(s.percent)} of ${s.observed} interval${s.observed === 1 ? '' : 's'}${s.skipped ? ` (${s.skipped} skipped)` : ''}`;
    case 'abc':
      return `${s.n} record${s.n === 1 ? '' : 's'}`;
    case 'dtt':
      return `${s.trials} trials · ${fmtPct(s.percentCorrect)} correct · ${fmtPct(s.percentIndependent)} independent`;
    case 'task_analysis':
      return `${s.recorded}/${s.total} steps · ${fmtPct(s.percentIndependent)} independent`;
    case 'rating':
      return s.n ? `mean ${s.mean.toFixed(1)} over ${s.n}` : 'none recorded';
    default:
      return '';
  }
}

const fmtMeasure = (m) =>
  m.value === null ? `${m.label}: –` : m.unit === 'percent' ? `${m.label}: ${m.value.toFixed(1)}%` : `${m.label}: ${m.value.toFixed(2)}`;

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
    blank.length ? h('p', { class: 'hint' }, `Not enough data for IOA: ${blank.map(name).join(', ')}.`) : '',
  ];
}

async function loadIoa(app, sessionId, names, slot) {
  slot.replaceChildren(h('p', { class: 'hint' }, 'Checking IOA…'));
  let answer = null;
  try {
    answer = await app.api.ioa(sessionId);
  } catch {
    answer = null;
  }
  const retry = h('button', { type: 'button', class: 'btn small', onclick: () => loadIoa(app, sessionId, names, slot) }, 'Check again');
  const paired = answer?.paired && answer.targets?.length;
  slot.replaceChildren(
    ...(paired ? ioaList(answer, names) : [h('p', { class: 'hint' }, 'IOA will appear once both observers have synced.')]),
    retry,
  );
}

export async function renderSummary(app, id) {
  const recorder = await Recorder.load(app.outbox, id);
  if (!recorder) {
    mount(h('section', { class: 'panel' }, h('h1', {}, 'Session summary'), h('p', {}, 'This session has been sent and is no longer kept on this device.'), h('a', { class: 'btn big primary', href: '#/' }, 'Back to caseload')));
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
      ? `${refused} entr${refused === 1 ? 'y' : 'ies'} refused by the server: open Sync for details.`
      : waiting
        ? `${waiting} entr${waiting === 1 ? 'y' : 'ies'} waiting to be sent. They are safe on this device.`
        : 'Everything in this session has reached the server.';
    return waiting;
  };
  const onSync = () => drawSync();
  document.addEventListener('bdc:sync', onSync);

  const rows = targets.map((t) => {
    const mine = live.filter((e) => e.target_id === t.id);
    const result = mine.length ? headline(t, summarize(t, mine, ctx)) : 'not recorded';
    return h('tr', { class: mine.length ? '' : 'empty' }, h('th', { scope: 'row' }, t.name), h('td', {}, MEASUREMENT_LABELS[t.measurement]), h('td', {}, result));
  });
  const fidelity = recorder.session.kind === 'fidelity' ? fidelityScore(live) : null;
  const notes = live.filter((e) => e.kind === 'note');

  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, 'Session summary'),
      h('p', { class: 'lead' }, `${client?.name ?? 'Client'} · ${recorder.session.setting} · ${recorder.session.role === 'reliability' ? 'second observer' : 'primary observer'} · ${formatClock(ctx.activeMs)} observed`),
      syncLine,
      fidelity
        ? h('p', { class: 'big-figure' }, `Fidelity ${fmtPct(fidelity.percent)}`, h('small', {}, ` ${fidelity.yes} of ${fidelity.scored} steps done as written`))
        : rows.length
          ? h('table', { class: 'summary' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Target'), h('th', { scope: 'col' }, 'Measure'), h('th', { scope: 'col' }, 'Result'))), h('tbody', {}, ...rows))
          : '',
      notes.length ? h('section', {}, h('h2', {}, 'Notes'), h('ul', {}, ...notes.map((n) => h('li', {}, n.data.text)))) : '',
      fidelity ? '' : h('section', {}, h('h2', {}, 'Inter-observer agreement'), ioaSlot),
      h('a', { class: 'btn big primary back', href: '#/' }, 'Back to caseload'),
    ),
  );
  await drawSync();
  if (!fidelity) loadIoa(app, id, names, ioaSlot);
  return () => document.removeEventListener('bdc:sync', onSync);
}
