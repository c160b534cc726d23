// Transcribing a paper data sheet: what was written for each target, typed in as short codes,
// becomes the same events a tapped session would hold, placed in time order inside the
// sheet's start and end. No DOM: the paper screen (views/paper.js) and the unit tests use it.
//
// Codes per measurement (the sheet prints the same ones):
//   frequency, rate      a count: 7
//   duration             each bout, seconds or m:ss: 45 1:10
//   latency              seconds per trial: 3.5 12; NR no response (at the max wait), NR30
//   interval methods     one mark per interval in order: + - 0 (0 = not observed)
//   dtt                  one per trial: I+ G+ - NR (prompt code then +; - incorrect; NR)
//   task_analysis        one per step: I G M - NR
//   rating               one value per rating: 4 3
//   abc                  one line per episode: antecedent / behavior / consequence
import { abbreviate, promptLevels, sheetCode } from './controls/prompts.js';
import { intervalCount } from './timers.js';
import { newId } from './ids.js';

export class PaperError extends Error {
  constructor(key, vars = {}) {
    super(key);
    this.key = key; // a catalogue key: the screen shows it in the user's language
    this.vars = vars;
  }
}

const tokens = (text) => text.trim().split(/[\s;]+/).filter(Boolean);
const number = (token) => Number(token.replace(',', '.'));

function seconds(token) {
  const m = /^(\d+):([0-5]?\d(?:[.,]\d+)?)$/.exec(token);
  const value = m ? Number(m[1]) * 60 + number(m[2]) : number(token);
  if (!Number.isFinite(value) || value < 0) throw new PaperError('paper.bad_time', { token });
  return value;
}

/** The prompt level a code stands for, by the app's abbreviations or the English ones. */
function levelOf(target, code, english) {
  const wanted = code.toUpperCase();
  const level = promptLevels(target).find((l) => abbreviate(l).toUpperCase() === wanted || english(l).toUpperCase() === wanted);
  if (!level) throw new PaperError('paper.bad_prompt', { token: code, codes: promptLevels(target).map(abbreviate).join(' ') });
  return level;
}

const NO_RESPONSE = new Set(['NR', 'SR']);
const INCORRECT = new Set(['-', '−', 'X', '✗']);

/**
 * A latency trial: seconds, or NR for no response. NR alone is entered at the target's
 * maximum wait, as the tablet's "No response" button does; NR with seconds (NR30) is entered
 * at the wait written, the only way for a target without a maximum wait.
 */
function latencyTrial(token, maxWait) {
  const nr = /^(NR|SR)[:=]?(.*)$/i.exec(token);
  if (!nr) return { kind: 'latency', data: { seconds: seconds(token) } };
  const wait = nr[2] ? seconds(nr[2]) : (maxWait ?? null);
  if (wait === null) throw new PaperError('paper.nr_needs_wait', { token });
  // the server refuses a no-response trial of 0 s: the wait is how long the observer waited
  if (!(wait > 0)) throw new PaperError('paper.bad_time', { token });
  return { kind: 'latency', data: { seconds: Number(wait), no_response: true } };
}

/**
 * One target's events from what was typed for it: [{kind, data, ms}] where ms is the length
 * of a bout (duration only). Throws PaperError naming what could not be read.
 * @param {(level: string) => string} [english] the English code of a prompt level (the sheet's)
 */
