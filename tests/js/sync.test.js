import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYNC_STATE, SyncEngine, describeSync, toBatch } from '../../pwa/js/sync.js';
import { freshOutbox, manualClock, settle, uuid } from './helpers.js';

const httpError = (status) => Object.assign(new Error(`HTTP ${status}`), { status });

/** A fake server: holds what it accepted; `fail` makes the next calls throw. */
function fakeServer() {
  const server = {
    held: new Map(),
    calls: [],
    fail: [],
    rejectIds: new Map(),
    async send(batch) {
      server.calls.push(batch);
      const failure = server.fail.shift();
      if (failure !== undefined) throw httpError(failure);
      const accepted = [];
      const rejected = [];
      for (const item of [...batch.sessions, ...batch.events]) {
        const refusal = server.rejectIds.get(item.id);
        if (refusal) rejected.push({ id: item.id, ...(typeof refusal === 'string' ? { reason: refusal } : refusal) });
        else {
          server.held.set(item.id, item);
          accepted.push(item.id);
        }
      }
      return { accepted, rejected };
    },
  };
  return server;
}

async function setup({ events = 3, ...opts } = {}) {
  const { outbox } = await freshOutbox();
  const session = { id: uuid(), client_id: 'c1', started_at: '2026-11-22T14:00:00.000Z', ended_at: null };
  await outbox.putSession(session);
  const ids = [session.id];
  for (let i = 0; i < events; i += 1) {
    const e = await outbox.addEvent({ id: uuid(), session_id: session.id, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:01.000Z', data: {} });
    ids.push(e.id);
  }
  const clock = manualClock();
  const server = fakeServer();
  const statuses = [];
  const engine = new SyncEngine({
    outbox, send: server.send, onStatus: (s) => statuses.push(s), random: () => 0.5,
    now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, ...opts,
  });
  return { outbox, session, ids, clock, server, engine, statuses };
}

test('start drains the outbox in batches and records the last success', async () => {
  const { outbox, ids, server, engine, clock } = await setup({ events: 7, batchSize: 3 });
  await engine.start();
  assert.equal(server.calls.length, 3);
  assert.deepEqual([...server.held.keys()].sort(), [...ids].sort());
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 0 });
  assert.equal(engine.status().state, SYNC_STATE.idle);
  assert.equal(engine.status().lastSuccessAt, clock.now());
  assert.deepEqual(clock.pendingTimers(), [], 'nothing pending: no polling');
});

test('the pending session travels with its events in the first batch', async () => {
  const { server, engine, session } = await setup({ events: 2 });
  await engine.start();
  assert.deepEqual(server.calls[0].sessions.map((s) => s.id), [session.id]);
  assert.equal(server.calls[0].events.length, 2);
});

test('a network failure keeps everything and retries with growing backoff', async () => {
  const { outbox, server, engine, clock } = await setup({ isOnline: () => false });
  server.fail.push(0, 0, 0);
  await engine.start();
  assert.equal(engine.status().state, SYNC_STATE.offline);
  assert.equal((await outbox.counts()).pending, 4);
  assert.deepEqual(clock.pendingTimers(), [2000]);
  await clock.advance(2000);
  assert.deepEqual(clock.pendingTimers(), [4000]);
  await clock.advance(4000);
  assert.deepEqual(clock.pendingTimers(), [8000]);
  await clock.advance(8000);
  await settle();
  assert.equal(engine.status().state, SYNC_STATE.idle);
  assert.equal((await outbox.counts()).pending, 0);
  assert.equal(server.calls.length, 4);
});

test('backoff is capped', async () => {
  const { server, engine, clock } = await setup({ backoffMaxMs: 5000 });
  server.fail.push(503, 503, 503, 503, 503);
  await engine.start();
  for (const expected of [2000, 4000, 5000, 5000]) {
    assert.deepEqual(clock.pendingTimers(), [expected]);
    await clock.advance(expected);
  }
  assert.equal(engine.status().state, SYNC_STATE.error);
});

test('coming back online (syncNow) skips the backoff wait', async () => {
  const { outbox, server, engine } = await setup({ isOnline: () => false });
  server.fail.push(0);
  await engine.start();
  assert.equal(engine.status().state, SYNC_STATE.offline);
  await engine.syncNow();
  assert.equal((await outbox.counts()).pending, 0);
});

test('401 keeps the outbox and waits for sign-in; then it drains', async () => {
  const { outbox, server, engine, clock } = await setup();
  server.fail.push(401);
  await engine.start();
  assert.equal(engine.status().state, SYNC_STATE.auth);
  assert.deepEqual(clock.pendingTimers(), [], 'no retries against an expired login');
  engine.poke();
  await engine.syncNow();
  assert.equal(server.calls.length, 1);
  assert.equal((await outbox.counts()).pending, 4);
  await engine.resumeAfterSignIn();
  assert.equal((await outbox.counts()).pending, 0);
});

