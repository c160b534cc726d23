// The sync engine: drains the outbox to POST /api/v1/sync in batches, in sequence order.
// It marks an entry sent only when the server lists its id in `accepted`; a refusal with
// `retry: true` stays pending and is sent again later; any other refusal is kept as needing
// attention; anything unanswered stays pending and is sent again.
// No DOM: the page wires it to the network, the clock and the 'online' event.

import { fmtTime, t } from './i18n.js';
import { DIRECT_TYPES } from './outbox.js';
import { ago } from './ui.js';

export const SYNC_STATE = {
  idle: 'idle', // nothing pending, or waiting for the next run
  syncing: 'syncing',
  offline: 'offline', // the device has no network; retrying with backoff
  unreachable: 'unreachable', // the device is online but the server cannot be reached
  auth: 'auth', // the server said 401: waits until the user signs in again
  error: 'error', // the server failed (5xx, 429, an unusable answer); retrying with backoff
};

export class SyncEngine {
  /**
   * @param {object} o
   * @param {import('./outbox.js').Outbox} o.outbox
   * @param {(batch: object) => Promise<{accepted: string[], rejected: {id: string, reason: string}[]}>} o.send
   *   throws an error with `status` (0 for a network failure) when the request fails
   * @param {(record: object) => Promise<{accepted?: boolean, reason?: string, code?: string, retry?: boolean}>} [o.sendDirect]
   *   sends one note or supervision contact to its own route (documents.js); throws like `send`
   *   when the request fails as a whole
   * @param {(status: object) => void} [o.onStatus]
   * @param {(fn: () => Promise<void>) => Promise<void>} [o.exclusive] runs a drain so that no
   *   other tab drains the same outbox at the same time (the page passes a Web Lock)
   */
  constructor({
    outbox,
    send,
    sendDirect = (record) => Promise.resolve({ reason: t('sync.unknown_entry', { type: record.type }), code: 'invalid' }),
    onStatus = () => {},
    batchSize = 500,
    pollMs = 5000,
    debounceMs = 1000,
    maxWaitMs = 5000,
    backoffBaseMs = 2000,
    backoffMaxMs = 60000,
    now = () => Date.now(),
    isOnline = () => true,
    random = Math.random,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
    exclusive = (fn) => fn(),
  }) {
    Object.assign(this, { outbox, send, sendDirect, onStatus, batchSize, pollMs, debounceMs, maxWaitMs });
    Object.assign(this, { backoffBaseMs, backoffMaxMs, now, isOnline, random, setTimer, clearTimer, exclusive });
    this.state = SYNC_STATE.idle;
    this.failures = 0;
    this.lastSuccessAt = null;
    this.lastError = null;
    this.errorSince = null; // when the current run of server failures began
    this.notBefore = 0; // the server's Retry-After: no request before this time
    this.deferRounds = 0; // runs in a row that left entries refused for now
    this.pending = 0;
    this.rejected = 0;
    this.timer = null;
    this.dueAt = null;
    this.running = null;
    this.again = false;
    this.stopped = true;
    this.burstStart = null;
  }

  start() {
    this.stopped = false;
    if (this.state === SYNC_STATE.auth) this.state = SYNC_STATE.idle;
    return this.syncNow();
  }

  stop() {
    this.stopped = true;
    this.cancelTimer();
  }

  /** Run now (on demand, on start, when the browser comes online): resets the backoff. */
  syncNow() {
    if (this.stopped || this.state === SYNC_STATE.auth) return this.running ?? Promise.resolve();
    const wait = this.notBefore - this.now();
    if (wait > 0) {
      // The server asked for a pause (Retry-After): asking again sooner would not help it.
      this.schedule(wait);
      return this.running ?? Promise.resolve();
    }
    this.failures = 0;
    this.deferRounds = 0;
    this.cancelTimer();
    return this.run();
  }

