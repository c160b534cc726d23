// A group session: one screen for two to six learners. Underneath, every learner has a session
// and a Recorder of their own (so IOA, measures and graphs see ordinary sessions), each naming
// the group's id and its learners (the server checks the group with every session it gets).
// GroupRecorder puts the learners' recorders behind the one interface the session frame
// (views/frame.js) drives: the bar's undo acts on the selected learner, pause on everyone.
// No DOM: the unit tests drive it under fake-indexeddb.

import { t } from './i18n.js';
import { Recorder } from './recorder.js';
import { lastUndoable } from './tally.js';
import { newId } from './ids.js';

export const GROUP_MIN = 2;
export const GROUP_MAX = 6;

/**
 * Start a group: one session per learner, each in the outbox before this resolves.
 * @param {Array<{client: {id: string}, targets: Array<{id: string}>}>} members in screen order
 * @param {object} fields shared session fields (setting, device_id)
 */
export async function beginGroup(outbox, members, fields, opts = {}) {
  if (members.length < GROUP_MIN || members.length > GROUP_MAX) {
    throw new RangeError(t('group.size', { min: GROUP_MIN, max: GROUP_MAX }));
  }
  const uuid = opts.uuid ?? newId;
  const groupId = uuid();
  const clientIds = members.map((m) => m.client.id);
  const recorders = [];
  for (const m of members) {
    recorders.push(
      await Recorder.begin(
        outbox,
        {
          ...fields,
          kind: 'observation',
          role: 'primary',
          client_id: m.client.id,
          target_ids: m.targets.map((t) => t.id),
          group_id: groupId,
          group_client_ids: clientIds,
        },
        { ...opts, uuid },
      ),
    );
  }
  return new GroupRecorder(groupId, recorders);
}

export class GroupRecorder {
  /** @param {Recorder[]} recorders one per learner, in screen order */
  constructor(groupId, recorders) {
    this.groupId = groupId;
    this.recorders = recorders;
    this.selected = 0;
    this.owners = new Map();
    for (const r of recorders) for (const id of r.session.target_ids) this.owners.set(id, r);
  }

  /** Pick the group up again after a reload: undefined when a learner's session is gone. */
  static async load(outbox, groupId, sessionIds, opts = {}) {
    const recorders = await Promise.all(sessionIds.map((id) => Recorder.load(outbox, id, opts)));
    if (recorders.some((r) => !r)) {
      for (const r of recorders) r?.close();
      return undefined;
    }
    return new GroupRecorder(groupId, recorders);
  }

  get id() {
    return this.groupId;
  }

  get current() {
    return this.recorders[this.selected];
  }

  /** Make learner ``index`` the one the bar's undo and the number keys act on. */
  select(index) {
    this.selected = Math.min(Math.max(index, 0), this.recorders.length - 1);
    return this.current;
  }

  get ended() {
    return this.recorders.every((r) => r.ended);
  }

  get paused() {
    return this.recorders.every((r) => r.paused);
  }

  /** Every learner's entries in time order (the entries list of the frame). */
  get events() {
    return this.recorders.flatMap((r) => r.events).sort((a, b) => a.ms - b.ms);
  }

  get session() {
    return this.current.session;
  }

  now() {
    return Math.max(...this.recorders.map((r) => r.now()));
  }

  activeMs(nowMs = this.now()) {
    return Math.max(...this.recorders.map((r) => r.activeMs(nowMs)));
  }

  /** An entry for a target goes to the learner who has it; a session-wide one (a note about
   * the whole session) to the selected learner. */
  record(targetId, kind, data = {}) {
    return (this.owners.get(targetId) ?? this.current).record(targetId, kind, data);
  }

  /** The selected learner's last entry, cancelled; undefined when there is none. */
  undo() {
    return this.current.undo();
  }

  /** Whether learner ``index`` has an entry to undo. */
  canUndo(index = this.selected) {
    return Boolean(lastUndoable(this.recorders[index].events));
  }

  async pause() {
    for (const r of this.recorders) await r.pause();
  }

  async resume() {
    for (const r of this.recorders) await r.resume();
  }

  async end() {
    for (const r of this.recorders) await r.end();
  }

  subscribe(fn) {
    const offs = this.recorders.map((r) => r.subscribe(fn));
    return () => offs.forEach((off) => off());
  }

  /** Called once every learner's session has ended in another tab. */
  onEndedElsewhere(fn) {
    const offs = this.recorders.map((r) => r.onEndedElsewhere(() => this.ended && fn()));
    return () => offs.forEach((off) => off());
  }

  catchUp() {
    return Promise.all(this.recorders.map((r) => r.catchUp()));
  }

  close() {
    for (const r of this.recorders) r.close();
  }
}
