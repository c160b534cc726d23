import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../pwa/js/db.js';
import { Outbox } from '../../pwa/js/outbox.js';
import { freshOutbox, uuid } from './helpers.js';

const session = (id = uuid()) => ({ id, client_id: 'c1', started_at: '2026-11-22T14:00:00.000Z', ended_at: null });
/** A session on the device, for events to belong to. */
async function withSession(outbox, fields = {}) {
  const s = { ...session(), ...fields };
  await outbox.putSession(s);
  return s;
}
const event = (sessionId, id = uuid()) => ({
  id, session_id: sessionId, target_id: 't1', kind: 'count', t: '2026-11-22T14:00:01.000Z', data: {},
});

test('an event is readable as soon as addEvent resolves', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession(s);
  const e = event(s.id);
  await outbox.addEvent(e);
  const records = await outbox.sessionRecords(s.id);
  assert.deepEqual(records.map((r) => r.id), [s.id, e.id]);
  assert.deepEqual(await outbox.counts(), { pending: 2, rejected: 0 });
});

test('the same event id is never stored twice', async () => {
  const { outbox } = await freshOutbox();
  const e = event((await withSession(outbox)).id);
  await outbox.addEvent(e);
  await assert.rejects(outbox.addEvent(e));
  assert.equal((await outbox.counts()).pending, 2);
});

test('nextBatch sends the oldest first, up to the limit, each session before its events', async () => {
  const { outbox } = await freshOutbox();
  const s1 = session();
  await outbox.putSession(s1);
  const early = [await outbox.addEvent(event(s1.id)), await outbox.addEvent(event(s1.id))];
  const s2 = session();
  await outbox.putSession(s2);
  const late = await outbox.addEvent(event(s2.id));
  // Ending s1 changes its record but keeps its place ahead of its events.
  await outbox.putSession({ ...s1, ended_at: '2026-11-22T15:00:00.000Z' });
  assert.deepEqual((await outbox.nextBatch(3)).map((r) => r.id), [s1.id, early[0].id, early[1].id]);
  assert.deepEqual((await outbox.nextBatch(10)).map((r) => r.id), [s1.id, ...early.map((r) => r.id), s2.id, late.id]);
});

test('only accepted ids are marked sent; unanswered ones stay pending; rejected are kept', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession(s);
  const [a, b, c] = [await outbox.addEvent(event(s.id)), await outbox.addEvent(event(s.id)), await outbox.addEvent(event(s.id))];
  const batch = await outbox.nextBatch(10);
  const result = await outbox.acknowledge(batch, [s.id, a.id], [{ id: b.id, reason: 'unknown target' }]);
  assert.deepEqual(result, { sent: 2, rejected: 1, deferred: [] });
  assert.deepEqual((await outbox.nextBatch(10)).map((r) => r.id), [c.id]);
  const rejected = await outbox.rejectedRecords();
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].reason, 'unknown target');
  assert.deepEqual(await outbox.counts(), { pending: 1, rejected: 1 });
});

test('a session changed while its older copy was in flight is sent again', async () => {
  const { outbox } = await freshOutbox();
  const s = session();
  await outbox.putSession(s);
  const inFlight = await outbox.nextBatch(10);
  await outbox.putSession({ ...s, ended_at: '2026-11-22T15:00:00.000Z' });
  await outbox.acknowledge(inFlight, [s.id], []);
  const again = await outbox.nextBatch(10);
  assert.equal(again.length, 1);
  assert.equal(again[0].body.ended_at, '2026-11-22T15:00:00.000Z');
});

test('a rejected entry can be queued again', async () => {
  const { outbox } = await freshOutbox();
  const s = await withSession(outbox);
  const e = await outbox.addEvent(event(s.id));
  await outbox.acknowledge([e], [], [{ id: e.id, reason: 'no session' }]);
  await outbox.retry([e.id]);
  assert.deepEqual(await outbox.counts(), { pending: 2, rejected: 0 });
});

test("each user's outbox is their own; pendingOfAnyone sees all", async () => {
  const { db, outbox } = await freshOutbox('alice');
  const bob = new Outbox(db, 'bob');
  await outbox.addEvent(event((await withSession(outbox)).id));
  await bob.addEvent(event((await withSession(bob)).id));
  assert.equal((await outbox.nextBatch(10)).length, 2);
  assert.equal((await bob.nextBatch(10))[1].owner, 'bob');
  assert.equal(await outbox.pendingOfAnyone(), 4);
});

test('a finished session is pruned only once the server holds all of it', async () => {
  const { outbox } = await freshOutbox();
  const s = await withSession(outbox);
  const e = await outbox.addEvent(event(s.id));
  await outbox.endSession(s.id, '2026-11-22T15:00:00.000Z');
  let batch = await outbox.nextBatch(10);
  await outbox.acknowledge(batch, [s.id], []);
  assert.equal(await outbox.pruneIfSynced(s.id), false);
  batch = await outbox.nextBatch(10);
  await outbox.acknowledge(batch, [e.id], []);
  assert.equal(await outbox.pruneIfSynced(s.id), true);
  assert.deepEqual(await outbox.sessionRecords(s.id), []);
});

test('the outbox survives closing and reopening the database (a reload)', async () => {
  const { db, outbox } = await freshOutbox();
  const s = await withSession(outbox);
  const e = await outbox.addEvent(event(s.id));
  const name = db.idb.name;
  db.close();
  const reopened = new Outbox(await Db.open(name), 'user-1');
  assert.deepEqual((await reopened.nextBatch(10)).map((r) => r.id), [s.id, e.id]);
});
