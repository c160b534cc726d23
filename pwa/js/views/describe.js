// One line of text for an event, for the recent-entries list and the sync panel.
import { promptLabel } from '../controls/prompts.js';
import { fmtDateTime, t } from '../i18n.js';
import { formatSeconds } from '../timers.js';

const result = (r) => ({ correct: `✓ ${t('result.correct')}`, incorrect: `✗ ${t('result.incorrect')}` })[r] ?? t('result.no_response');
const yesNo = (v) => (v === true ? t('event.yes') : v === false ? t('event.no') : t('event.na'));

export function describeEvent(e) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'count': return '+1';
    case 'duration_start': return t('event.bout_started');
    case 'duration_stop': return t('event.bout_stopped');
    case 'latency': return t(d.no_response ? 'event.latency_no_response' : 'event.latency', { time: formatSeconds(d.seconds) });
    case 'interval': return t('event.interval', { n: d.index + 1, mark: d.scored === true ? '+' : d.scored === false ? '−' : t('interval.skipped') });
    case 'abc': return `${d.antecedent} → ${d.behavior} → ${d.consequence}`;
    case 'trial': return `${result(d.result)} (${promptLabel(d.prompt)})`;
    case 'step': return t('event.step', { n: d.step + 1, what: d.result === 'correct' ? promptLabel(d.prompt) : result(d.result) });
    case 'rating': return t('event.rating', { value: d.value });
    case 'note': return t('event.note', { text: d.text });
    case 'fidelity': return t('event.fidelity', { n: d.step + 1, opportunity: d.opportunity + 1, value: yesNo(d.value) });
    case 'pause': return t('event.paused');
    case 'resume': return t('event.resumed');
    case 'void': return t('event.undo');
    default: return e.kind;
  }
}

export function describeRecord(r) {
  if (r.type === 'session') return t('record.session', { when: fmtDateTime(new Date(r.body.started_at)) });
  if (r.type === 'phase') return t('record.phase', { label: r.body.label, date: r.body.start_date });
  if (r.type === 'incident') return t('record.incident', { type: r.body.type, when: fmtDateTime(new Date(r.body.occurred_at)) });
  if (r.type === 'note') return t(r.body.sign ? 'record.note_signed' : 'record.note', { when: fmtDateTime(new Date(r.body.sign?.at ?? Date.now())) });
  if (r.type === 'contact') return t('record.contact', { day: r.body.day, minutes: r.body.minutes });
  return `${describeEvent(r.body)} · ${fmtDateTime(new Date(r.body.t))}`;
}
