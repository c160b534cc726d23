// The edges of a session on one device: a wall clock stepped back, a reload, two tabs on one
// session, and a device whose outbox was written by the clock-ordered version 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db, SEQ_KEY, STORES } from '../../pwa/js/db.js';
import { SessionClock } from '../../pwa/js/clock.js';
import { liveChannel } from '../../pwa/js/live.js';
import { Outbox, SessionClosedError } from '../../pwa/js/outbox.js';
import { Recorder } from '../../pwa/js/recorder.js';
import { freshDb, manualClock, uuid } from './helpers.js';

const HOUR = 3600 * 1000;
const FIELDS = { client_id: 'c1', setting: 'Clinic', device_id: 'd1', target_ids: ['t1'] };

/** A wall clock a test can step, and a monotonic clock that only moves forward. */
function clocks(start = Date.parse('2026-11-22T14:00:00Z')) {
  let wall = start;
  let mono = 0;
  return {
    wall: () => wall,
    monotonic: () => mono,
    pass(ms) {
      wall += ms;
      mono += ms;
    },
    step(ms) {
      wall += ms; // the wall clock is set, time does not pass
    },
  };
}

test('the session clock never goes back and follows the wall clock forward', () => {
  const c = clocks();
  const clock = new SessionClock(c.wall(), { wall: c.wall, monotonic: c.monotonic });
  c.pass(1000);
  assert.equal(clock.now(), c.wall());
  c.step(-HOUR);
  c.pass(500);
  const afterStep = clock.now();
  assert.equal(afterStep, Date.parse('2026-11-22T14:00:01.500Z'), 'elapsed time, not the wall');
  c.step(2 * HOUR); // stepped forward (or the device slept with the monotonic clock still)
  assert.equal(clock.now(), c.wall());
  assert.ok(clock.now() >= afterStep);
});

test('a clock stepped back an hour with a reload: sequence, times and the end stay in order', async () => {
  const c = clocks();
  const db = await freshDb();
  const outbox = new Outbox(db, 'u1');
  const opts = { now: c.wall, monotonic: c.monotonic, uuid };
  const first = await Recorder.begin(outbox, FIELDS, opts);
  c.pass(60 * 1000);
  await first.record('t1', 'count');
  first.close();

  c.step(-HOUR); // the tablet's clock is set back; then the page reloads
  c.pass(1000);
  const name = db.idb.name;
  db.close();
  const reopened = new Outbox(await Db.open(name), 'u1');
  const again = await Recorder.load(reopened, first.id, opts);
  c.pass(2000);
  await again.record('t1', 'count');
  c.pass(2000);
  await again.end();

  const batch = await reopened.nextBatch(500);
  assert.deepEqual(batch.map((r) => r.type), ['session', 'event', 'event'], 'the session goes first');
  assert.deepEqual(batch.map((r) => r.seq), [1, 2, 3], 'a counter, not the clock');
  const session = batch[0].body;
  const times = batch.slice(1).map((r) => Date.parse(r.body.t));
  assert.ok(times[0] < times[1], 'the second tap is after the first');
  assert.ok(Date.parse(session.started_at) <= times[0]);
  assert.ok(Date.parse(session.ended_at) >= times[1], 'the end is after every entry');
  assert.ok(Date.parse(session.ended_at) > Date.parse(session.started_at));
});

