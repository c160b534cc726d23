// One line of text for an event, for the recent-entries list and the sync panel.
import { formatSeconds } from '../timers.js';

const RESULT = { correct: '✓ correct', incorrect: '✗ incorrect', no_response: 'no response' };

export function describeEvent(e) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'count': return '+1';
    case 'duration_start': return 'bout started';
    case 'duration_stop': return 'bout stopped';
    case 'latency': return `latency ${formatSeconds(d.seconds)}`;
    case 'interval': return `interval ${d.index + 1}: ${d.scored === true ? '+' : d.scored === false ? '−' : 'skipped'}`;
    case 'abc': return `${d.antecedent} → ${d.behavior} → ${d.consequence}`;
    case 'trial': return `${RESULT[d.result]} (${d.prompt})`;
    case 'step': return `step ${d.step + 1}: ${d.result === 'correct' ? d.prompt : RESULT[d.result]}`;
    case 'rating': return `rating ${d.value}`;
    case 'note': return `note: “${d.text}”`;
    case 'fidelity': return `step ${d.step + 1}, opportunity ${d.opportunity + 1}: ${d.value === true ? 'yes' : d.value === false ? 'no' : 'n/a'}`;
    case 'pause': return 'paused';
    case 'resume': return 'resumed';
    case 'void': return 'undo';
    default: return e.kind;
  }
}

export function describeRecord(r) {
  if (r.type === 'session') return `Session started ${new Date(r.body.started_at).toLocaleString()}`;
  if (r.type === 'phase') return `Phase change: ${r.body.label} from ${r.body.start_date}`;
  if (r.type === 'incident') {
    return `Incident report (${r.body.type}) · ${new Date(r.body.occurred_at).toLocaleString()}`;
  }
  return `${describeEvent(r.body)} · ${new Date(r.body.t).toLocaleString()}`;
}
