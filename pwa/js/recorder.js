// One session being recorded on this device: creates its events, writes each to the outbox
// and only then hands it back to be shown. Undo is a void event; nothing is ever edited.
// No DOM: the session screen drives it, and the unit tests drive it under fake-indexeddb.

import { lastUndoable, liveEvents } from './tally.js';
import { activeMs, durationEpisodes, pauseSpans } from './timers.js';

const SESSION_FIELDS = [
  'id', 'client_id', 'role', 'kind', 'started_at', 'ended_at', 'setting', 'device_id',
  'target_ids', 'plan_id', 'staff_id',
];

/** An outbox event body as the screens and the tallies use it: with its time in ms. */
export function view(body) {
  return { ...body, ms: Date.parse(body.t) };
}

export class Recorder {
  constructor(outbox, sessionBody, events, { now = () => Date.now(), uuid = () => crypto.randomUUID() } = {}) {
    this.outbox = outbox;
    this.session = sessionBody;
    this.events = events;
    this.now = now;
    this.uuid = uuid;
    this.listeners = new Set();
  }

  /** Start a new session: its record is in the outbox before this resolves. */
  static async begin(outbox, fields, opts = {}) {
    const now = opts.now ?? (() => Date.now());
    const uuid = opts.uuid ?? (() => crypto.randomUUID());
    const body = {
      id: uuid(),
      role: 'primary',
      kind: 'observation',
      ended_at: null,
      plan_id: null,
      staff_id: null,
      ...fields,
      started_at: new Date(now()).toISOString(),
    };
    for (const key of Object.keys(body)) if (!SESSION_FIELDS.includes(key)) delete body[key];
    await outbox.putSession(body);
    return new Recorder(outbox, body, [], { now, uuid });
  }

  /** Pick a session up again after a reload, from what the outbox holds. */
  static async load(outbox, sessionId, opts = {}) {
    const records = await outbox.sessionRecords(sessionId);
    const session = records.find((r) => r.type === 'session');
    if (!session) return undefined;
    const events = records.filter((r) => r.type === 'event').map((r) => view(r.body));
    return new Recorder(outbox, session.body, events, opts);
  }

  get id() {
    return this.session.id;
  }

  get ended() {
    return Boolean(this.session.ended_at);
  }

  get startedMs() {
    return Date.parse(this.session.started_at);
  }

  /** Called with each event once it is committed. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Record one event; resolves with it after the outbox write has committed. */
  async record(targetId, kind, data = {}) {
    if (this.ended) throw new Error('This session has ended.');
    const body = {
      id: this.uuid(),
      session_id: this.session.id,
      target_id: targetId,
      kind,
      t: new Date(this.now()).toISOString(),
      data,
    };
    await this.outbox.addEvent(body);
    const event = view(body);
    this.events.push(event);
    for (const fn of this.listeners) fn(event);
    return event;
  }

  eventsOf(targetId) {
    return this.events.filter((e) => e.target_id === targetId);
  }

  /** Cancel the most recent entry. Resolves with the entry cancelled, if any. */
  async undo() {
    const last = lastUndoable(this.events);
    if (!last) return undefined;
    await this.record(last.target_id, 'void', { voids: last.id });
    return last;
  }

  get paused() {
    const spans = pauseSpans(this.events);
    return spans.length > 0 && spans.at(-1).to === null;
  }

  pause() {
    return this.paused ? undefined : this.record(null, 'pause');
  }

  resume() {
    return this.paused ? this.record(null, 'resume') : undefined;
  }

  /** Observation time so far, less pauses. */
  activeMs(nowMs = this.now()) {
    const end = this.session.ended_at ? Date.parse(this.session.ended_at) : nowMs;
    return activeMs(this.startedMs, pauseSpans(this.events), Math.min(nowMs, end));
  }

  /** End the session: the changed session record goes back in the outbox to be re-sent. */
  async end() {
    if (this.ended) return;
    if (this.paused) await this.resume();
    // A bout still running when the session ends ends with it.
    for (const targetId of new Set(this.events.map((e) => e.target_id))) {
      const { open } = durationEpisodes(liveEvents(this.eventsOf(targetId)), this.now());
      for (const { episode } of open) await this.record(targetId, 'duration_stop', { episode });
    }
    this.session = { ...this.session, ended_at: new Date(this.now()).toISOString() };
    await this.outbox.putSession(this.session);
  }
}
