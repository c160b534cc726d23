// The sync engine: drains the outbox to POST /api/v1/sync in batches.
// It marks an entry sent only when the server lists its id in `accepted`; ids in `rejected`
// are kept as needing attention; anything unanswered stays pending and is sent again.
// No DOM: the page wires it to the network, the clock and the 'online' event.

export const SYNC_STATE = {
  idle: 'idle', // nothing pending, or waiting for the next run
  syncing: 'syncing',
  offline: 'offline', // the network failed; retrying with backoff
  auth: 'auth', // the server said 401: waits until the user signs in again
  error: 'error', // the server failed (5xx, 429, a refused batch); retrying with backoff
};

export class SyncEngine {
  /**
   * @param {object} o
   * @param {import('./outbox.js').Outbox} o.outbox
   * @param {(batch: object) => Promise<{accepted: string[], rejected: {id: string, reason: string}[]}>} o.send
   *   throws an error with `status` (0 for a network failure) when the request fails
   * @param {(status: object) => void} [o.onStatus]
   */
  constructor({
    outbox,
    send,
    onStatus = () => {},
    batchSize = 500,
    pollMs = 5000,
    debounceMs = 1000,
    maxWaitMs = 5000,
    backoffBaseMs = 2000,
    backoffMaxMs = 60000,
    now = () => Date.now(),
    random = Math.random,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
  }) {
    Object.assign(this, { outbox, send, onStatus, batchSize, pollMs, debounceMs, maxWaitMs });
    Object.assign(this, { backoffBaseMs, backoffMaxMs, now, random, setTimer, clearTimer });
    this.state = SYNC_STATE.idle;
    this.failures = 0;
    this.lastSuccessAt = null;
    this.lastError = null;
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
    this.failures = 0;
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
    this.running = this.drain().finally(() => {
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
    try {
      for (;;) {
        const records = await this.outbox.nextBatch(this.batchSize);
        if (records.length === 0) break;
        const result = await this.send(toBatch(records));
        const { sent, rejected } = await this.outbox.acknowledge(
          records.map((r) => ({ id: r.id, rev: r.rev })),
          result.accepted ?? [],
          result.rejected ?? [],
        );
        this.lastSuccessAt = this.now();
        // A batch the server answered without settling anything would loop forever.
        if (sent + rejected === 0) throw Object.assign(new Error('no progress'), { status: -1 });
        if (this.stopped) break;
      }
      this.failures = 0;
      this.lastError = null;
      this.state = SYNC_STATE.idle;
    } catch (err) {
      this.failures += 1;
      this.lastError = err?.message ?? String(err);
      if (err?.status === 413) this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      if (err?.status === 401) this.state = SYNC_STATE.auth;
      else if (err?.status === 0) this.state = SYNC_STATE.offline;
      else this.state = SYNC_STATE.error;
    }
    await this.refreshCounts();
    if (!this.stopped && this.state !== SYNC_STATE.auth) {
      if (this.failures > 0) this.schedule(this.backoffMs());
      else if (this.pending > 0) this.schedule(this.pollMs);
    }
    this.emit();
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