  /**
   * Something new is in the outbox: send it once the taps pause (debounceMs), or after
   * maxWaitMs of continuous tapping, so sync work stays out of the way of a burst of taps.
   */
  poke() {
    this.pending += 1;
    this.emit();
    if (this.stopped || this.state === SYNC_STATE.auth || this.failures > 0) return;
    const now = this.now();
    this.burstStart ??= now;
    const due = Math.min(now + this.debounceMs, this.burstStart + this.maxWaitMs);
    this.cancelTimer();
    this.schedule(due - now);
  }

  /** Some other call answered 401: stop sending until the user signs in again. */
  signedOut() {
    if (this.state === SYNC_STATE.auth) return;
    this.state = SYNC_STATE.auth;
    this.cancelTimer();
    this.emit();
  }

  /** The user signed in again after a 401. */
  resumeAfterSignIn() {
    this.state = SYNC_STATE.idle;
    return this.start();
  }

  status() {
    return {
      state: this.state,
      pending: this.pending,
      rejected: this.rejected,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      errorSince: this.errorSince,
      nextAttemptAt: this.dueAt,
    };
  }

  // --- internals ---

  emit() {
    this.onStatus(this.status());
  }

  cancelTimer() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  schedule(ms) {
    const due = this.now() + ms;
    if (this.timer !== null && this.dueAt <= due) return; // an earlier run is already due
    this.cancelTimer();
    this.dueAt = due;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.dueAt = null;
      this.run();
    }, ms);
  }

  backoffMs() {
    const exp = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (this.failures - 1));
    return Math.round(exp * (0.75 + 0.5 * this.random())); // jitter: devices don't retry in step
  }

  run() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.exclusive(() => this.drain()).finally(() => {
      this.running = null;
      if (this.again && !this.stopped && this.state !== SYNC_STATE.auth) {
        this.again = false;
        this.run();
      }
    });
    return this.running;
  }

  async drain() {
    this.again = false;
    this.burstStart = null;
    this.state = SYNC_STATE.syncing;
    this.emit();
    // Entries refused for now (or left unanswered) in this run: sent again in a later run, so
    // they never hold up the entries behind them.
    const skip = new Set();
    try {
      for (;;) {
        const fetched = await this.outbox.nextBatch(this.batchSize, { skip });
        if (fetched.length === 0) break;
        // Notes and supervision contacts go to their own routes, after the sessions of the
        // same batch (which come earlier in the send order) have reached the server.
        const records = fetched.filter((r) => !DIRECT_TYPES.includes(r.type));
        const direct = fetched.filter((r) => DIRECT_TYPES.includes(r.type));
        let settled = 0;
        const answered = new Set();
        if (records.length) {
          const result = await this.send(toBatch(records));
          const accepted = result?.accepted ?? [];
          const refused = result?.rejected ?? [];
          const { sent, rejected, deferred } = await this.outbox.acknowledge(
            records.map((r) => ({ id: r.id, rev: r.rev })),
            accepted,
            refused,
          );
          settled += sent + rejected + deferred.length;
          for (const id of [...accepted, ...refused.map((r) => r.id)]) answered.add(id);
          for (const id of deferred) skip.add(id);
        }
        for (const r of direct) {
          const answer = await this.sendDirect(r);
          const { sent, rejected, deferred } = await this.outbox.acknowledge(
            [{ id: r.id, rev: r.rev }],
            answer.accepted ? [r.id] : [],
            answer.accepted ? [] : [{ id: r.id, ...answer }],
          );
          settled += sent + rejected + deferred.length;
          answered.add(r.id);
          for (const id of deferred) skip.add(id);
        }
        this.lastSuccessAt = this.now();
        // A batch the server answered without settling anything would loop forever.
        if (settled === 0) {
          throw Object.assign(new Error(t('sync.answer_empty')), { status: -1 });
        }
        for (const r of fetched) if (!answered.has(r.id)) skip.add(r.id);
        if (this.stopped) break;
      }
      this.failures = 0;
      this.lastError = null;
      this.errorSince = null;
      this.state = SYNC_STATE.idle;
    } catch (err) {
      this.failures += 1;
      this.lastError = err?.message ?? String(err);
      const status = err?.status;
      if (status === 413) this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      if (status === 401) this.state = SYNC_STATE.auth;
      else if (status === 0) this.state = this.isOnline() ? SYNC_STATE.unreachable : SYNC_STATE.offline;
      else this.state = SYNC_STATE.error;
      if (this.state === SYNC_STATE.error || this.state === SYNC_STATE.unreachable) this.errorSince ??= this.now();
      if (err?.retryAfterMs > 0) this.notBefore = this.now() + err.retryAfterMs;
    }
    await this.refreshCounts();
    if (!this.stopped && this.state !== SYNC_STATE.auth) {
      if (this.failures > 0) this.schedule(Math.max(this.backoffMs(), this.notBefore - this.now()));
      else if (this.pending > 0) this.schedule(this.deferredMs(skip.size > 0));
    }
    this.emit();
  }

  /** The wait before sending entries still pending after a good run: refused-for-now ones back off. */
  deferredMs(anyDeferred) {
    this.deferRounds = anyDeferred ? this.deferRounds + 1 : 0;
    return Math.min(this.backoffMaxMs, this.pollMs * 2 ** Math.max(0, this.deferRounds - 1));
  }

  async refreshCounts() {
    try {
      const { pending, rejected } = await this.outbox.counts();
      this.pending = pending;
      this.rejected = rejected;
    } catch {
      // counts are for display only
    }
  }
}

