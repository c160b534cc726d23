// One session being recorded on this device: creates its events, writes each to the outbox
// and only then hands it back to be shown. Undo is a void event; nothing is ever edited.
// Times come from the session's clock (clock.js), not the wall clock. Entries written by
// another tab on the same session arrive through `live` (live.js) and are shown here too.
// No DOM: the session screen drives it, and the unit tests drive it under fake-indexeddb.

import { SessionClock } from './clock.js';
import { t } from './i18n.js';
import { SessionClosedError } from './outbox.js';
import { lastUndoable, liveEvents } from './tally.js';
import { activeMs, durationEpisodes, pauseSpans } from './timers.js';
import { newId } from './ids.js';

const SESSION_FIELDS = [
  'id', 'client_id', 'role', 'kind', 'started_at', 'ended_at', 'setting', 'device_id',
  'target_ids', 'plan_id', 'staff_id', 'fa_condition', 'group_id', 'group_client_ids',
];

/** An outbox event body as the screens and the tallies use it: with its time in ms. */
export function view(body) {
  return { ...body, ms: Date.parse(body.t) };
}

export class Recorder {
  /**
   * @param {object} [o]
   * @param {() => number} [o.now] the wall clock (ms); the session clock follows it forward only
   * @param {() => number} [o.monotonic] elapsed ms (performance.now)
   * @param {number} [o.floorMs] the latest time this session already used, kept across reloads
   * @param {ReturnType<import('./live.js').liveChannel>} [o.live] the channel to other tabs
   */
  constructor(outbox, sessionBody, events, { now = () => Date.now(), monotonic, uuid = newId, floorMs = 0, live = null } = {}) {
    this.outbox = outbox;
    this.session = sessionBody;
    this.events = events;
    this.uuid = uuid;
    this.listeners = new Set();
    this.endListeners = new Set();
    const latest = Math.max(Date.parse(sessionBody.started_at), floorMs, ...events.map((e) => e.ms));
    this.clock = new SessionClock(latest, { wall: now, ...(monotonic ? { monotonic } : {}) });
    this.live = live;
    this.unlisten = live?.subscribe((message) => this.receive(message)) ?? null;
  }

  /** Start a new session: its record is in the outbox before this resolves. */
  static async begin(outbox, fields, opts = {}) {
    const now = opts.now ?? (() => Date.now());
    const uuid = opts.uuid ?? newId;
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
    return new Recorder(outbox, body, [], { ...opts, now, uuid });
  }

  /** Pick a session up again after a reload, from what the outbox holds. */
  static async load(outbox, sessionId, opts = {}) {
    const records = await outbox.sessionRecords(sessionId);
    const session = records.find((r) => r.type === 'session');
    if (!session) return undefined;
    const events = records.filter((r) => r.type === 'event').map((r) => view(r.body));
    return new Recorder(outbox, session.body, events, opts);
  }

  /** Stop listening to other tabs (the screen closed). */
  close() {
    this.unlisten?.();
    this.unlisten = null;
  }

  /** The session clock's reading (ms since the epoch): what the next entry's time would be. */
  now() {
    return this.clock.now();
  }

  /** A message from another tab: an entry or the end of this session. */
  receive(message) {
    if (message?.session_id !== this.session.id) return;
    if (message.type === 'event' && !this.events.some((e) => e.id === message.body.id)) {
      const event = view(message.body);
      this.events.push(event);
      for (const fn of this.listeners) fn(event);
    } else if (message.type === 'session' && message.body.ended_at && !this.ended) {
      this.session = message.body;
      for (const fn of this.endListeners) fn(this.session);
    }
  }

  /** Pick up what other tabs wrote while this one heard nothing (it was in the background). */
  async catchUp() {
    const records = await this.outbox.sessionRecords(this.session.id);
    for (const r of records) {
      this.receive({ type: r.type, session_id: this.session.id, body: r.body });
    }
  }

  async endedElsewhere() {
    const stored = (await this.outbox.sessionRecords(this.session.id)).find((r) => r.type === 'session');
    this.receive({ type: 'session', session_id: this.session.id, body: stored?.body ?? { ...this.session, ended_at: new Date(this.clock.now()).toISOString() } });
  }

  /** Called once when another tab ends this session. */
  onEndedElsewhere(fn) {
    this.endListeners.add(fn);
    return () => this.endListeners.delete(fn);
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
    if (this.ended) throw new Error(t('error.session_ended'));
    const body = {
      id: this.uuid(),
      session_id: this.session.id,
      target_id: targetId,
      kind,
      t: new Date(this.clock.now()).toISOString(),
      data,
    };
    try {
      await this.outbox.addEvent(body);
    } catch (err) {
      // Ended in another tab whose message never came: learn it from the outbox.
      if (err instanceof SessionClosedError) await this.endedElsewhere();
      throw err;
    }
    this.live?.post({ type: 'event', session_id: this.session.id, body });
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
    try {
      for (const targetId of new Set(this.events.map((e) => e.target_id))) {
        const { open } = durationEpisodes(liveEvents(this.eventsOf(targetId)), this.now());
        for (const { episode } of open) await this.record(targetId, 'duration_stop', { episode });
      }
    } catch (err) {
      if (err instanceof SessionClosedError) return; // ended in another tab meanwhile
      throw err;
    }
    // Another tab may have ended it first: the outbox keeps the first end.
    this.session = await this.outbox.endSession(this.session.id, new Date(this.clock.now()).toISOString());
    this.live?.post({ type: 'session', session_id: this.session.id, body: this.session });
  }
}
