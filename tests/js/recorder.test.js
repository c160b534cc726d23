import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder } from '../../pwa/js/recorder.js';
import { fidelityScore, liveEvents, summarize } from '../../pwa/js/tally.js';
import { freshOutbox, manualClock, uuid } from './helpers.js';

const stored = async (outbox, id) => (await outbox.sessionRecords(id)).find((r) => r.type === 'session');

async function begin(fields = {}) {
  const { outbox } = await freshOutbox();
  const clock = manualClock();
  const rec = await Recorder.begin(
    outbox,
    { client_id: 'c1', setting: 'Clinic', device_id: 'd1', target_ids: ['t1'], ...fields },
    { now: clock.now, monotonic: clock.now, uuid },
  );
  return { outbox, clock, rec };
}

test('begin writes the session to the outbox with only API fields', async () => {
  const { outbox, rec } = await begin({ bogus: 1 });
  const record = await stored(outbox, rec.id);
  assert.deepEqual(Object.keys(record.body).sort(), [
    'client_id', 'device_id', 'ended_at', 'id', 'kind', 'plan_id', 'role', 'setting', 'staff_id', 'started_at', 'target_ids',
  ]);
  assert.equal(record.body.started_at, '2026-11-22T14:00:00.000Z');
  assert.equal(record.body.role, 'primary');
});

test('each record is in the outbox when it resolves; listeners see it after the write', async () => {
  const { outbox, rec } = await begin();
  const seen = [];
  rec.subscribe(async (e) => seen.push((await outbox.sessionRecords(rec.id)).some((r) => r.id === e.id)));
  const e = await rec.record('t1', 'count');
  assert.equal(e.t, '2026-11-22T14:00:00.000Z');
  assert.equal((await outbox.sessionRecords(rec.id)).length, 2);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, [true]);
});

test('undo voids the latest live entry, then the one before it', async () => {
  const { clock, rec } = await begin();
  const a = await rec.record('t1', 'count');
  clock.advance(1000);
  const b = await rec.record('t1', 'count');
  assert.equal((await rec.undo()).id, b.id);
  assert.equal((await rec.undo()).id, a.id);
  assert.equal(await rec.undo(), undefined);
  assert.deepEqual(liveEvents(rec.events), []);
  assert.deepEqual(rec.events.filter((e) => e.kind === 'void').map((e) => e.data.voids), [b.id, a.id]);
});

test('pause and resume stop the observation clock', async () => {
  const { clock, rec } = await begin();
  await clock.advance(60_000);
  await rec.pause();
  assert.equal(rec.paused, true);
  await clock.advance(30_000);
  await rec.resume();
  await clock.advance(30_000);
  assert.equal(rec.activeMs(), 90_000);
  assert.equal(await rec.undo(), undefined, 'undo skips pauses');
});

test('reload: load rebuilds the session from the outbox', async () => {
  const { outbox, rec } = await begin();
  await rec.record('t1', 'count');
  await rec.record('t1', 'count');
  const again = await Recorder.load(outbox, rec.id);
  assert.equal(again.events.length, 2);
  assert.equal(again.session.client_id, 'c1');
  assert.equal(await Recorder.load(outbox, 'nope'), undefined);
});

test('end closes open duration bouts and re-queues the session with ended_at', async () => {
  const { outbox, clock, rec } = await begin();
  await rec.record('t1', 'duration_start', { episode: 'ep1' });
  await clock.advance(5_000);
  await rec.end();
  const stop = rec.events.at(-1);
  assert.equal(stop.kind, 'duration_stop');
  assert.equal(stop.data.episode, 'ep1');
  const record = await stored(outbox, rec.id);
  assert.equal(record.body.ended_at, '2026-11-22T14:00:05.000Z');
  assert.equal(record.state, 'pending');
  assert.equal(record.rev, 2);
  await assert.rejects(rec.record('t1', 'count'));
});

