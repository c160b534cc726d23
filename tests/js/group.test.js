import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupRecorder, beginGroup } from '../../pwa/js/group.js';
import { freshOutbox, manualClock, uuid } from './helpers.js';

const members = (n) =>
  Array.from({ length: n }, (_, i) => ({ client: { id: `c${i}` }, targets: [{ id: `t${i}a` }, { id: `t${i}b` }] }));

async function begin(n = 3) {
  const { outbox } = await freshOutbox();
  const clock = manualClock();
  const group = await beginGroup(outbox, members(n), { setting: 'clinic', device_id: 'd1' }, { now: clock.now, monotonic: clock.now, uuid });
  return { outbox, clock, group };
}

const bodies = async (outbox, group) =>
  Promise.all(group.recorders.map(async (r) => (await outbox.sessionRecords(r.id)).find((x) => x.type === 'session').body));

test('a group is one session per learner in the outbox, each naming the group and its learners', async () => {
  const { outbox, group } = await begin(3);
  const sessions = await bodies(outbox, group);
  assert.deepEqual(sessions.map((s) => s.client_id), ['c0', 'c1', 'c2']);
  for (const s of sessions) {
    assert.equal(s.group_id, group.id);
    assert.deepEqual(s.group_client_ids, ['c0', 'c1', 'c2']);
    assert.equal(s.role, 'primary');
  }
  assert.deepEqual(sessions[1].target_ids, ['t1a', 't1b']);
});

test('a group has two to six learners', async () => {
  const { outbox } = await freshOutbox();
  await assert.rejects(beginGroup(outbox, members(1), {}), RangeError);
  await assert.rejects(beginGroup(outbox, members(7), {}), RangeError);
});

test("an entry goes to the session of the learner whose target it is; undo undoes the selected learner's last", async () => {
  const { outbox, group, clock } = await begin(3);
  await group.record('t2a', 'count');
  await clock.advance(1000);
  const first = await group.record('t0b', 'count');
  await clock.advance(1000);
  await group.record('t2b', 'count');
  assert.deepEqual(group.recorders.map((r) => r.events.length), [1, 0, 2]);
  group.select(0);
  assert.equal(group.canUndo(1), false);
  const undone = await group.undo();
  assert.equal(undone.id, first.id); // learner 0's, though learner 2 tapped last
  const stored = (await outbox.sessionRecords(group.recorders[0].id)).filter((r) => r.type === 'event');
  assert.deepEqual(stored.map((r) => r.body.kind), ['count', 'void']);
  assert.equal(group.recorders[2].events.length, 2);
});

test('pause, resume and end act on every learner; a reload picks the group up again', async () => {
  const { outbox, group } = await begin(2);
  await group.pause();
  assert.ok(group.recorders.every((r) => r.paused));
  await group.resume();
  assert.equal(group.paused, false);
  const again = await GroupRecorder.load(outbox, group.id, group.recorders.map((r) => r.id));
  assert.deepEqual(again.recorders.map((r) => r.events.length), [2, 2]);
  await again.end();
  assert.ok((await bodies(outbox, again)).every((s) => s.ended_at));
  assert.equal(await GroupRecorder.load(outbox, group.id, [group.recorders[0].id, 'gone']), undefined);
});
