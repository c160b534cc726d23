// Phase changes and incident reports in the outbox: stored offline, sent in the `phases` and
// `incidents` lists of POST /sync, acknowledged like events, kept when refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../pwa/js/db.js';
import { Outbox } from '../../pwa/js/outbox.js';
import { SyncEngine, toBatch } from '../../pwa/js/sync.js';
import { freshOutbox, manualClock, uuid } from './helpers.js';

const phase = (id = uuid()) => ({ id, target_id: 't1', kind: 'intervention', label: 'FCT + extinction', start_date: '2026-11-22' });
const incident = (id = uuid()) => ({
  id,
  client_id: 'c1',
  occurred_at: '2026-11-22T14:03:00.000Z',
  duration_minutes: 4,
  type: 'elopement',
  antecedents: 'Transition',
  deescalation: ['Offered a break'],
  injuries: '',
  notified: ['BCBA'],
  description: 'Left the room.',
});
const session = (id = uuid()) => ({ id, client_id: 'c1', started_at: '2026-11-22T14:00:00.000Z', ended_at: null });
const event = (sessionId, id = uuid()) => ({ id, session_id: sessionId, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:01.000Z', data: {} });

test('phase and incident records are pending as soon as addItem resolves', async () => {
  const { outbox } = await freshOutbox();
  const p = await outbox.addItem('phase', phase());
  const i = await outbox.addItem('incident', incident());
  assert.equal(p.type, 'phase');
  assert.equal(i.state, 'pending');
  assert.equal(i.session_id, undefined, 'not part of any session');
  assert.deepEqual(await outbox.counts(), { pending: 2, rejected: 0 });
  assert.deepEqual((await outbox.items('incident')).map((r) => r.id), [i.id]);
  assert.deepEqual((await outbox.items('phase')).map((r) => r.body), [p.body]);
  assert.equal(await outbox.pendingOfAnyone(), 2, 'signing out warns about them too');
});

test('an unknown item type is refused, and an id is never stored twice', async () => {
  const { outbox } = await freshOutbox();
  await assert.rejects(outbox.addItem('session', session()), /Unknown outbox item type/);
  const body = incident();
  await outbox.addItem('incident', body);
  await assert.rejects(outbox.addItem('incident', body));
  assert.equal((await outbox.counts()).pending, 1);
});

test('phase and incident records survive closing and reopening the database (a reload)', async () => {
  const { db, outbox } = await freshOutbox();
  const p = await outbox.addItem('phase', phase());
  const i = await outbox.addItem('incident', incident());
  const name = db.idb.name;
  db.close();
  const reopened = new Outbox(await Db.open(name), 'user-1');
  assert.deepEqual((await reopened.nextBatch(10)).map((r) => r.id), [p.id, i.id]);
  assert.deepEqual((await reopened.items('incident'))[0].body, i.body);
});

test('they are batched in recording order with sessions and events, each in its own list', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession(s);
  const e = await outbox.addEvent(event(s.id));
  const p = await outbox.addItem('phase', phase());
  const i = await outbox.addItem('incident', incident());
  const records = await outbox.nextBatch(10);
  assert.deepEqual(records.map((r) => r.id), [s.id, e.id, p.id, i.id]);
  assert.deepEqual(toBatch(records), {
    sessions: [s],
    events: [e.body],
    phases: [p.body],
    incidents: [i.body],
  });
  // Without them the body is exactly what it was before: {sessions, events}.
  assert.deepEqual(Object.keys(toBatch(records.slice(0, 2))), ['sessions', 'events']);
});

test('accepted ids are marked sent, refused ones kept with the reason, unanswered ones stay pending', async () => {
  const { outbox } = await freshOutbox();
  const [a, b, c] = [
    await outbox.addItem('phase', phase()),
    await outbox.addItem('incident', incident()),
    await outbox.addItem('incident', incident()),
  ];
  const batch = await outbox.nextBatch(10);
  const result = await outbox.acknowledge(batch, [a.id], [{ id: b.id, reason: 'client is not on your caseload' }]);
  assert.deepEqual(result, { sent: 1, rejected: 1, deferred: [] });
  assert.deepEqual((await outbox.nextBatch(10)).map((r) => r.id), [c.id]);
  const [refused] = await outbox.rejectedRecords();
  assert.equal(refused.id, b.id);
  assert.equal(refused.reason, 'client is not on your caseload');
  assert.deepEqual(refused.body, b.body, 'the report is kept whole');
  await outbox.retry([b.id]);
  assert.deepEqual((await outbox.nextBatch(10)).map((r) => r.id), [b.id, c.id]);
});

test('pruneSentItems drops only phase changes and reports the server holds', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession({ ...s, ended_at: '2026-11-22T15:00:00.000Z' });
  const p = await outbox.addItem('phase', phase());
  const i = await outbox.addItem('incident', incident());
  const waiting = await outbox.addItem('incident', incident());
  await outbox.acknowledge(await outbox.nextBatch(3), [s.id, p.id, i.id], []);
  assert.equal(await outbox.pruneSentItems(), 2);
  assert.deepEqual((await outbox.items('incident')).map((r) => r.id), [waiting.id]);
  assert.deepEqual(await outbox.items('phase'), []);
  assert.equal((await outbox.sessionRecords(s.id)).length, 1, 'sessions are pruned their own way');
});

test("each user's items are their own", async () => {
  const { db, outbox } = await freshOutbox('alice');
  const bob = new Outbox(db, 'bob');
  await outbox.addItem('incident', incident());
  await bob.addItem('phase', phase());
  assert.equal((await outbox.items('incident')).length, 1);
  assert.equal((await outbox.items('phase')).length, 0);
  assert.equal((await bob.nextBatch(10))[0].type, 'phase');
});

test('the sync engine sends them, and a refused report stays on the device', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession(s);
  await outbox.addEvent(event(s.id));
  const p = await outbox.addItem('phase', phase());
  const good = await outbox.addItem('incident', incident());
  const bad = await outbox.addItem('incident', incident());
  const held = new Map();
  const calls = [];
  const send = async (batch) => {
    calls.push(batch);
    const accepted = [];
    const rejected = [];
    for (const item of [...batch.sessions, ...batch.events, ...(batch.phases ?? []), ...(batch.incidents ?? [])]) {
      if (item.id === bad.id) rejected.push({ id: item.id, reason: 'type: Must be one of: restraint, ...' });
      else {
        held.set(item.id, (held.get(item.id) ?? 0) + 1);
        accepted.push(item.id);
      }
    }
    return { accepted, rejected };
  };
  const clock = manualClock();
  const engine = new SyncEngine({ outbox, send, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, random: () => 0.5 });
  await engine.start();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].phases, [p.body]);
  assert.deepEqual(calls[0].incidents.map((x) => x.id), [good.id, bad.id]);
  assert.equal(held.get(p.id), 1);
  assert.equal(held.get(good.id), 1);
  assert.deepEqual(engine.status().pending, 0);
  assert.deepEqual(engine.status().rejected, 1);
  assert.deepEqual((await outbox.rejectedRecords()).map((r) => r.id), [bad.id]);
  // Nothing pending: a second run sends nothing again.
  await engine.syncNow();
  assert.equal(calls.length, 1);
});
