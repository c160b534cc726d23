// The outbox: every session and event recorded on this device, kept until the server has
// acknowledged it. It is the truth on the device; the screen shows what the outbox holds.
//
// A record is {id, type: 'session' | 'event', owner, session_id, body, state, seq, rev,
//              reason?, code?}
//   state: 'pending' (not yet acknowledged, or refused for now: sent again later), 'sent' (the
//          server holds it) or 'rejected' (refused until a person acts: kept, shown as
//          needing attention, with the server's reason and code).
//   seq:   the send order, from a counter kept in the same database (never from a clock), so
//          it survives reloads, is shared by every tab and a clock step cannot reorder it.
//          An event is only stored while its session's record is on the device, so a
//          session always comes before its events.
//   rev:   bumped whenever the body changes (a session gets its ended_at), so an
//          acknowledgement of an older copy never marks the newer one sent.

import { SEQ_KEY, STORES, promisify } from './db.js';
import { t } from './i18n.js';

const S = STORES.outbox;
const L = STORES.local;
const MAX_KEY = [];

/** Refused to store an event: its session is not on this device, or it has ended. */
export class SessionClosedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SessionClosedError';
  }
}

/** Another tab took sequence numbers since this one last looked: try again from `value`. */
class StaleSequence extends Error {
  constructor(value) {
    super('stale sequence');
    this.value = value;
  }
}

export class Outbox {
  /** @param {import('./db.js').Db} db @param {string} owner the signed-in user's id */
  constructor(db, owner) {
    this.db = db;
    this.owner = owner;
    this.lastSeq = undefined; // this tab's copy of the counter in the database
  }

  /**
   * Write a new record with the next sequence number. The counter lives in the database; this
   * tab keeps a copy so a tap costs no extra round trip: the transaction writes copy + 1 and
   * checks in the same breath that the stored counter still equals the copy. When another tab
   * moved it meanwhile, the transaction is undone and tried again with the stored value.
   * @param {(stores: object, seq: number) => Promise<any>} write issues the writes; rejects to undo
   */
  async withSeq(write) {
    for (;;) {
      this.lastSeq ??= (await this.db.get(L, SEQ_KEY))?.value ?? 0;
      const expected = this.lastSeq;
      try {
        const result = await this.db.transaction([S, L], 'readwrite', (s) => {
          const check = promisify(s[L].get(SEQ_KEY)).then((counter) => {
            if ((counter?.value ?? 0) !== expected) throw new StaleSequence(counter?.value ?? 0);
          });
          s[L].put({ key: SEQ_KEY, value: expected + 1 });
          return Promise.all([check, write(s, expected + 1)]).then(([, written]) => written);
        });
        this.lastSeq = expected + 1;
        return result;
      } catch (err) {
        if (!(err instanceof StaleSequence)) throw err;
        this.lastSeq = err.value;
      }
    }
  }

  /** Store a new session (or a changed copy of one) as pending. */
  async putSession(body) {
    const old = await this.db.get(S, body.id);
    const record = (seq, rev) => ({
      id: body.id,
      type: 'session',
      owner: old?.owner ?? this.owner,
      session_id: body.id,
      body,
      state: 'pending',
      seq,
      rev,
    });
    if (old) {
      const changed = record(old.seq, old.rev + 1);
      await this.db.put(S, changed);
      return changed;
    }
    return this.withSeq(async (s, seq) => {
      const created = record(seq, 1);
      s[S].add(created);
      return created;
    });
  }

  /**
   * End a session: its record gets `endedAt` and is queued to be sent again. A session that
   * already ended (in another tab) keeps its first end. Resolves with the stored body.
   */
  async endSession(sessionId, endedAt) {
    return this.db.transaction(S, 'readwrite', async (s) => {
      const rec = await promisify(s[S].get(sessionId));
      if (!rec) throw new SessionClosedError(t('error.session_gone'));
      if (rec.body.ended_at) return rec.body;
      rec.body = { ...rec.body, ended_at: endedAt };
      rec.state = 'pending';
      rec.rev += 1;
      delete rec.reason;
      delete rec.code;
      s[S].put(rec);
      return rec.body;
    });
  }

  /**
   * Store one event as pending; resolves once the write has committed. Refused (with a
   * SessionClosedError) when its session is not on this device or has ended, in this tab or
   * any other: the check and the write are one transaction.
   */
  async addEvent(body) {
    return this.withSeq((s, seq) => {
      // Issued with the write, not before it: a refusal undoes the transaction.
      const open = promisify(s[S].get(body.session_id)).then((session) => {
        if (!session) throw new SessionClosedError(t('error.session_gone'));
        if (session.body.ended_at) throw new SessionClosedError(t('error.session_ended'));
      });
      const record = {
        id: body.id,
        type: 'event',
        owner: this.owner,
        session_id: body.session_id,
        body,
        state: 'pending',
        seq,
        rev: 1,
      };
      s[S].add(record); // add, not put: an id is never written twice
      return open.then(() => record);
    });
  }

