import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activeMs, durationEpisodes, formatClock, formatSeconds, intervalCount, intervalPosition,
  latencySeconds, pauseSpans, ratePerMinute,
} from '../../pwa/js/timers.js';

const T0 = Date.parse('2026-11-22T14:00:00Z');

test('active time is wall-clock time less pauses, even after a long sleep', () => {
  assert.equal(activeMs(T0, [], T0 + 90_000), 90_000);
  const pauses = [{ from: T0 + 10_000, to: T0 + 40_000 }, { from: T0 + 60_000, to: null }];
  assert.equal(activeMs(T0, pauses, T0 + 70_000), 10_000 + 20_000);
  // The tab slept for an hour and wakes: one reading is right, no ticks needed.
  assert.equal(activeMs(T0, [], T0 + 3_600_000), 3_600_000);
  assert.equal(activeMs(T0, [], T0 - 5), 0);
});

test('pause spans come from pause/resume events; stray ones are ignored', () => {
  const spans = pauseSpans([
    { kind: 'resume', ms: 1 },
    { kind: 'pause', ms: 10 },
    { kind: 'pause', ms: 12 },
    { kind: 'resume', ms: 20 },
    { kind: 'pause', ms: 30 },
  ]);
  assert.deepEqual(spans, [{ from: 10, to: 20 }, { from: 30, to: null }]);
});

test('rate per minute', () => {
  assert.equal(ratePerMinute(30, 10 * 60_000), 3);
  assert.equal(ratePerMinute(3, 0), null);
});

test('clock and seconds formatting', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(65_999), '1:05');
  assert.equal(formatClock(3_723_000), '1:02:03');
  assert.equal(formatSeconds(4.25), '4.3 s');
  assert.equal(formatSeconds(75), '1:15');
});

test('interval position is derived from the run start, so a skipped tick changes nothing', () => {
  assert.deepEqual(intervalPosition(T0, 10, 6, T0 + 25_000), {
    index: 2, done: false, msIntoInterval: 5_000, msToBoundary: 5_000, lengthMs: 10_000,
  });
  assert.equal(intervalPosition(T0, 10, 6, T0 + 10_000).index, 1, 'a boundary starts the next interval');
  const over = intervalPosition(T0, 10, 6, T0 + 600_000);
  assert.equal(over.index, 6);
  assert.equal(over.done, true);
  assert.equal(intervalPosition(T0, 10, 6, T0 - 1_000).index, 0);
});

test('interval count from observation minutes', () => {
  assert.equal(intervalCount(10, 5), 30);
  assert.equal(intervalCount(7, 1), 8);
  assert.equal(intervalCount(600, 1), 1);
});

test('latency seconds', () => {
  assert.equal(latencySeconds(T0, T0 + 4_321), 4.321);
  assert.equal(latencySeconds(T0, T0 - 10), 0);
});

test('duration episodes: several at once, open ones counted up to now', () => {
  const ev = (kind, ms, episode) => ({ kind, ms: T0 + ms, data: { episode } });
  const result = durationEpisodes(
    [ev('duration_start', 0, 'a'), ev('duration_start', 1_000, 'b'), ev('duration_stop', 5_000, 'a'), ev('duration_stop', 9_000, 'zzz')],
    T0 + 11_000,
  );
  assert.deepEqual(result.closed, [{ episode: 'a', startMs: T0, stopMs: T0 + 5_000 }]);
  assert.deepEqual(result.open, [{ episode: 'b', startMs: T0 + 1_000 }]);
  assert.equal(result.totalMs, 5_000 + 10_000);
});