test('rejected ids are kept as needing attention, the rest lands', async () => {
  const { outbox, ids, server, engine } = await setup();
  server.rejectIds.set(ids[2], 'measurement mismatch');
  await engine.start();
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 1 });
  assert.equal(engine.status().rejected, 1);
  const [kept] = await outbox.rejectedRecords();
  assert.equal(kept.id, ids[2]);
  assert.equal(kept.reason, 'measurement mismatch');
});

test('an answer that settles nothing is treated as a failure, not a loop', async () => {
  const { outbox, engine, clock } = await setup({ send: async () => ({ accepted: [], rejected: [] }) });
  await engine.start();
  assert.equal(engine.status().state, SYNC_STATE.error);
  assert.equal((await outbox.counts()).pending, 4);
  assert.deepEqual(clock.pendingTimers(), [2000]);
});

test('a lost answer is safe: the batch is re-sent and the server keeps one copy', async () => {
  const { outbox, ids, server, engine } = await setup();
  let first = true;
  engine.send = async (batch) => {
    const answer = await server.send(batch);
    if (first) {
      first = false;
      throw httpError(0); // the server stored it but the answer never arrived
    }
    return answer;
  };
  await engine.start();
  await engine.syncNow();
  assert.equal(server.calls.length, 2);
  assert.equal(server.held.size, ids.length);
  assert.equal((await outbox.counts()).pending, 0);
});

test('poke batches a burst of taps into one request and polls while pending', async () => {
  const { outbox, server, engine, clock, session } = await setup({ events: 0 });
  await engine.start();
  assert.equal(server.calls.length, 1);
  for (let i = 0; i < 5; i += 1) {
    await outbox.addEvent({ id: uuid(), session_id: session.id, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:02.000Z', data: {} });
    engine.poke();
  }
  assert.equal(engine.status().pending, 5);
  await clock.advance(1000);
  await settle();
  assert.equal(server.calls.length, 2);
  assert.equal(server.calls[1].events.length, 5);
  assert.equal(engine.status().pending, 0);
});

test('a long burst of taps is sent after at most maxWaitMs, not only when it stops', async () => {
  const { outbox, server, engine, clock, session } = await setup({ events: 0 });
  await engine.start();
  for (let i = 0; i < 30; i += 1) {
    await outbox.addEvent({ id: uuid(), session_id: session.id, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:02.000Z', data: {} });
    engine.poke();
    await clock.advance(200); // a tap every 200 ms keeps pushing the debounce back
  }
  await settle();
  assert.ok(server.calls.length >= 2, 'sent during the burst');
  assert.ok(server.calls[1].events.length >= 20 && server.calls[1].events.length <= 26);
});

test('413 halves the batch size', async () => {
  const { outbox, server, engine, clock } = await setup({ events: 4, batchSize: 4 });
  server.fail.push(413);
  await engine.start();
  assert.equal(engine.batchSize, 2);
  await clock.advance(2000);
  await settle();
  assert.equal((await outbox.counts()).pending, 0);
});

test('toBatch splits sessions and events', () => {
  const batch = toBatch([
    { type: 'session', body: { id: 's' } },
    { type: 'event', body: { id: 'e' } },
  ]);
  assert.deepEqual(batch, { sessions: [{ id: 's' }], events: [{ id: 'e' }] });
});

test('a network failure while the device is online is "server unreachable", with its start time', async () => {
  const { server, engine, clock } = await setup({ isOnline: () => true });
  server.fail.push(0, 502);
  await engine.start();
  assert.equal(engine.status().state, SYNC_STATE.unreachable);
  const since = engine.status().errorSince;
  assert.equal(since, clock.now());
  await clock.advance(2000);
  assert.equal(engine.status().state, SYNC_STATE.error);
  assert.equal(engine.status().errorSince, since, 'the failure run keeps its first time');
  await clock.advance(4000);
  await settle();
  assert.equal(engine.status().state, SYNC_STATE.idle);
  assert.equal(engine.status().errorSince, null);
});

test("Retry-After is honoured: no request before it, not even on Sync now", async () => {
  const { outbox, server, engine, clock } = await setup();
  engine.send = async (batch) => {
    if (server.calls.length === 0) {
      server.calls.push(batch);
      throw Object.assign(new Error('HTTP 503'), { status: 503, retryAfterMs: 120000 });
    }
    return server.send(batch);
  };
  await engine.start();
  assert.deepEqual(clock.pendingTimers(), [120000], 'waits the server\'s 120 s, not the 2 s backoff');
  await engine.syncNow();
  assert.equal(server.calls.length, 1, 'Sync now within the window sends nothing');
  await clock.advance(119000);
  assert.equal(server.calls.length, 1);
  await clock.advance(1000);
  await settle();
  assert.equal(server.calls.length, 2);
  assert.equal((await outbox.counts()).pending, 0);
});

test('refused for now (retry true) stays pending and is sent again; needs-a-person leaves the queue', async () => {
  const { outbox, ids, server, engine, clock } = await setup({ events: 4 });
  server.rejectIds.set(ids[1], { reason: 'waiting for its target', code: 'pending', retry: true });
  server.rejectIds.set(ids[2], { reason: 'kind must be a string', code: 'invalid', retry: false });
  server.rejectIds.set(ids[3], { reason: 'id already held with other content', code: 'conflict', retry: false });
  server.rejectIds.set(ids[4], { reason: 'refused by an older server' }); // no retry: a person
  await engine.start();
  assert.deepEqual(await outbox.counts(), { pending: 1, rejected: 3 });
  const refused = Object.fromEntries((await outbox.rejectedRecords()).map((r) => [r.id, r.code]));
  assert.deepEqual(refused, { [ids[2]]: 'invalid', [ids[3]]: 'conflict', [ids[4]]: 'invalid' });
  assert.equal(engine.status().state, SYNC_STATE.idle, 'refused-for-now is not a failure');
  assert.equal(server.calls.length, 1, 'not re-sent in the same run');
  server.rejectIds.delete(ids[1]);
  await clock.advance(5000);
  await settle();
  assert.equal(server.calls.length, 2);
  assert.deepEqual(server.calls[1].events.map((e) => e.id), [ids[1]]);
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 3 });
});

test('a session refused for now is sent again later, still before its events', async () => {
  const { ids, server, engine, clock, session } = await setup({ events: 2, batchSize: 2 });
  const notYet = { reason: 'waiting', code: 'pending', retry: true };
  for (const id of ids) server.rejectIds.set(id, notYet); // its events wait for it at the server
  await engine.start();
  assert.equal(server.calls.length, 2, 'each entry sent once in its turn, none re-sent in the run');
  assert.deepEqual(server.calls.map((c) => [...c.sessions, ...c.events].map((x) => x.id)), [ids.slice(0, 2), ids.slice(2)]);
  server.rejectIds.clear();
  await clock.advance(5000);
  await settle();
  assert.deepEqual(server.calls[2].sessions.map((s) => s.id), [session.id]);
  assert.equal(server.held.size, 3);
});

test('events of a session refused for good need a person too, and all come back with one call', async () => {
  const { outbox, ids, engine, server, session } = await setup({ events: 2 });
  server.rejectIds.set(session.id, { reason: 'client not on your caseload', code: 'forbidden', retry: false });
  server.rejectIds.set(ids[1], { reason: 'session not arrived', code: 'pending', retry: true });
  server.rejectIds.set(ids[2], { reason: 'session not arrived', code: 'pending', retry: true });
  await engine.start();
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 3 });
  const reasons = (await outbox.rejectedRecords()).map((r) => r.reason);
  assert.ok(reasons.slice(1).every((r) => r === 'Its session was refused: client not on your caseload'));
  server.rejectIds.clear();
  assert.equal(await outbox.retry(), 3, 'every entry needing attention is queued again at once');
  await engine.syncNow();
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 0 });
  assert.equal(server.calls.at(-1).sessions[0].id, session.id, 'the session still goes first');
});

