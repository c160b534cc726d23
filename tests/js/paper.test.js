import { test } from 'node:test';
import assert from 'node:assert/strict';
import './english.js';
import { PaperError, placeEvents, readTarget } from '../../pwa/js/paper.js';
import { liveEvents, summarize } from '../../pwa/js/tally.js';

const dtt = { id: 'd', measurement: 'dtt', params: { prompt_levels: ['independent', 'gestural', 'partial_physical'] } };
const ta = { id: 'ta', measurement: 'task_analysis', params: { steps: ['a', 'b', 'c', 'd'] } };
const mts = { id: 'm', measurement: 'momentary_time_sampling', params: { interval_seconds: 60, observation_minutes: 5 } };

test('codes read as the events a tapped session would hold', () => {
  assert.deepEqual(readTarget(dtt, 'I+ pp+ - NR').map((e) => e.data), [
    { result: 'correct', prompt: 'independent' },
    { result: 'correct', prompt: 'partial_physical' },
    { result: 'incorrect', prompt: 'independent' },
    { result: 'no_response', prompt: 'independent' },
  ]);
  assert.deepEqual(readTarget(ta, 'I G - NR').map((e) => [e.data.step, e.data.result]), [[0, 'correct'], [1, 'correct'], [2, 'incorrect'], [3, 'no_response']]);
  assert.deepEqual(readTarget(mts, '+-0+').map((e) => e.data.scored), [true, false, null, true]);
  assert.equal(readTarget({ measurement: 'frequency' }, ' 7 ').length, 7);
  assert.deepEqual(readTarget({ measurement: 'duration' }, '45 1:10').map((e) => e.ms), [45000, 70000]);
  assert.deepEqual(readTarget({ measurement: 'latency' }, '3,5 12').map((e) => e.data.seconds), [3.5, 12]);
  assert.deepEqual(readTarget({ measurement: 'frequency' }, ''), []);
});

test('what cannot be read is refused, naming the token', () => {
  const refused = (target, text) => assert.throws(() => readTarget(target, text), (err) => err instanceof PaperError && Boolean(err.key));
  refused(dtt, 'Q+');
  refused(ta, 'I I I I I');
  refused(mts, '++++++');
  refused(mts, '+?');
  refused({ measurement: 'frequency' }, 'three');
  refused({ measurement: 'rating', params: { scale_min: 1, scale_max: 5 } }, '6');
  refused({ measurement: 'abc' }, 'Demand / Crying');
});

test('placed events fall inside the session in time order; bouts keep their lengths', () => {
  const start = Date.parse('2026-11-25T09:00:00Z');
  const end = start + 30 * 60000;
  const entries = [
    { targetId: 'f', events: readTarget({ measurement: 'frequency' }, '3') },
    { targetId: 'dur', events: readTarget({ measurement: 'duration' }, '45 1:10') },
  ];
  let n = 0;
  const placed = placeEvents(entries, start, end, () => `ep-${(n += 1)}`);
  assert.ok(placed.every((e) => e.ms > start && e.ms < end));
  assert.deepEqual(placed.map((e) => e.ms), [...placed.map((e) => e.ms)].sort((a, b) => a - b));
  const bouts = placed.filter((e) => e.targetId === 'dur').map((e) => ({ ...e, ms: e.ms, kind: e.kind, id: String(e.ms) }));
  const s = summarize({ measurement: 'duration' }, liveEvents(bouts), { activeMs: end - start, nowMs: end });
  assert.equal(s.totalMs, 115000);
  assert.throws(() => placeEvents([{ targetId: 'dur', events: readTarget({ measurement: 'duration' }, '40:00') }], start, end), PaperError);
});

test('latency: NR is a no-response trial at the target maximum wait, NR30 at the wait written', () => {
  const waits = { measurement: 'latency', params: { max_wait_seconds: 5 } };
  assert.deepEqual(readTarget(waits, '3.5 NR nr 1:10 NR12').map((e) => e.data), [
    { seconds: 3.5 },
    { seconds: 5, no_response: true },
    { seconds: 5, no_response: true },
    { seconds: 70 },
    { seconds: 12, no_response: true },
  ]);
  const open = { measurement: 'latency', params: {} };
  assert.deepEqual(readTarget(open, 'NR30 sr:45').map((e) => e.data), [
    { seconds: 30, no_response: true },
    { seconds: 45, no_response: true },
  ]);
  // without a maximum wait a bare NR cannot be entered at any wait: refused, not guessed
  assert.throws(() => readTarget(open, '4 NR'), (err) => err instanceof PaperError && err.key === 'paper.nr_needs_wait' && err.vars.token === 'NR');
  assert.throws(() => readTarget(waits, 'NR0'), (err) => err.key === 'paper.bad_time');
  assert.throws(() => readTarget(waits, 'NRx'), (err) => err.key === 'paper.bad_time');
});
