// The outbox: every session and event recorded on this device, kept until the server has
// acknowledged it. It is the truth on the device; the screen shows what the outbox holds.
//
// A record is {id, type: 'session' | 'event', owner, session_id, body, state, seq, rev, reason?}
//   state: 'pending' (not yet acknowledged), 'sent' (the server holds it) or
//          'rejected' (the server refused it: kept and shown as needing attention).
//   rev:   bumped whenever the body changes (a session gets its ended_at), so an
//          acknowledgement of an older copy never marks the newer one sent.

import { STORES, promisify } from './db.js';

const S = STORES.outbox;
const MAX_KEY = [];
let lastSeq = 0;

// Strictly increasing within a page and (via the clock) across reloads: the send order.
function nextSeq() {
  lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
  return lastSeq;
}

export class Outbox {
  /** @param {import('./db.js').Db} db @param {string} owner the signed-in user's id */
  constructor(db, owner) {
    this.db = db;
    this.owner = owner;
  }

  /** Store a new session (or a changed copy of one) as pending. */
  async putSession(body) {
    return this.db.transaction(S, 'readwrite', async (s) => {
      const old = await promisify(s[S].get(body.id));
      const record = {
        id: body.id,
        type: 'session',
        owner: old?.owner ?? this.owner,
        session_id: body.id,
        body,
        state: 'pending',
        seq: old?.seq ?? nextSeq(),
        rev: (old?.rev ?? 0) + 1,
      };
      s[S].put(record);
      return record;
    });
  }

  /** Store one event as pending; resolves once the write has committed. */
  async addEvent(body) {
    const record = {
      id: body.id,
      type: 'event',
      owner: this.owner,
      session_id: body.session_id,
      body,
      state: 'pending',
      seq: nextSeq(),
      rev: 1,
    };
    await this.db.transaction(S, 'readwrite', (s) => {
      s[S].add(record); // add, not put: an id is never written twice
    });
    return record;
  }

  /**
   * The next entries to send: this user's oldest pending records, at most `limit`.
   * A session is recorded (and keeps its place when it changes) before any of its events,
   * so a batch never holds an event without its session being sent first or with it.
   */
  nextBatch(limit) {
    const range = IDBKeyRange.bound([this.owner, 'pending'], [this.owner, 'pending', MAX_KEY]);
    return this.db.getAllFromIndex(S, 'owner_state_seq', range, limit);
  }