/** The body of POST /sync for a list of outbox records. */
export function toBatch(records) {
  const batch = {
    sessions: records.filter((r) => r.type === 'session').map((r) => r.body),
    events: records.filter((r) => r.type === 'event').map((r) => r.body),
  };
  // Phase changes and incident reports travel in their own lists, present only when used.
  for (const [type, key] of [['phase', 'phases'], ['incident', 'incidents']]) {
    const items = records.filter((r) => r.type === type).map((r) => r.body);
    if (items.length) batch[key] = items;
  }
  return batch;
}

/**
 * What the sync badge says, at a glance: {text, detail, tone} with tone 'ok', 'pending' or
 * 'warn'. Nothing pending is ever called "all sent" while entries need attention.
 * @param {ReturnType<SyncEngine['status']>} s
 */
export function describeSync(s, { online = true, now = Date.now(), timeOf = fmtTime } = {}) {
  const waiting = t('sync.waiting', { n: s.pending });
  const attention = s.rejected > 0 ? t('sync.attention', { n: s.rejected }) : null;
  let text;
  let tone = 'warn';
  if (s.state === SYNC_STATE.auth) text = t('sync.signed_out', { waiting });
  else if (!online || s.state === SYNC_STATE.offline) {
    text = s.pending > 0 ? t('sync.offline_waiting', { waiting }) : attention ? t('sync.offline') : t('sync.offline_all_sent');
    tone = 'pending';
  } else if (s.state === SYNC_STATE.unreachable) text = t('sync.unreachable', { waiting });
  else if (s.state === SYNC_STATE.error) text = t('sync.error_since', { time: timeOf(s.errorSince ?? now), waiting });
  else if (s.pending > 0) [text, tone] = [t(s.state === SYNC_STATE.syncing ? 'sync.sending' : 'sync.queued', { n: s.pending }), 'pending'];
  else if (attention) text = attention;
  else [text, tone] = [t('sync.all_sent'), 'ok'];
  if (attention) tone = 'warn';
  const last = s.lastSuccessAt ? t('sync.synced', { ago: ago(s.lastSuccessAt, now) }) : t('sync.not_synced');
  const detail = attention && text !== attention ? attention : last;
  return { text, detail, tone };
}
