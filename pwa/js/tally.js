// What a session's events add up to, per target, for the live cards and the end summary.
// Events here are {id, kind, target_id, ms, data}. No DOM, no state.

import { durationEpisodes, ratePerMinute } from './timers.js';

/** Ids cancelled by void events. */
export function voidedIds(events) {
  return new Set(events.filter((e) => e.kind === 'void').map((e) => e.data.voids));
}

/** Events that still count: neither a void nor voided. */
export function liveEvents(events) {
  const voided = voidedIds(events);
  return events.filter((e) => e.kind !== 'void' && !voided.has(e.id));
}

/** The most recent event that undo may cancel: not a void, not already voided, not a pause. */
export function lastUndoable(events) {
  const voided = voidedIds(events);
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const e = events[i];
    if (!['void', 'pause', 'resume'].includes(e.kind) && !voided.has(e.id)) return e;
  }
  return undefined;
}

const pct = (part, whole) => (whole > 0 ? (100 * part) / whole : null);
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The latest live event per key, e.g. one score per interval index even after a correction. */
function latestBy(events, key) {
  const map = new Map();
  for (const e of [...events].sort((a, b) => a.ms - b.ms)) map.set(key(e), e);
  return map;
}

/**
 * One target's figures from its live events.
 * @param {object} target the Target resource
 * @param {object[]} events live events of this target
 * @param {{activeMs: number, nowMs: number}} ctx
 */
export function summarize(target, events, { activeMs, nowMs }) {
  const of = (kind) => events.filter((e) => e.kind === kind);
  switch (target.measurement) {
    case 'frequency':
    case 'rate': {
      const count = of('count').length;
      return { count, ratePerMin: ratePerMinute(count, activeMs) };
    }
    case 'duration': {
      const { closed, open, totalMs } = durationEpisodes(events, nowMs);
      return { episodes: closed.length + open.length, open, totalMs, percentOfSession: pct(totalMs, activeMs) };
    }
    case 'latency': {
      // a no-response trial counts at its wait, as the server's mean does (docs/analysis.md)
      const trials = of('latency');
      const secs = trials.map((e) => e.data.seconds);
      const noResponse = trials.filter((e) => e.data.no_response === true).length;
      return { n: secs.length, meanSeconds: mean(secs), lastSeconds: secs.at(-1) ?? null, noResponse };
    }
    case 'partial_interval':
    case 'whole_interval':
    case 'momentary_time_sampling': {
      const scores = latestBy(of('interval'), (e) => e.data.index);
      const values = [...scores.values()].map((e) => e.data.scored);
      const observed = values.filter((v) => v !== null);
      const occurred = observed.filter((v) => v === true).length;
      return {
        scores: new Map([...scores].map(([i, e]) => [i, e.data.scored])),
        observed: observed.length,
        skipped: values.length - observed.length,
        occurred,
        percent: pct(occurred, observed.length),
      };
    }
    case 'abc':
      return { n: of('abc').length, last: of('abc').at(-1)?.data ?? null };
    case 'dtt': {
      const trials = of('trial');
      const correct = trials.filter((e) => e.data.result === 'correct').length;
      const independent = trials.filter(
        (e) => e.data.result === 'correct' && e.data.prompt === 'independent',
      ).length;
      return {
        trials: trials.length,
        correct,
        percentCorrect: pct(correct, trials.length),
        percentIndependent: pct(independent, trials.length),
        recent: trials.slice(-10).map((e) => e.data),
      };
    }
    case 'task_analysis': {
      const steps = latestBy(of('step'), (e) => e.data.step);
      const total = target.params?.steps?.length ?? 0;
      const independent = [...steps.values()].filter(
        (e) => e.data.result === 'correct' && e.data.prompt === 'independent',
      ).length;
      return {
        steps: new Map([...steps].map(([i, e]) => [i, e.data])),
        recorded: steps.size,
        total,
        percentIndependent: pct(independent, total),
      };
    }
    case 'rating': {
      const values = of('rating').map((e) => e.data.value);
      return { n: values.length, last: values.at(-1) ?? null, mean: mean(values) };
    }
    default:
      return {};
  }
}

/** Fidelity items of a session: per-step yes/no counts and the overall percent. */
export function fidelityScore(events) {
  const items = latestBy(
    events.filter((e) => e.kind === 'fidelity'),
    (e) => `${e.data.step}:${e.data.opportunity}`,
  );
  const values = [...items.values()].map((e) => e.data);
  const yes = values.filter((v) => v.value === true).length;
  const scored = values.filter((v) => v.value !== null).length;
  return { items: values, yes, scored, percent: pct(yes, scored) };
}