  /**
   * Apply the server's answer to a batch that was sent.
   * @param {Array<{id: string, rev: number}>} sent the records as they were sent
   * @param {string[]} accepted ids the server now holds
   * @param {Array<{id: string, reason: string}>} rejected
   */
  acknowledge(sent, accepted, rejected) {
    const acceptedSet = new Set(accepted);
    const reasons = new Map(rejected.map((r) => [r.id, r.reason]));
    // Requests are issued together rather than awaited one by one: the transaction stays
    // short, so a tap's write queued behind it waits as little as possible.
    return this.db.transaction(S, 'readwrite', (s) => new Promise((resolve, reject) => {
      const result = { sent: 0, rejected: 0 };
      let open = 0;
      for (const { id, rev } of sent) {
        const ok = acceptedSet.has(id);
        if (!ok && !reasons.has(id)) continue; // not answered: stays pending, is re-sent
        open += 1;
        const req = s[S].get(id);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const rec = req.result;
          // Changed since it was sent (a session got its end): the new copy is re-sent.
          if (rec && rec.rev === rev) {
            if (ok) {
              rec.state = 'sent';
              delete rec.reason;
              result.sent += 1;
            } else {
              rec.state = 'rejected';
              rec.reason = String(reasons.get(id) ?? 'rejected');
              result.rejected += 1;
            }
            s[S].put(rec);
          }
          open -= 1;
          if (open === 0) resolve(result);
        };
      }
      if (open === 0) resolve(result);
    }));
  }

  async counts() {
    const index = 'owner_state_seq';
    const count = (state) =>
      this.db.countFromIndex(
        S,
        index,
        IDBKeyRange.bound([this.owner, state], [this.owner, state, MAX_KEY]),
      );
    const [pending, rejected] = await Promise.all([count('pending'), count('rejected')]);
    return { pending, rejected };
  }

  /** Pending entries of every user: what signing out would leave behind. */
  async pendingOfAnyone() {
    return this.db.countFromIndex(S, 'state', 'pending');
  }

  async rejectedRecords() {
    return this.db.getAllFromIndex(
      S,
      'owner_state_seq',
      IDBKeyRange.bound([this.owner, 'rejected'], [this.owner, 'rejected', MAX_KEY]),
    );
  }

  /** Put a rejected entry back in the queue (after the cause was fixed on the server). */
  async retry(id) {
    return this.db.transaction(S, 'readwrite', async (s) => {
      const rec = await promisify(s[S].get(id));
      if (!rec || rec.state !== 'rejected') return;
      rec.state = 'pending';
      rec.rev += 1;
      delete rec.reason;
      s[S].put(rec);
    });
  }

  /** All records of a session (its own record and its events, in recording order). */
  async sessionRecords(sessionId) {
    const records = await this.db.getAllFromIndex(S, 'session', sessionId);
    return records.sort((a, b) => a.seq - b.seq);
  }

  /**
   * Drop a finished session from the device once the server holds all of it, so the device
   * keeps no more data than it needs. Returns whether it was dropped.
   */
  async pruneIfSynced(sessionId) {
    return this.db.transaction(S, 'readwrite', async (s) => {
      const records = await promisify(s[S].index('session').getAll(sessionId));
      const session = records.find((r) => r.type === 'session');
      if (!session?.body.ended_at || records.some((r) => r.state !== 'sent')) return false;
      for (const r of records) s[S].delete(r.id);
      return true;
    });
  }

  /** Drop every finished, fully synced session except `keepId` (one still on screen). */
  async pruneSynced(keepId = null) {
    const sent = await this.db.getAllFromIndex(S, 'state', 'sent');
    const finished = sent.filter((r) => r.type === 'session' && r.body.ended_at && r.id !== keepId);
    for (const r of finished) await this.pruneIfSynced(r.id);
  }

  // --- phase changes and incident reports --------------------------------------------------
  // Records of type 'phase' or 'incident' stand alone (no session_id): {id, type, owner, body,
  // state, seq, rev}. They are sent, acknowledged and rejected like events (POST /sync lists
  // `phases` and `incidents`).

  /** Store one phase change or incident report as pending; resolves once it has committed. */
  async addItem(type, body) {
    if (!ITEM_TYPES.includes(type)) throw new Error(`Unknown outbox item type: ${type}`);
    const record = { id: body.id, type, owner: this.owner, body, state: 'pending', seq: nextSeq(), rev: 1 };
    await this.db.transaction(S, 'readwrite', (s) => {
      s[S].add(record); // add, not put: an id is never written twice
    });
    return record;
  }

  /** This user's records of one item type (any state), oldest first. */
  async items(type) {
    const all = await this.db.getAllFromIndex(
      S,
      'owner_state_seq',
      IDBKeyRange.bound([this.owner], [this.owner, MAX_KEY]),
    );
    return all.filter((r) => r.type === type).sort((a, b) => a.seq - b.seq);
  }

  /** Drop phase changes and incident reports the server holds: no copy stays on the device. */
  async pruneSentItems() {
    return this.db.transaction(S, 'readwrite', async (s) => {
      const sent = await promisify(s[S].index('state').getAll('sent'));
      const items = sent.filter((r) => ITEM_TYPES.includes(r.type));
      for (const r of items) s[S].delete(r.id);
      return items.length;
    });
  }
}

/** Outbox record types that are not part of a session. */
export const ITEM_TYPES = ['phase', 'incident'];