test('summaries per measurement', async () => {
  const { clock, rec } = await begin();
  const ctx = () => ({ activeMs: rec.activeMs(), nowMs: clock.now() });
  for (let i = 0; i < 3; i += 1) await rec.record('f', 'count');
  await clock.advance(60_000);
  assert.deepEqual(summarize({ measurement: 'frequency' }, liveEvents(rec.eventsOf('f')), ctx()), { count: 3, ratePerMin: 3 });

  await rec.record('i', 'interval', { index: 0, scored: true });
  await rec.record('i', 'interval', { index: 1, scored: false });
  await rec.record('i', 'interval', { index: 2, scored: null });
  await rec.record('i', 'interval', { index: 1, scored: true }); // a correction: the latest wins
  const iv = summarize({ measurement: 'partial_interval' }, liveEvents(rec.eventsOf('i')), ctx());
  assert.equal(iv.percent, 100);
  assert.equal(iv.observed, 2);
  assert.equal(iv.skipped, 1);

  await rec.record('d', 'trial', { result: 'correct', prompt: 'independent' });
  await rec.record('d', 'trial', { result: 'correct', prompt: 'gestural' });
  await rec.record('d', 'trial', { result: 'incorrect', prompt: 'independent' });
  await rec.record('d', 'trial', { result: 'no_response', prompt: 'independent' });
  const dtt = summarize({ measurement: 'dtt' }, liveEvents(rec.eventsOf('d')), ctx());
  assert.equal(dtt.trials, 4);
  assert.equal(dtt.percentCorrect, 50);
  assert.equal(dtt.percentIndependent, 25);

  await rec.record('ta', 'step', { step: 0, result: 'correct', prompt: 'independent' });
  await rec.record('ta', 'step', { step: 1, result: 'correct', prompt: 'model' });
  const ta = summarize({ measurement: 'task_analysis', params: { steps: ['a', 'b', 'c', 'd'] } }, liveEvents(rec.eventsOf('ta')), ctx());
  assert.equal(ta.percentIndependent, 25);
  assert.equal(ta.recorded, 2);

  await rec.record('l', 'latency', { seconds: 2 });
  await rec.record('l', 'latency', { seconds: 4 });
  assert.equal(summarize({ measurement: 'latency' }, liveEvents(rec.eventsOf('l')), ctx()).meanSeconds, 3);
  // a no-response trial enters the live mean at its wait and is counted, as on the server
  await rec.record('l', 'latency', { seconds: 30, no_response: true });
  const lat = summarize({ measurement: 'latency' }, liveEvents(rec.eventsOf('l')), ctx());
  assert.deepEqual([lat.n, lat.meanSeconds, lat.noResponse], [3, 12, 1]);

  await rec.record('r', 'rating', { value: 2 });
  await rec.record('r', 'rating', { value: 4 });
  assert.deepEqual(summarize({ measurement: 'rating' }, liveEvents(rec.eventsOf('r')), ctx()), { n: 2, last: 4, mean: 3 });

  await rec.record('dur', 'duration_start', { episode: 'x' });
  await clock.advance(30_000);
  await rec.record('dur', 'duration_stop', { episode: 'x' });
  const dur = summarize({ measurement: 'duration' }, liveEvents(rec.eventsOf('dur')), ctx());
  assert.equal(dur.totalMs, 30_000);
  assert.equal(dur.episodes, 1);
});

test('fidelity score: latest answer per step and opportunity; n/a left out', () => {
  const f = (step, opportunity, value, ms) => ({ kind: 'fidelity', ms, data: { step, opportunity, value } });
  const score = fidelityScore([f(0, 0, true, 1), f(1, 0, false, 2), f(1, 0, true, 3), f(2, 0, null, 4), f(0, 1, false, 5)]);
  assert.equal(score.scored, 3);
  assert.equal(score.yes, 2);
  assert.ok(Math.abs(score.percent - 66.667) < 0.01);
});