  /**
   * The next entries to send: this user's pending records in sequence order, at most `limit`,
   * leaving out `skip` (ids refused for now, or unanswered, in this run). The events of a
   * session refused for now are still sent in their turn: the server refuses them for now too,
   * so every entry is first sent in sequence order and none is stored before its session.
   */
  nextBatch(limit, { skip = new Set() } = {}) {
    const range = IDBKeyRange.bound([this.owner, 'pending'], [this.owner, 'pending', MAX_KEY]);
    if (skip.size === 0) return this.db.getAllFromIndex(S, 'owner_state_seq', range, limit);
    return this.db.transaction(S, 'readonly', (s) => new Promise((resolve, reject) => {
      const batch = [];
      const cursor = s[S].index('owner_state_seq').openCursor(range);
      cursor.onerror = () => reject(cursor.error);
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c || batch.length >= limit) return resolve(batch);
        if (!skip.has(c.value.id)) batch.push(c.value);
        c.continue();
      };
    }));
  }

  /**
   * Apply the server's answer to a batch that was sent.
   * @param {Array<{id: string, rev: number}>} sent the records as they were sent
   * @param {string[]} accepted ids the server now holds
   * @param {Array<{id: string, reason: string, code?: string, retry?: boolean}>} rejected
   *   `retry: true` (refused for now, e.g. a dependency not arrived yet) stays pending; anything
   *   else (today's server sends no `retry`) needs a person. An event refused for now whose
   *   session was itself refused for good needs a person too: it cannot land before its session.
   * @returns {Promise<{sent: number, rejected: number, deferred: string[]}>}
   */
  acknowledge(sent, accepted, rejected) {
    const acceptedSet = new Set(accepted);
    const answers = new Map(rejected.map((r) => [r.id, r]));
    // Requests are issued together rather than awaited one by one: the transaction stays
    // short, so a tap's write queued behind it waits as little as possible.
    return this.db.transaction(S, 'readwrite', async (s) => {
      const result = { sent: 0, rejected: 0, deferred: [] };
      const answered = sent.filter(({ id }) => acceptedSet.has(id) || answers.has(id));
      const records = await Promise.all(answered.map(({ id }) => promisify(s[S].get(id))));
      const refusedSessions = new Map();
      const sessionOf = async (rec) => {
        if (!refusedSessions.has(rec.session_id)) {
          refusedSessions.set(rec.session_id, promisify(s[S].get(rec.session_id)));
        }
        const session = await refusedSessions.get(rec.session_id);
        return session?.state === 'rejected' ? session : null;
      };
      await Promise.all(answered.map(async ({ id, rev }, i) => {
        const rec = records[i];
        // Changed since it was sent (a session got its end): the new copy is re-sent.
        if (!rec || rec.rev !== rev) return;
        if (acceptedSet.has(id)) {
          rec.state = 'sent';
          delete rec.reason;
          delete rec.code;
          result.sent += 1;
          s[S].put(rec);
          return;
        }
        const answer = answers.get(id);
        const refusedSession = answer.retry === true && rec.type === 'event' ? await sessionOf(rec) : null;
        if (answer.retry === true && !refusedSession) {
          result.deferred.push(id);
          return;
        }
        rec.state = 'rejected';
        rec.code = refusedSession ? 'session_refused' : String(answer.code ?? 'invalid');
        rec.reason = refusedSession
          ? t('refusal.its_session', { reason: refusedSession.reason })
          : String(answer.reason ?? 'refused');
        result.rejected += 1;
        s[S].put(rec);
      }));
      return result;
    });
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

  /**
   * Put refused entries back in the queue (after the cause was fixed on the server), keeping
   * their place in the send order. A session takes its refused events with it.
   * @param {string[] | null} ids null: every entry of this user that needs attention
   * @returns {Promise<number>} how many were queued again
   */
  async retry(ids = null) {
    const wanted = ids === null ? null : new Set(ids);
    return this.db.transaction(S, 'readwrite', async (s) => {
      const range = IDBKeyRange.bound([this.owner, 'rejected'], [this.owner, 'rejected', MAX_KEY]);
      const refused = await promisify(s[S].index('owner_state_seq').getAll(range));
      const sessions = new Set(refused.filter((r) => r.type === 'session' && wanted?.has(r.id)).map((r) => r.id));
      let queued = 0;
      for (const rec of refused) {
        if (wanted && !wanted.has(rec.id) && !sessions.has(rec.session_id)) continue;
        rec.state = 'pending';
        rec.rev += 1;
        delete rec.reason;
        delete rec.code;
        s[S].put(rec);
        queued += 1;
      }
      return queued;
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
  // `phases` and `incidents`). Notes and supervision contacts (DIRECT_TYPES) stand alone too.

  /** Store one phase change or incident report as pending; resolves once it has committed. */
  async addItem(type, body) {
    if (!ITEM_TYPES.includes(type)) throw new Error(`Unknown outbox item type: ${type}`);
    return this.withSeq(async (s, seq) => {
      const record = { id: body.id, type, owner: this.owner, body, state: 'pending', seq, rev: 1 };
      s[S].add(record); // add, not put: an id is never written twice
      return record;
    });
  }

  /**
   * Store a session note or supervision contact, or replace the copy on the device (a draft
   * edited again, a note signed): the new copy is pending with a higher rev, so an answer to
   * an older copy never marks it sent. Keeps its place in the send order.
   */
  async saveItem(type, body) {
    if (!DIRECT_TYPES.includes(type)) throw new Error(`Unknown outbox item type: ${type}`);
    const changed = await this.db.transaction(S, 'readwrite', async (s) => {
      const old = await promisify(s[S].get(body.id));
      if (!old) return null;
      const record = { ...old, body, state: 'pending', rev: old.rev + 1 };
      delete record.reason;
      delete record.code;
      s[S].put(record);
      return record;
    });
    return changed ?? this.addItem(type, body);
  }

  /** One record of this user by id, or undefined. */
  async item(id) {
    const record = await this.db.get(S, id);
    return record?.owner === this.owner ? record : undefined;
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

/**
 * Records sent on their own through the REST route that owns them, not in POST /sync: session
 * notes (PUT /sessions/<id>/note, then the signature) and supervision contacts. See sync.js.
 */
export const DIRECT_TYPES = ['note', 'contact'];

/** Outbox record types that are not part of a session. */
export const ITEM_TYPES = ['phase', 'incident', ...DIRECT_TYPES];