test('signedOut (a 401 elsewhere) stops sending; taps only update the count', async () => {
  const { server, engine, outbox, session, statuses } = await setup({ events: 0 });
  await engine.start();
  engine.signedOut();
  await outbox.addEvent({ id: uuid(), session_id: session.id, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:02.000Z', data: {} });
  engine.poke();
  await engine.syncNow();
  assert.equal(server.calls.length, 1);
  assert.equal(statuses.at(-1).state, SYNC_STATE.auth);
  assert.equal(statuses.at(-1).pending, 1);
});

test('the badge tells the truth at a glance', () => {
  const base = { state: 'idle', pending: 0, rejected: 0, lastSuccessAt: 1000, errorSince: null };
  const at = { now: 1000, timeOf: () => '14:05' };
  const say = (s, o = {}) => describeSync({ ...base, ...s }, { ...at, ...o });
  assert.deepEqual(say({}), { text: 'All sent', detail: 'synced just now', tone: 'ok' });
  assert.deepEqual(say({ rejected: 501 }), { text: '501 need attention', detail: 'synced just now', tone: 'warn' });
  assert.deepEqual(say({ state: 'auth', pending: 12 }), { text: 'Signed out · 12 waiting', detail: 'synced just now', tone: 'warn' });
  assert.equal(say({ pending: 3 }, { online: false }).text, 'Offline · 3 waiting');
  assert.equal(say({ rejected: 2 }, { online: false }).text, 'Offline');
  assert.equal(say({ rejected: 2 }, { online: false }).detail, '2 need attention');
  assert.equal(say({ state: 'unreachable', pending: 4 }).text, 'Server unreachable · 4 waiting');
  assert.equal(say({ state: 'error', pending: 4, errorSince: 5 }).text, 'Server error since 14:05 · 4 waiting');
  assert.equal(say({ pending: 4 }).text, 'Waiting · 4');
  for (const state of ['idle', 'syncing', 'offline', 'unreachable', 'error', 'auth']) {
    const { text, detail, tone } = say({ state, rejected: 1 });
    assert.ok(!/all sent/i.test(text + detail), `${state}: never "all sent" with an entry needing attention`);
    assert.equal(tone, 'warn');
  }
});