test('the send order survives a reload and is shared by two connections (tabs)', async () => {
  const db = await freshDb();
  const tabA = new Outbox(db, 'u1');
  const tabB = new Outbox(await Db.open(db.idb.name), 'u1');
  const s = { id: uuid(), client_id: 'c1', started_at: '2026-11-22T14:00:00.000Z', ended_at: null };
  await tabA.putSession(s);
  const ev = () => ({ id: uuid(), session_id: s.id, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:01.000Z', data: {} });
  const seqs = [];
  for (let i = 0; i < 3; i += 1) {
    seqs.push((await tabA.addEvent(ev())).seq, (await tabB.addEvent(ev())).seq);
  }
  assert.deepEqual(seqs, [2, 3, 4, 5, 6, 7]);
  assert.equal((await db.get(STORES.local, SEQ_KEY)).value, 7);
});

test('two tabs on one session show the same entries, undo the session\'s last entry, and stop at its end', async () => {
  const clock = manualClock();
  const db = await freshDb();
  const liveA = liveChannel('bdc-test-live');
  const liveB = liveChannel('bdc-test-live');
  const opts = { now: clock.now, monotonic: clock.now, uuid };
  try {
    const a = await Recorder.begin(new Outbox(db, 'u1'), FIELDS, { ...opts, live: liveA });
    const outboxB = new Outbox(await Db.open(db.idb.name), 'u1');
    const b = await Recorder.load(outboxB, a.id, { ...opts, live: liveB });
    const seenByB = [];
    b.subscribe((e) => seenByB.push(e.id));
    const mine = await b.record('t1', 'count');
    const theirs = await a.record('t1', 'count');
    await delivered(() => seenByB.includes(theirs.id) && a.events.some((e) => e.id === mine.id));
    assert.deepEqual(b.events.map((e) => e.id), [mine.id, theirs.id]);

    const undone = await b.undo();
    assert.equal(undone.id, theirs.id, 'undo in B cancels the session\'s last entry, made in A');
    await delivered(() => a.events.some((e) => e.kind === 'void'));

    let endedInB = null;
    b.onEndedElsewhere((session) => { endedInB = session; });
    await clock.advance(5000);
    await a.end();
    await delivered(() => endedInB);
    assert.equal(endedInB.ended_at, a.session.ended_at);
    await assert.rejects(b.record('t1', 'count'), /ended/);
    a.close();
    b.close();
  } finally {
    liveA.close();
    liveB.close();
  }
});

test('a tab that missed the end still cannot add to the session, and learns it ended', async () => {
  const clock = manualClock();
  const db = await freshDb();
  const opts = { now: clock.now, monotonic: clock.now, uuid };
  const a = await Recorder.begin(new Outbox(db, 'u1'), FIELDS, opts);
  const outboxB = new Outbox(await Db.open(db.idb.name), 'u1');
  const b = await Recorder.load(outboxB, a.id, opts); // no channel: every message is missed
  let told = false;
  b.onEndedElsewhere(() => { told = true; });
  await a.end();
  await assert.rejects(b.record('t1', 'count'), SessionClosedError);
  assert.ok(told && b.ended);
  await b.end(); // ending again keeps the first end
  const stored = (await outboxB.sessionRecords(a.id)).filter((r) => r.type === 'event');
  assert.deepEqual(stored, [], 'nothing was stored after the end');
  assert.equal((await outboxB.sessionRecords(a.id))[0].body.ended_at, a.session.ended_at);
});

test('version 1 outboxes are renumbered on upgrade: clock order, but each session before its events', async () => {
  const name = `bdc-v1-${process.pid}`;
  await new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      const outbox = open.result.createObjectStore('outbox', { keyPath: 'id' });
      outbox.createIndex('owner_state_seq', ['owner', 'state', 'seq']);
      outbox.createIndex('session', 'session_id');
      outbox.createIndex('state', 'state');
      open.result.createObjectStore('cache', { keyPath: 'key' });
      open.result.createObjectStore('local', { keyPath: 'key' });
    };
    open.onsuccess = () => {
      const tx = open.result.transaction('outbox', 'readwrite');
      const put = (id, type, sessionId, seq) =>
        tx.objectStore('outbox').put({ id, type, owner: 'u1', session_id: sessionId, body: { id }, state: 'pending', seq, rev: 1 });
      // Version 1 numbered by Date.now(): a clock stepped back put these events before their session.
      put('e1', 'event', 's1', 1_700_000_000_000_000);
      put('e2', 'event', 's1', 1_700_000_000_001_000);
      put('s1', 'session', 's1', 1_700_000_003_600_000);
      put('p1', 'phase', undefined, 1_700_000_000_000_500);
      tx.oncomplete = () => {
        open.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
  const db = await Db.open(name);
  const outbox = new Outbox(db, 'u1');
  const batch = await outbox.nextBatch(10);
  assert.deepEqual(batch.map((r) => [r.id, r.seq]), [['p1', 1], ['s1', 2], ['e1', 3], ['e2', 4]]);
  const next = await outbox.addItem('phase', { id: 'p2' });
  assert.equal(next.seq, 5, 'the counter carries on after the renumbered entries');
});

/** Wait for BroadcastChannel messages (delivered as tasks) until `ready()` holds. */
async function delivered(ready) {
  for (let i = 0; i < 200 && !ready(); i += 1) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ready(), 'the other tab heard it');
}