export function readTarget(target, text, english = sheetCode) {
  if (!text.trim()) return [];
  const p = target.params ?? {};
  const levels = promptLevels(target);
  switch (target.measurement) {
    case 'frequency':
    case 'rate': {
      const n = Number(text.trim());
      if (!Number.isInteger(n) || n < 0 || n > 10000) throw new PaperError('paper.bad_count', { token: text.trim() });
      return Array.from({ length: n }, () => ({ kind: 'count', data: {} }));
    }
    case 'duration':
      return tokens(text).map((token) => ({ kind: 'bout', data: {}, ms: seconds(token) * 1000 }));
    case 'latency':
      return tokens(text).map((token) => latencyTrial(token, p.max_wait_seconds));
    case 'partial_interval':
    case 'whole_interval':
    case 'momentary_time_sampling': {
      const marks = [...text.replace(/\s/g, '')];
      const count = intervalCount(Number(p.interval_seconds ?? 10), Number(p.observation_minutes ?? 5));
      if (marks.length > count) throw new PaperError('paper.too_many', { n: marks.length, count });
      return marks.map((mark, index) => {
        const scored = mark === '+' ? true : INCORRECT.has(mark) ? false : mark === '0' || mark === 'o' ? null : undefined;
        if (scored === undefined) throw new PaperError('paper.bad_mark', { token: mark });
        return { kind: 'interval', data: { index, scored } };
      });
    }
    case 'dtt':
      return tokens(text).map((token) => {
        const upper = token.toUpperCase();
        if (NO_RESPONSE.has(upper)) return { kind: 'trial', data: { result: 'no_response', prompt: levels[0] } };
        if (INCORRECT.has(upper) || INCORRECT.has(upper.slice(-1))) return { kind: 'trial', data: { result: 'incorrect', prompt: upper.length > 1 ? levelOf(target, upper.slice(0, -1), english) : levels[0] } };
        const code = upper.endsWith('+') ? upper.slice(0, -1) : upper;
        return { kind: 'trial', data: { result: 'correct', prompt: levelOf(target, code, english) } };
      });
    case 'task_analysis': {
      const marks = tokens(text);
      const steps = p.steps?.length ?? 0;
      if (marks.length > steps) throw new PaperError('paper.too_many', { n: marks.length, count: steps });
      return marks.map((token, step) => {
        const upper = token.toUpperCase();
        if (NO_RESPONSE.has(upper)) return { kind: 'step', data: { step, result: 'no_response', prompt: levels[0] } };
        if (INCORRECT.has(upper)) return { kind: 'step', data: { step, result: 'incorrect', prompt: levels[0] } };
        return { kind: 'step', data: { step, result: 'correct', prompt: levelOf(target, upper, english) } };
      });
    }
    case 'rating': {
      const low = Number(p.scale_min ?? 1);
      const high = Number(p.scale_max ?? 5);
      return tokens(text).map((token) => {
        const value = Number(token);
        if (!Number.isInteger(value) || value < low || value > high) throw new PaperError('paper.bad_rating', { token, low, high });
        return { kind: 'rating', data: { value } };
      });
    }
    case 'abc':
      return text.split('\n').filter((line) => line.trim()).map((line) => {
        const [antecedent, behavior, consequence] = line.split('/').map((part) => part?.trim());
        if (!antecedent || !behavior || !consequence) throw new PaperError('paper.bad_abc', { token: line.trim() });
        return { kind: 'abc', data: { antecedent, behavior, consequence } };
      });
    default:
      return [];
  }
}

/**
 * Every target's events with their times inside [startMs, endMs], in time order: each
 * target's entries spread evenly over the session, duration bouts laid end to end from the
 * start (their lengths are what counts). Throws PaperError when the bouts do not fit.
 */
export function placeEvents(entries, startMs, endMs, uuid = newId) {
  const span = endMs - startMs;
  if (!(span > 0)) throw new PaperError('paper.bad_span');
  const placed = [];
  for (const { targetId, events } of entries) {
    const bouts = events.filter((e) => e.kind === 'bout');
    if (bouts.length) {
      const total = bouts.reduce((sum, b) => sum + b.ms, 0);
      if (total > span) throw new PaperError('paper.bouts_too_long');
      const gap = (span - total) / (bouts.length + 1);
      let at = startMs;
      for (const bout of bouts) {
        const episode = uuid();
        at += gap;
        placed.push({ targetId, kind: 'duration_start', data: { episode }, ms: Math.round(at) });
        at += bout.ms;
        placed.push({ targetId, kind: 'duration_stop', data: { episode }, ms: Math.round(at) });
      }
    }
    const others = events.filter((e) => e.kind !== 'bout');
    others.forEach((e, i) => placed.push({ targetId, kind: e.kind, data: e.data, ms: Math.round(startMs + (span * (i + 1)) / (others.length + 1)) }));
  }
  return placed.sort((a, b) => a.ms - b.ms);
}
